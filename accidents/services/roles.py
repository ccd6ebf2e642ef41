"""Who may do what with accidents, cases and sessions: the one role table of the module.

Leaders read only; the administrator roles (system, security, audit) touch no business data.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.choices import Role
from core.errors import NotAllowed
from core.scoping import scope_of

R = Role
# The officials who record accidents in their area (an enterprise user: its own enterprise's only).
RECORDERS = frozenset(
    {R.DISTRICT_ADMIN, R.TOWN_OFFICER, R.DEPARTMENT_OFFICER, R.DUTY_OFFICER, R.ENTERPRISE_USER}
)
OFFICIALS = RECORDERS - {R.ENTERPRISE_USER}

PERMISSIONS: dict[str, frozenset[str]] = {
    "record_accident": RECORDERS,
    "update_accident": RECORDERS,
    "supplement_accident": RECORDERS,  # R-ACC-3
    "submit_report": RECORDERS,  # R-ACC-4 follow-up and final reports
    "mark_unit_step": OFFICIALS,
    # Passing the report up is the district bureau's duty room's job (R-ACC-2).
    "mark_escalation_step": frozenset({R.DISTRICT_ADMIN, R.DUTY_OFFICER}),
    # R-ACC-5: the district government's investigation team (the bureau and the sector departments).
    "investigate": frozenset({R.DISTRICT_ADMIN, R.DEPARTMENT_OFFICER}),
    "edit_case": frozenset({R.DISTRICT_ADMIN, R.DEPARTMENT_OFFICER}),
    "record_session": frozenset({R.DISTRICT_ADMIN, R.DEPARTMENT_OFFICER, R.TOWN_OFFICER, R.ENTERPRISE_USER}),
    # R-ACC-1: the level thresholds follow the regulation; only the district bureau changes them.
    "change_thresholds": frozenset({R.DISTRICT_ADMIN}),
}


def can(user, action: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role_codes & PERMISSIONS[action])


def require(user, action: str) -> None:
    if not can(user, action):
        raise NotAllowed(_("Your role may not do this."))


def in_scope(user, *, town_id, sector_code, enterprise_id) -> bool:
    scope = scope_of(user)
    return bool(
        scope.district
        or town_id in scope.town_ids
        or sector_code in scope.sector_codes
        or (enterprise_id and enterprise_id in scope.enterprise_ids)
    )
