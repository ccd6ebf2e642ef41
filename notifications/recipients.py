"""The one place that decides who is told: audiences resolved to active users.

Modules name an audience ("the town", "the supervising department", "the district") and the facts of
the object (town, sectors, enterprise); this module knows which accounts that means.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from core.choices import Role


class Audience:
    TOWN = "town"  # town officers of the object's town
    DEPARTMENT = "department"  # officers of the departments supervising the object's sectors
    DISTRICT = "district"  # district administrators
    LEADERS = "leaders"  # district leaders
    ENTERPRISE = "enterprise"  # the enterprise's own users
    DUTY = "duty"  # duty officers


def _active_with(role: str) -> QuerySet:
    return get_user_model().objects.filter(is_active=True, role_assignments__role=role)


def resolve(
    audiences: Iterable[str],
    *,
    town_id: int | None = None,
    sector_codes: Iterable[str] = (),
    enterprise_id: int | None = None,
) -> list:
    users: dict[int, object] = {}
    sectors = list(sector_codes)
    for audience in audiences:
        if audience == Audience.TOWN and town_id:
            qs = _active_with(Role.TOWN_OFFICER).filter(town_id=town_id)
        elif audience == Audience.DEPARTMENT and sectors:
            qs = _active_with(Role.DEPARTMENT_OFFICER).filter(department__sectors__code__in=sectors)
        elif audience == Audience.DISTRICT:
            qs = _active_with(Role.DISTRICT_ADMIN)
        elif audience == Audience.LEADERS:
            qs = _active_with(Role.DISTRICT_LEADER)
        elif audience == Audience.ENTERPRISE and enterprise_id:
            qs = _active_with(Role.ENTERPRISE_USER).filter(enterprise_id=enterprise_id)
        elif audience == Audience.DUTY:
            qs = _active_with(Role.DUTY_OFFICER)
        else:
            continue
        for user in qs.distinct():
            users[user.pk] = user
    return list(users.values())
