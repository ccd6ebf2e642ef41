"""Who opens the cockpit: the leaders and the officials who answer for an area (issue 16).

Counts are scoped by the one scoping layer, so each sees the screen of its own scope; enterprises and
inspectors have their own home pages, the administrator roles no business data."""

from core.choices import Role
from core.policy import Policy

COCKPIT_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.DISTRICT_LEADER, Role.DUTY_OFFICER, Role.TOWN_OFFICER, Role.DEPARTMENT_OFFICER}
)
REPORT_MANAGERS = frozenset({Role.DISTRICT_ADMIN})
# The district administrator keeps every wall display of the district (a leader who left, a screen moved).
DISPLAY_KEEPERS = frozenset({Role.DISTRICT_ADMIN})

# A wall display shows its owner's cockpit: whoever may open the cockpit may pair a screen to show it.
POLICY = Policy(
    "cockpit",
    {
        "open_cockpit": COCKPIT_ROLES,
        "create_wall_display": COCKPIT_ROLES,
        "edit_report_wording": REPORT_MANAGERS,
    },
)


def may_open_cockpit(user) -> bool:
    return POLICY.can(user, "open_cockpit")
