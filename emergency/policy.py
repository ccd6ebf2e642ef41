"""Who may do what in emergency preparedness, declared once (core.policy) and read by its pages, its API, its
services and its workflow tables. Where a record lies (a town's shelter, an enterprise's plan) is the
services' scope check (`require_reach`), after the role."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.choices import Role
from core.policy import Policy

# Who keeps preparedness records (read-only roles and the administrators keep none).
KEEPERS = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWN_OFFICER, Role.ENTERPRISE_USER})
# The bureau: checks filings, sets norms and keeps the district's reserves.
BUREAU = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER})
# The duty room enters warnings; the district declares response levels through it.
WARNING_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.DUTY_OFFICER})
TOWN_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER})
# The governments' own registers (waterlogging points, shelters, transfer lists): not enterprises.
OFFICIALS = KEEPERS - {Role.ENTERPRISE_USER}
# Reserve norms are a district setting (R-EMG-5): the district administrator sets them.
NORM_SETTERS = frozenset({Role.DISTRICT_ADMIN})

POLICY = Policy(
    "emergency",
    {
        "keep_records": KEEPERS,  # plans, drills and their actions, teams, warehouses and stock
        "bureau": BUREAU,  # filings checked, the district's own reserves
        "warn": WARNING_ROLES,  # weather warnings and response levels
        "confirm_for_town": TOWN_ROLES,  # a town's confirmation of a declared response
        "keep_registers": OFFICIALS,  # waterlogging points, shelters, transfer lists
        "set_norms": NORM_SETTERS,
    },
    message=_("Your role may not do this here."),
)
