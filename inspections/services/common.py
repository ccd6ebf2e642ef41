"""Pieces the inspection services share: who may do what, field errors."""

from __future__ import annotations

from core.choices import Role
from core.errors import InvalidInput
from core.policy import Policy
from core.scoping import scope_of

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


MAX_ID = 2**63 - 1


def safe_id(value) -> int | None:
    """An id a database can hold, or None (so a huge or malformed id finds nothing instead of crashing)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(getattr(value, "pk", value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def raise_if(errors: dict) -> None:
    if errors:
        raise InvalidInput(errors={k: [str(m) for m in v] for k, v in errors.items()})


def add_error(errors: dict, field: str, message) -> None:
    errors.setdefault(field, []).append(message)


def planner_limits(actor) -> tuple[set[int] | None, set[str] | None]:
    """The towns and sectors the actor may plan for; None means no limit (district)."""
    scope = scope_of(actor)
    if scope.district:
        return None, None
    towns = set(scope.town_ids) if Role.TOWN_OFFICER in actor.role_codes else set()
    sectors = set(scope.sector_codes) if Role.DEPARTMENT_OFFICER in actor.role_codes else set()
    return towns, sectors
