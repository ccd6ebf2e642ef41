"""The loop in one table: which action moves a hazard from which states to which, and who may do it.

R-HAZ-2 (states and transitions) and R-HAZ-5 (roles). The services enforce this table; the tests read
it to generate every legal and illegal combination. Extra conditions that depend on the hazard (own
enterprise, never the submitter, major and listed hazards) live in `may()` right below the table.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.choices import Role
from hazards.choices import OPEN_STATES, Level, State

ENT = Role.ENTERPRISE_USER
INSPECTOR = Role.INSPECTOR
TOWN = Role.TOWN_OFFICER
DEPT = Role.DEPARTMENT_OFFICER
ADMIN = Role.DISTRICT_ADMIN


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the state does not change
    roles: frozenset[str]


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("assign", (State.REPORTED,), State.RECTIFYING, frozenset({ENT, TOWN, DEPT, ADMIN})),
        Transition("submit", (State.RECTIFYING,), State.SUBMITTED, frozenset({ENT, TOWN, DEPT, ADMIN})),
        Transition("accept", (State.SUBMITTED,), State.ACCEPTED, frozenset({INSPECTOR, TOWN, DEPT, ADMIN})),
        Transition("reject", (State.SUBMITTED,), State.RECTIFYING, frozenset({INSPECTOR, TOWN, DEPT, ADMIN})),
        # Closing a major hazard narrows further (see `may`): supervising department or district only.
        Transition("close", (State.ACCEPTED,), State.CLOSED, frozenset({TOWN, DEPT, ADMIN})),
        Transition(
            "cancel", (State.REPORTED, State.RECTIFYING), State.CANCELLED, frozenset({TOWN, DEPT, ADMIN})
        ),
        # R-HAZ-8: listing (挂牌督办) is for open major hazards, by a department or the district.
        Transition("supervise", OPEN_STATES, None, frozenset({DEPT, ADMIN})),
        # R-HAZ-4: the treatment plan is written before (or while) rectifying.
        Transition("plan", (State.REPORTED, State.RECTIFYING), None, frozenset({ENT, TOWN, DEPT, ADMIN})),
        # R-HAZ-7: the responsible side asks; whoever may accept decides.
        Transition("request_extension", (State.RECTIFYING,), None, frozenset({ENT, TOWN, DEPT, ADMIN})),
        Transition("decide_extension", (State.RECTIFYING,), None, frozenset({INSPECTOR, TOWN, DEPT, ADMIN})),
        Transition("progress", OPEN_STATES, None, frozenset({ENT, TOWN, DEPT, ADMIN})),
        Transition("explain", OPEN_STATES, None, frozenset({ENT, TOWN, DEPT, ADMIN})),
    ]
}

CREATE_ROLES = frozenset({ENT, INSPECTOR, TOWN, DEPT, ADMIN})


def may(user, action: str, hazard) -> bool:
    """Whether the user's roles allow `action` on this (visible) hazard, ignoring its current state."""
    roles = user.role_codes
    transition = TRANSITIONS[action]
    if action in ("accept", "close") and ENT in roles and closes_inside(user, hazard):
        # R-HAZ-12: never the person who rectified (who submitted the rectification).
        return hazard.submitted_by_id != user.pk
    acting = roles & transition.roles
    if ENT in acting and user.enterprise_id != hazard.enterprise_id:
        acting = acting - {ENT}
    if not acting:
        return False
    if action in ("accept", "reject") and hazard.submitted_by_id == user.pk:
        return False  # R-HAZ-5: never the person who submitted
    if action == "supervise" and hazard.level != Level.MAJOR:
        return False
    if action == "close":
        return may_close(user, hazard, acting)
    return True


def closes_inside(user, hazard) -> bool:
    """R-HAZ-12: a general hazard the enterprise found in its own self-inspection is accepted and closed
    inside the enterprise, by its principal or its safety manager."""
    from hazards.choices import Source
    from registry.models import Enterprise

    if hazard.source != Source.SELF_INSPECTION or hazard.level != Level.GENERAL:
        return False
    if user.enterprise_id is None or user.enterprise_id != hazard.enterprise_id:
        return False
    heads = Enterprise.objects.filter(pk=hazard.enterprise_id).values_list(
        "principal_user_id", "safety_manager_user_id"
    )
    return any(user.pk in pair for pair in heads)


def may_close(user, hazard, acting) -> bool:
    if hazard.listed:
        # R-HAZ-8: only the listing authority takes a listed hazard off the list (摘牌).
        if hazard.listing_department_id is None:
            return ADMIN in acting
        return DEPT in acting and user.department_id == hazard.listing_department_id
    if hazard.level == Level.MAJOR:
        # R-HAZ-5: a major hazard is closed by its supervising department or the district.
        return ADMIN in acting or (DEPT in acting and hazard.sector_id in user.department_sector_codes)
    return True


def state_allows(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def available_actions(user, hazard) -> list[str]:
    """The actions this user could take now (for the page's buttons)."""
    return [
        action for action in TRANSITIONS if state_allows(action, hazard.state) and may(user, action, hazard)
    ]
