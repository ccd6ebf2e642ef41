"""Pieces the inspection services share: ids, field errors, the planner's limits."""

from __future__ import annotations

from core.choices import Role
from core.errors import InvalidInput
from core.scoping import scope_of

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
