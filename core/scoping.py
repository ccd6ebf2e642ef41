"""The one scoping layer: who sees what (CODES: roles; issue "data scope is the law").

Every list, detail, count, search, export, chart, PDF and API response starts from
``Model.objects.visible_to(user)``, which is built here. A model's queryset says where its town, sector
and enterprise live; this module turns a user's roles into a `Scope` and the scope into one Q object.
Out-of-scope objects simply are not in the queryset, so detail views answer 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db import models
from django.db.models import Q
from django.http import Http404

from core.choices import DISTRICT_WIDE_ROLES, Role


@dataclass(frozen=True)
class Scope:
    district: bool = False
    town_ids: frozenset[int] = field(default_factory=frozenset)
    sector_codes: frozenset[str] = field(default_factory=frozenset)
    enterprise_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.district or self.town_ids or self.sector_codes or self.enterprise_ids)


EMPTY_SCOPE = Scope()


def scope_of(user) -> Scope:
    """The union of what each of the user's roles may see; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    cached = getattr(user, "_redline_scope", None)
    if cached is not None:
        return cached
    roles = user.role_codes
    district = bool(roles & DISTRICT_WIDE_ROLES)
    towns: set[int] = set()
    sectors: set[str] = set()
    enterprises: set[int] = set()
    if Role.DEPARTMENT_OFFICER in roles and user.department_id:
        sectors |= user.department_sector_codes
    if Role.TOWN_OFFICER in roles and user.town_id:
        towns.add(user.town_id)
    if Role.INSPECTOR in roles:
        # An inspector sees its town, or its department's sectors (tasks assigned to it extend this
        # in the inspections module).
        if user.town_id:
            towns.add(user.town_id)
        elif user.department_id:
            sectors |= user.department_sector_codes
    if Role.ENTERPRISE_USER in roles and user.enterprise_id:
        enterprises.add(user.enterprise_id)
    scope = Scope(district, frozenset(towns), frozenset(sectors), frozenset(enterprises), user.pk)
    user._redline_scope = scope
    return scope


def scope_q(
    scope: Scope,
    *,
    town: str | None = "town",
    sector: str | None = "sector",
    enterprise: str | None = "enterprise",
    sector_q: Callable[[frozenset[str]], Q] | None = None,
    extra: Callable[[Scope], Q | None] | None = None,
) -> Q | None:
    """None means "no restriction" (district scope); an always-false Q means "nothing"."""
    if scope.district:
        return None
    parts: list[Q] = []
    if scope.town_ids and town:
        parts.append(Q(**{f"{town}__in": scope.town_ids}))
    if scope.sector_codes:
        if sector_q is not None:
            parts.append(sector_q(scope.sector_codes))
        elif sector:
            parts.append(Q(**{f"{sector}__in": scope.sector_codes}))
    if scope.enterprise_ids and enterprise:
        parts.append(Q(**{f"{enterprise}__in": scope.enterprise_ids}))
    if extra is not None:
        more = extra(scope)
        if more is not None:
            parts.append(more)
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


class ScopedQuerySet(models.QuerySet):
    """Base for every scoped model. Subclasses set the paths (or override `scope_filter`)."""

    scope_town: str | None = "town"
    scope_sector: str | None = "sector"
    scope_enterprise: str | None = "enterprise"

    def scope_filter(self, scope: Scope) -> Q | None:
        return scope_q(
            scope, town=self.scope_town, sector=self.scope_sector, enterprise=self.scope_enterprise
        )

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_empty:
            return self.none()
        q = self.scope_filter(scope)
        return self if q is None else self.filter(q)


def get_visible_or_404(queryset, user, **lookup):
    """The gate: fetch one object inside the user's scope, or 404 (never a hint that it exists)."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404


def has_role(user, *roles) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.role_codes & set(roles))


def in_scope(user, *, town_id=None, sector_code=None, enterprise_id=None) -> bool:
    """Whether a record placed at (town, sector, enterprise) lies in the user's scope, without a query."""
    scope = scope_of(user)
    return bool(
        scope.district
        or (town_id is not None and town_id in scope.town_ids)
        or (sector_code is not None and sector_code in scope.sector_codes)
        or (enterprise_id is not None and enterprise_id in scope.enterprise_ids)
    )


def object_in_scope(user, obj) -> bool:
    """The workflow layer's scope check: the object is in its model's `visible_to(user)`.

    Callers gate visibility (404) before a service runs; services check it again so that no caller can act
    outside the actor's scope. One query, the same one the gate runs."""
    return type(obj)._default_manager.visible_to(user).filter(pk=obj.pk).exists()
