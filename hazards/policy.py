"""Who may do what in the hazards module beyond a hazard's transitions (those are in rules.py), declared once
(core.policy) and read by its pages, its API and its services: registering, the criteria library, and the
duties around a hazard (R-HAZ-10…12)."""

from __future__ import annotations

from core.policy import Policy
from core.scoping import in_scope
from hazards.rules import ADMIN, DEPT, ENT, INSPECTOR, TOWN, may_close

CREATE_ROLES = frozenset({ENT, INSPECTOR, TOWN, DEPT, ADMIN})
GOVERNMENT = frozenset({INSPECTOR, TOWN, DEPT, ADMIN})


def _hazard_in_scope(user, hazard) -> bool:
    return in_scope(
        user, town_id=hazard.town_id, sector_code=hazard.sector_id, enterprise_id=hazard.enterprise_id
    )


def _reviews_resumption(user, hazard) -> bool:
    # Arts. 18 and 23 of order 16: the authority that closes the major hazard reviews the resumption.
    return _hazard_in_scope(user, hazard) and may_close(user, hazard, user.role_codes & {DEPT, ADMIN})


POLICY = Policy(
    "hazards",
    {
        "report": CREATE_ROLES,
        "edit_library": {ADMIN},
        "recheck": GOVERNMENT,
        "file_statement": {ENT},
        "apply_resumption": {ENT},
        "review_resumption": {DEPT, ADMIN},
    },
    guards={
        "recheck": _hazard_in_scope,
        "apply_resumption": lambda user, hazard: user.enterprise_id == hazard.enterprise_id,
        "review_resumption": _reviews_resumption,
    },
)
