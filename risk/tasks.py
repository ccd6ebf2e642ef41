"""Risk jobs: re-derive levels daily so raised levels fall back in time (R-RISK-6)."""

from __future__ import annotations

import datetime as dt

from core.jobs import periodic_job


@periodic_job("risk.rederive_levels", every=dt.timedelta(days=1))
def rederive_levels(*, now: dt.datetime) -> str:
    """Idempotent: each enterprise's level is recomputed from its points, open hazards and accidents."""
    from risk.services import enterprises_to_rederive, refresh_enterprise_risk

    ids = enterprises_to_rederive(now)
    for enterprise_id in ids:
        refresh_enterprise_risk(enterprise_id=enterprise_id, now=now)
    return f"{len(ids)} enterprises re-derived"


@periodic_job("risk.review_reminders", every=dt.timedelta(days=1))
def remind_reviews(*, now: dt.datetime) -> str:
    """R-RISK-7: tell the enterprise when a point's reassessment is due; each due date once."""
    from collections import defaultdict

    from django.conf import settings
    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from notifications.recipients import Audience, resolve
    from notifications.services import notify
    from risk.models import RiskPoint

    today = timezone.localdate(now)
    by_enterprise = defaultdict(list)
    for point in RiskPoint.objects.review_due(today).order_by("enterprise_id", "id"):
        by_enterprise[point.enterprise_id].append(point)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for enterprise_id, points in by_enterprise.items():
            recipients = resolve([Audience.ENTERPRISE], enterprise_id=enterprise_id)
            for point in points:
                sent += len(
                    notify(
                        recipients=recipients,
                        kind="risk.review_due",
                        title=_("Risk point “%(name)s” is due for reassessment") % {"name": point.name},
                        body=_("The next review date was %(date)s.") % {"date": point.next_review_on},
                        url=reverse("risk:point_assess", args=[point.pk]),
                        target=point,
                        dedup_key=f"risk.review_due:{point.pk}:{point.next_review_on.isoformat()}",
                    )
                )
    return f"{sent} reminders"
