"""Who may do what in the registry, declared once (core.policy) and read by its pages, its API, its services
and its workflow tables: who registers and imports enterprises, who keeps the reference data."""

from __future__ import annotations

from core.choices import Role
from core.policy import Policy

REGISTRY_EDITORS = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER})
# The jurisdiction tree and the departments: district administrators and system administrators keep them
# (CODES: system_admin holds "users and configuration"); neither screen touches an enterprise's record.
CONFIGURATION_MANAGERS = frozenset({Role.DISTRICT_ADMIN, Role.SYSTEM_ADMIN})

POLICY = Policy(
    "registry",
    {"register": REGISTRY_EDITORS, "import": REGISTRY_EDITORS, "configure": CONFIGURATION_MANAGERS},
)
