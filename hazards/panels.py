"""Context of the hazard panels on the home page and the enterprise's one-file page."""

from __future__ import annotations

from hazards import selectors
from hazards.home_chart import home_chart
from hazards.models import Hazard
from hazards.policy import POLICY


def home_panel(user) -> dict:
    return {
        "counts": selectors.counts(user),
        "needing_action": selectors.needing_action(user, limit=6),
        "due_soon": list(selectors.due_soon(user, limit=6)),
        "overdue": list(selectors.overdue(user, limit=6)),
        "can_report": POLICY.can(user, "report"),
        "chart": home_chart(user),
    }


def enterprise_section(user, enterprise) -> dict:
    qs = Hazard.objects.visible_to(user).filter(enterprise=enterprise)
    return {
        "enterprise": enterprise,
        "counts": selectors.counts_of(qs),
        "hazards": list(qs.for_list().order_by("-reported_at", "-id")[:10]),
        "can_report": POLICY.can(user, "report"),
    }
