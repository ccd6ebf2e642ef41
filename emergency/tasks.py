"""Periodic jobs: expiry alerts at 30 and 7 days (R-EMG-5), and due or overdue plan filings, reviews and
drills. Idempotent: every notice carries a dedup key, so a job run twice sends nothing twice."""

import datetime as dt

from core.jobs import periodic_job


@periodic_job("emergency.expiry_alerts", every=dt.timedelta(hours=6))
def alert_expiring_stock(*, now):
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from emergency import rules
    from emergency.models import StockBatch
    from notifications.recipients import Audience, resolve
    from notifications.services import notify

    today = timezone.localdate(now)
    thresholds = sorted(rules.expiry_alert_days())
    batches = StockBatch.objects.filter(
        quantity__gt=0,
        expires_on__isnull=False,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=max(thresholds)),
    ).select_related("warehouse", "item")
    count = 0
    for batch in batches:
        left = (batch.expires_on - today).days
        threshold = next(t for t in thresholds if left <= t)
        warehouse = batch.warehouse
        audiences = (
            [Audience.ENTERPRISE]
            if warehouse.enterprise_id
            else [Audience.TOWN]
            if warehouse.town_id
            else [Audience.DISTRICT]
        )
        notify(
            recipients=resolve(audiences, town_id=warehouse.town_id, enterprise_id=warehouse.enterprise_id),
            kind="emergency.expiry",
            title=_("%(item)s in %(warehouse)s expires on %(date)s")
            % {"item": batch.item, "warehouse": warehouse.name, "date": batch.expires_on.isoformat()},
            body=_("%(n)s %(unit)s, batch %(batch)s.")
            % {"n": batch.quantity, "unit": batch.item.unit, "batch": batch.batch_no or batch.pk},
            target=warehouse,
            dedup_key=f"emergency.expiry:{batch.pk}:{threshold}",
        )
        count += 1
    return {"batches": count}


@periodic_job("emergency.plans_due", every=dt.timedelta(hours=12))
def notify_plans_due(*, now):
    """Filings, checks, reviews and drills that fall due within 7 days or are overdue: the owner is told
    once per due date."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from emergency.models import Plan
    from emergency.selectors import plan_statuses
    from notifications.recipients import Audience, resolve
    from notifications.services import notify

    today = timezone.localdate(now)
    horizon = today + dt.timedelta(days=7)
    sent = 0
    for status in plan_statuses(Plan.objects.all(), today=today):
        plan = status.plan
        audiences = (
            [Audience.ENTERPRISE, Audience.TOWN]
            if plan.owner_enterprise_id
            else [Audience.TOWN, Audience.DISTRICT]
        )
        for what, due, label in (
            ("filing", status.filing_due, _("filing")),
            ("check", status.check_due, _("filing check")),
            ("review", status.review_due, _("evaluation")),
            ("drill", status.next_drill_due, _("drill")),
        ):
            if due is None or due > horizon:
                continue
            state = "overdue" if due < today else "due"
            notify(
                recipients=resolve(audiences, town_id=plan.town_id, enterprise_id=plan.owner_enterprise_id),
                kind=f"emergency.plan.{what}",
                title=_("%(plan)s: %(what)s due on %(date)s")
                % {"plan": plan.title, "what": label, "date": due.isoformat()},
                target=plan,
                dedup_key=f"emergency.plan:{plan.pk}:{what}:{due.isoformat()}:{state}",
            )
            sent += 1
    return {"notices": sent}
