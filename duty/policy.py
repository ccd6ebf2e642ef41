"""Who may do what in the duty module, declared once (core.policy) and read by its pages, its API, its
services and its workflow tables. Whose shift it is, and which town's room, are the services' checks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.policy import Policy

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

POLICY = Policy(
    "duty",
    {
        "keep_rosters": ROSTER_KEEPERS,  # rosters, patterns, swaps approved, leave
        "work_the_room": DUTY_ROOM,  # the board, the log, a handover on another's shift
        "report": REPORTERS,  # information reports to the district
        "handle_reports": DISTRICT_DESK,  # acknowledge, ask for more, escalate, close
        "stand_duty": PEOPLE,  # one's own shifts: handover, swap requests
    },
    message=_("Your role may not do this."),
)
