"""Small builders for the accountability tests: hazards and accidents written as facts, directly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def hazard(
    enterprise,
    *,
    major=False,
    deadline=None,
    state="rectifying",
    submitted_on=None,
    sector="industry_trade",
    **extra,
):
    from hazards.models import Hazard

    return Hazard.objects.create(
        enterprise=enterprise,
        town=enterprise.town,
        sector_id=sector,
        title=extra.pop("title", "消防通道堵塞"),
        category="management",
        level="major" if major else "general",
        source="government_inspection",
        state=state,
        deadline=deadline,
        submitted_on=submitted_on,
        **extra,
    )


def accident(enterprise, *, deaths=0, level="general", late=False, occurred_at=None, sector="industry_trade"):
    from accidents.models import Accident, ReportDeadline

    occurred_at = occurred_at or timezone.now() - dt.timedelta(days=2)
    item = Accident.objects.create(
        title="车间机械伤害",
        occurred_at=occurred_at,
        town=enterprise.town,
        enterprise=enterprise,
        sector_id=sector,
        accident_type="03",
        deaths=deaths,
        level=level,
    )
    due = occurred_at + dt.timedelta(hours=1)
    ReportDeadline.objects.create(
        accident=item,
        step="unit_to_district",
        due_at=due,
        done_at=due + dt.timedelta(hours=3) if late else due - dt.timedelta(minutes=20),
        late_flagged_at=due + dt.timedelta(minutes=5) if late else None,
    )
    return item
