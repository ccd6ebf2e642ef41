"""Who opens the cockpit: the leaders and the officials who answer for an area (issue 16).

Counts are scoped by the one scoping layer, so each sees the screen of its own scope; enterprises and
inspectors have their own home pages, the administrator roles no business data."""

from core.choices import Role

COCKPIT_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER, Role.DUTY_OFFICER, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER}
)
REPORT_MANAGERS = frozenset({Role.DISTRICT_ADMIN})


def may_open_cockpit(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role_codes & COCKPIT_ROLES)
