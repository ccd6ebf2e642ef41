"""Who may do what in the accountability module, declared once (core.policy) and read by its pages, its API
and its services. State changes of cases, proposals and measures declare their roles in their workflow
tables (accountability/services); this holds the module's other actions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.policy import Policy
from core.scoping import object_in_scope

# Enforcement is the bureau's and the industry departments' (R-ACCT-5).
OFFICERS = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
# A commitment made at an interview is followed up by whoever supervises the unit.
FOLLOW_UP_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER})
# Every unit keeps its own responsibility list; which unit is the services' check.
STAFF_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER, Role.ENTERPRISE_USER}
)

POLICY = Policy(
    "accountability",
    {
        "assess": {Role.DISTRICT_ADMIN},  # weights, publishing a year, adjustments (R-ACCT-6)
        "file_case": OFFICERS,
        "plan_enforcement": {Role.DEPARTMENT_OFFICER},
        "add_commitment": {Role.DISTRICT_ADMIN},
        "follow_up": FOLLOW_UP_ROLES,
        "edit_duty_templates": {Role.DISTRICT_ADMIN},
        "keep_lists": STAFF_ROLES,
    },
    message=_("Your role may not do this here."),
    guards={
        "plan_enforcement": lambda user, _obj: bool(user.department_id),
        "add_commitment": object_in_scope,
        "follow_up": object_in_scope,
    },
)
