"""Who may do what in the inspections module, declared once (core.policy) and read by its pages, its API,
its services and its workflow tables."""

from __future__ import annotations

from core.choices import Role
from core.policy import Policy

# Who plans campaigns, assigns tasks and draws (district, departments in their sectors, towns in their town).
PLANNERS = frozenset({Role.DISTRICT_ADMIN, Role.DEPARTMENT_OFFICER, Role.TOWN_OFFICER})
# Who inspects in the field.
INSPECTORS = frozenset({Role.INSPECTOR, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER, Role.DISTRICT_ADMIN})
# Admins edit checklist templates.
TEMPLATE_EDITORS = frozenset({Role.DISTRICT_ADMIN})

# The module's policy (core/policy.py): services, pages and the API read these rows.
POLICY = Policy(
    "inspections",
    {
        "plan": PLANNERS,
        "inspect": INSPECTORS,
        "edit_templates": TEMPLATE_EDITORS,
        "change_draw_settings": frozenset({Role.DISTRICT_ADMIN}),
    },
)
