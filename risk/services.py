"""Risk writes and derived levels (R-RISK-*)."""

from __future__ import annotations

from django.db import transaction

from core.choices import RISK_COLOUR_RANK
from registry.models import Enterprise
from risk.models import RiskPoint


@transaction.atomic
def refresh_enterprise_risk(*, enterprise_id: int) -> str:
    """R-RISK-5: the enterprise's level is the highest (effective) colour among its active points.

    Called whenever a point, a hazard on a point or an accident at the enterprise changes.
    """
    colours = RiskPoint.objects.active().filter(enterprise_id=enterprise_id).exclude(effective_colour="")
    best = max(colours.values_list("effective_colour", flat=True), key=lambda c: RISK_COLOUR_RANK[c], default="")
    Enterprise.objects.filter(pk=enterprise_id).exclude(risk_level=best).update(risk_level=best)
    return best
