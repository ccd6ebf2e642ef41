"""The registry's home panels: the officials' registry summary and an enterprise's own profile card.

Every count starts from `Enterprise.objects.visible_to(user)`, so a panel never shows more than its
reader may list.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.choices import RiskColour, Role
from core.scoping import scope_of
from registry.choices import EnterpriseStatus
from registry.file import expired_q
from registry.models import Enterprise, Sector

# Profile fields an enterprise keeps up to date itself (registry.services.SELF_SERVICE_FIELDS).
PROFILE_FIELDS = (
    ("address", _("Address")),
    ("principal_name", _("Principal")),
    ("principal_phone", _("Principal's phone")),
    ("safety_manager_name", _("Safety manager")),
    ("safety_manager_phone", _("Safety manager's phone")),
    ("employees", _("Employees")),
)


def shows_summary(user) -> bool:
    """Officials with a territory or sectors (not an enterprise's own users, not the administrators)."""
    scope = scope_of(user)
    return scope.district or bool(scope.town_ids or scope.sector_codes)


def shows_own_enterprise(user) -> bool:
    return user.has_role(Role.ENTERPRISE_USER) and bool(user.enterprise_id)


def registry_summary(user) -> dict:
    """Counts by operating status, risk colour and sector, in the user's scope (two queries)."""
    visible = Enterprise.objects.visible_to(user)
    aggregates = {f"status_{s}": Count("pk", filter=Q(status=s)) for s in EnterpriseStatus.values}
    aggregates |= {f"risk_{c}": Count("pk", filter=Q(risk_level=c)) for c in RiskColour.values}
    aggregates["total"] = Count("pk")
    # R-REG-4: enterprises whose file holds an expired certificate, licence, policy or grade.
    aggregates["expired"] = Count("pk", filter=expired_q())
    counts = visible.aggregate(**aggregates)
    statuses = [
        {"code": code, "label": label, "count": counts[f"status_{code}"]}
        for code, label in EnterpriseStatus.choices
    ]
    risks = [
        {"code": code, "label": label, "count": counts[f"risk_{code}"]} for code, label in RiskColour.choices
    ]
    through = Enterprise.sectors.through
    per_sector = dict(
        through.objects.filter(enterprise__in=visible.filter(status=EnterpriseStatus.OPERATING))
        .values("sector_id")
        .annotate(n=Count("enterprise_id"))  # a pair is unique in the through table: no DISTINCT to sort
        .values_list("sector_id", "n")
    )
    sectors = [
        {"code": s.code, "label": s.display_name, "count": per_sector.get(s.code, 0)}
        for s in Sector.objects.order_by("order", "code")
        if per_sector.get(s.code)
    ]
    sectors.sort(key=lambda row: -row["count"])
    return {
        "total": counts["total"],
        "statuses": statuses,
        "risks": risks,
        "sectors": sectors,
        "expired": counts["expired"],
    }


def own_enterprise_card(user) -> dict:
    """The enterprise user's card: its record as officials see it, and what is missing from it."""
    enterprise = (
        Enterprise.objects.visible_to(user)
        .select_related("town")
        .prefetch_related("sectors")
        .filter(pk=user.enterprise_id)
        .first()
    )
    if enterprise is None:
        return {"enterprise": None, "missing": []}
    missing = [label for field, label in PROFILE_FIELDS if getattr(enterprise, field) in (None, "")]
    return {"enterprise": enterprise, "missing": missing}
