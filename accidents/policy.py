"""Who may do what with accidents, cases and sessions: the module's policy (core/policy.py), read by its pages,
its API, its services and its workflow tables.

Leaders read only; the administrator roles (system, security, audit) touch no business data.
"""

from __future__ import annotations

from core.choices import Role
from core.policy import Policy
from core.scoping import in_scope  # noqa: F401  (the one scope check, re-exported for the services)

R = Role
# The officials who record accidents in their area (an enterprise user: its own enterprise's only).
RECORDERS = frozenset(
    {R.DISTRICT_ADMIN, R.TOWN_OFFICER, R.DEPARTMENT_OFFICER, R.DUTY_OFFICER, R.ENTERPRISE_USER}
)
OFFICIALS = RECORDERS - {R.ENTERPRISE_USER}

POLICY = Policy(
    "accidents",
    {
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
        "record_session": frozenset(
            {R.DISTRICT_ADMIN, R.DEPARTMENT_OFFICER, R.TOWN_OFFICER, R.ENTERPRISE_USER}
        ),
        # R-ACC-1: the level thresholds follow the regulation; only the district bureau changes them.
        "change_thresholds": frozenset({R.DISTRICT_ADMIN}),
    },
)

# Reads of the policy under the names the module's services use; scope is core.scoping's `in_scope`.
PERMISSIONS = POLICY.rules
can = POLICY.can
require = POLICY.require
