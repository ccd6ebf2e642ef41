"""Scope of the records about a target (a town, a department or an enterprise), shared by the models."""

from django.db.models import Exists, OuterRef, Q

from core.scoping import Scope, ScopedQuerySet, scope_q


def enterprise_in_sectors(codes, path: str = "enterprise_id") -> Q:
    from registry.models import Enterprise

    through = Enterprise.sectors.through
    return Q(Exists(through.objects.filter(enterprise_id=OuterRef(path), sector_id__in=codes)))


class TargetQuerySet(ScopedQuerySet):
    """A town sees what concerns it (itself or its enterprises), a department what concerns it or the
    enterprises of its sectors, an enterprise what concerns it; never another unit's records.

    A department is matched as itself, never by its sectors: a sector is supervised by several departments
    (road traffic by transport and public security), and what is aimed at one of them is not the other's.
    `department_path = None` when the records name no department."""

    town_path = "town_id"
    department_path: str | None = "department_id"
    enterprise_path = "enterprise_id"
    # Whether a department also sees the records about the enterprises of its sectors (not so for the
    # enforcement cases: each is its own department's).
    sector_enterprises = True

    def scope_filter(self, scope: Scope):
        return scope_q(
            scope,
            town=self.town_path,
            sector=None,
            enterprise=self.enterprise_path,
            sector_q=lambda codes: self._department_q(scope, codes),
        )

    def _department_q(self, scope: Scope, codes) -> Q:
        own = own_department_q(scope, self.department_path) if self.department_path else Q(pk__in=[])
        if self.sector_enterprises:
            return own | enterprise_in_sectors(codes, self.enterprise_path)
        return own


def own_department_q(scope: Scope, path: str = "department_id") -> Q:
    """A department officer's own department (the scope knows the user; departments are not sectors)."""
    from django.contrib.auth import get_user_model

    if not scope.user_id:
        return Q(pk__in=[])
    users = get_user_model().objects.filter(pk=scope.user_id, department__isnull=False)
    return Q(**{f"{path}__in": users.values("department_id")})


class UnitQuerySet(ScopedQuerySet):
    """Scores of a town or a department: a town sees its own, a department its own; enterprises nothing."""

    town_path: str | None = "town_id"
    department_path = "department_id"

    def scope_filter(self, scope: Scope):
        return scope_q(
            scope,
            town=self.town_path,
            sector=None,
            enterprise=None,
            sector_q=lambda _codes: own_department_q(scope, self.department_path),
        )
