"""Who may do what with risk points, declared once (core.policy) and read by the module's pages, its API,
its services and its workflow table. An enterprise keeps its own register; officials those in their scope."""

from __future__ import annotations

from core.choices import Role
from core.policy import Policy

# Officials who keep risk registers for the enterprises in their scope; an enterprise keeps its own.
RISK_EDITORS = frozenset({Role.DISTRICT_ADMIN, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER})

POLICY = Policy("risk", {"manage_own": {Role.ENTERPRISE_USER}, "manage": RISK_EDITORS})
