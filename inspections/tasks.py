"""Task reminders as a periodic job: a plain function of `now`, idempotent by dedup key.

Assigned inspectors hear of a task 3 days before its deadline and once it is overdue; the enterprise is
never told (R-INSP-3, unannounced inspections). The deadline is part of the key, so a new deadline
starts the reminders afresh and a repeated run sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.jobs import periodic_job
from inspections.models import InspectionTask
from notifications.services import Message, notify, notify_many

REMIND_DAYS_BEFORE = 3


@periodic_job("inspections.task_reminders", dt.timedelta(hours=6), atomic=False)
def remind_task_deadlines(*, now: dt.datetime, batch_size: int = 500) -> str:
    """Bounded batches, each its own transaction, notifications checked and written per batch."""
    today = timezone.localdate(now)
    due = (
        InspectionTask.objects.pending()
        .filter(deadline__isnull=False, deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE))
        .select_related("enterprise")
        .prefetch_related("inspectors")
        .order_by("id")
    )
    sent, after = 0, 0
    with translation.override("zh-hans"):
        while True:
            batch = list(due.filter(id__gt=after)[:batch_size])
            if not batch:
                break
            messages = []
            for task in batch:
                overdue = task.deadline < today
                step = "overdue" if overdue else "soon"
                title = (
                    _("Inspection overdue: %(name)s") if overdue else _("Inspection due soon: %(name)s")
                ) % {"name": task.enterprise.name}
                messages.extend(
                    Message(
                        recipient=user,
                        kind=f"inspections.task.{step}",
                        title=title,
                        body=_("Deadline %(date)s") % {"date": task.deadline.isoformat()},
                        url=task.get_absolute_url(),
                        target=task,
                        dedup_key=f"inspections.task.{task.pk}.{step}.{task.deadline.isoformat()}",
                    )
                    for user in task.inspectors.all()
                    if user.is_active
                )
            with transaction.atomic():
                sent += len(notify_many(messages))
            after = batch[-1].pk
    return f"{sent} reminders"


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Monday to Friday after `start` up to and including `end` (public holidays are not modelled)."""
    days = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


@periodic_job("inspections.publication_reminders", dt.timedelta(hours=12))
def remind_publication(*, now: dt.datetime) -> str:
    """R-INSP-1: results are published within 20 working days (setting); the draw's maker is told 3
    working days before, once per result."""
    from inspections.choices import InspectionState
    from inspections.models import DrawPair, DrawSetting

    today = timezone.localdate(now)
    limit = DrawSetting.current().publication_working_days
    pairs = DrawPair.objects.filter(
        published__isnull=True, task__inspection__state=InspectionState.FINISHED
    ).select_related("draw__created_by", "enterprise", "task__inspection")
    sent = 0
    with translation.override("zh-hans"):
        for pair in pairs.iterator(chunk_size=500):
            maker = pair.draw.created_by
            finished = timezone.localdate(pair.task.inspection.finished_at)
            if (
                maker is None
                or not maker.is_active
                or working_days_between(finished, today) < max(0, limit - 3)
            ):
                continue
            created = notify(
                recipients=[maker],
                kind="inspections.draw.publish_due",
                title=_("Publish the draw result: %(name)s") % {"name": pair.enterprise.name},
                body=_("Results are published within %(n)d working days of the inspection.") % {"n": limit},
                url=pair.draw.get_absolute_url(),
                target=pair.draw,
                dedup_key=f"inspections.draw.publish.{pair.pk}",
            )
            sent += len(created)
    return f"{sent} reminders"
