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


class AudienceBook:
    """`resolve` for many objects at once (a periodic job's batch): the accounts behind each audience are
    read once per run (per batch for the enterprises' own users), never once per object."""

    def __init__(self) -> None:
        users = {
            u.pk: u
            for u in get_user_model()
            .objects.filter(is_active=True, role_assignments__role__in=list(self._WIDE))
            .distinct()
        }
        self.by_role: dict[str, list] = {role: [] for role in self._WIDE}
        self.town: dict[int, list] = {}
        self.sector: dict[str, dict[int, object]] = {}
        UserRole = get_user_model().role_assignments.rel.related_model
        pairs = UserRole.objects.filter(user_id__in=list(users), role__in=list(self._WIDE))
        for user_id, role in pairs.values_list("user_id", "role"):
            user = users[user_id]
            self.by_role[role].append(user)
            if role == Role.TOWN_OFFICER and user.town_id:
                self.town.setdefault(user.town_id, []).append(user)
        officers = [u.pk for u in self.by_role[Role.DEPARTMENT_OFFICER]]
        for user_id, code in (
            get_user_model()
            .objects.filter(pk__in=officers, department__sectors__code__isnull=False)
            .values_list("pk", "department__sectors__code")
        ):
            self.sector.setdefault(code, {})[user_id] = users[user_id]
        self.enterprise: dict[int, list] = {}

    _WIDE = (
        Role.TOWN_OFFICER,
        Role.DEPARTMENT_OFFICER,
        Role.DISTRICT_ADMIN,
        Role.DISTRICT_LEADER,
        Role.DUTY_OFFICER,
    )

    def prime(self, enterprise_ids: Iterable[int]) -> None:
        """Load the enterprises' own users for the next batch (one query)."""
        self.enterprise = {}
        for user in (
            _active_with(Role.ENTERPRISE_USER).filter(enterprise_id__in=list(set(enterprise_ids))).distinct()
        ):
            self.enterprise.setdefault(user.enterprise_id, []).append(user)

    def resolve(
        self,
        audiences: Iterable[str],
        *,
        town_id: int | None = None,
        sector_codes: Iterable[str] = (),
        enterprise_id: int | None = None,
    ) -> list:
        users: dict[int, object] = {}
        for audience in audiences:
            if audience == Audience.TOWN:
                found = self.town.get(town_id, []) if town_id else []
            elif audience == Audience.DEPARTMENT:
                found = [u for code in sector_codes for u in self.sector.get(code, {}).values()]
            elif audience == Audience.DISTRICT:
                found = self.by_role[Role.DISTRICT_ADMIN]
            elif audience == Audience.LEADERS:
                found = self.by_role[Role.DISTRICT_LEADER]
            elif audience == Audience.ENTERPRISE:
                found = self.enterprise.get(enterprise_id, []) if enterprise_id else []
            elif audience == Audience.DUTY:
                found = self.by_role[Role.DUTY_OFFICER]
            else:
                continue
            for user in found:
                users[user.pk] = user
        return list(users.values())
