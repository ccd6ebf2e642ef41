"""Who may do what in the duty module: the one role table."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.choices import Role
from core.errors import NotAllowed

R = Role
# A roster is kept by the district bureau for every room and by a town's officers for the town's room.
ROSTER_KEEPERS = frozenset({R.DISTRICT_ADMIN, R.TOWN_OFFICER})
# The duty room works the board, the log and the handover; the district bureau may stand in.
DUTY_ROOM = frozenset({R.DISTRICT_ADMIN, R.DUTY_OFFICER, R.TOWN_OFFICER})
# Who reports events to the district (R-DUTY-3): towns, departments, enterprises, and the duty room
# itself when it takes a report by phone.
REPORTERS = frozenset(
    {R.DISTRICT_ADMIN, R.DUTY_OFFICER, R.TOWN_OFFICER, R.DEPARTMENT_OFFICER, R.ENTERPRISE_USER}
)
# Who handles a report at the district: acknowledge, ask for more, escalate, close.
DISTRICT_DESK = frozenset({R.DISTRICT_ADMIN, R.DUTY_OFFICER})
# Pool members act on their own shifts whatever their role; the administrators touch no business data.
PEOPLE = frozenset(
    {R.DISTRICT_ADMIN, R.DISTRICT_LEADER, R.DEPARTMENT_OFFICER, R.TOWN_OFFICER, R.INSPECTOR, R.DUTY_OFFICER}
)


def has(user, roles) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role_codes & roles)


def require(user, roles) -> None:
    if not has(user, roles):
        raise NotAllowed(_("Your role may not do this."))
