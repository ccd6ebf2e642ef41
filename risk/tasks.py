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


@periodic_job("risk.review_reminders", every=dt.timedelta(days=1), atomic=False)
def remind_reviews(*, now: dt.datetime, batch_size: int = 500) -> str:
    """R-RISK-7: tell the enterprise when a point's reassessment is due; each due date once.

    Bounded batches, each its own transaction; the enterprises' users are read once per batch and the
    notifications checked and written per batch (issue 17), never per point."""
    from django.conf import settings
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone, translation
    from django.utils.translation import gettext as _

    from notifications.recipients import Audience, AudienceBook
    from notifications.services import Message, notify_many
    from risk.models import RiskPoint

    today = timezone.localdate(now)
    due = RiskPoint.objects.review_due(today).order_by("id")
    book = AudienceBook()
    sent, after = 0, 0
    with translation.override(settings.LANGUAGE_CODE):
        while True:
            batch = list(due.filter(id__gt=after)[:batch_size])
            if not batch:
                break
            book.prime(p.enterprise_id for p in batch)
            messages = [
                Message(
                    recipient=user,
                    kind="risk.review_due",
                    title=_("Risk point “%(name)s” is due for reassessment") % {"name": point.name},
                    body=_("The next review date was %(date)s.") % {"date": point.next_review_on},
                    url=reverse("risk:point_assess", args=[point.pk]),
                    target=point,
                    dedup_key=f"risk.review_due:{point.pk}:{point.next_review_on.isoformat()}",
                )
                for point in batch
                for user in book.resolve([Audience.ENTERPRISE], enterprise_id=point.enterprise_id)
            ]
            with transaction.atomic():
                sent += len(notify_many(messages))
            after = batch[-1].pk
    return f"{sent} reminders"
