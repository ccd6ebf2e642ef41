"""Task reminders as a periodic job: a plain function of `now`, idempotent by dedup key.

Assigned inspectors hear of a task 3 days before its deadline and once it is overdue; the enterprise is
never told (R-INSP-3, unannounced inspections). The deadline is part of the key, so a new deadline
starts the reminders afresh and a repeated run sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.jobs import periodic_job
from inspections.models import InspectionTask
from notifications.services import notify

REMIND_DAYS_BEFORE = 3


@periodic_job("inspections.task_reminders", dt.timedelta(hours=6))
def remind_task_deadlines(*, now: dt.datetime) -> str:
    today = timezone.localdate(now)
    due = (
        InspectionTask.objects.pending()
        .filter(deadline__isnull=False, deadline__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE))
        .select_related("enterprise")
        .prefetch_related("inspectors")
    )
    sent = 0
    with translation.override("zh-hans"):
        for task in due.iterator(chunk_size=500):
            overdue = task.deadline < today
            step = "overdue" if overdue else "soon"
            title = (_("Inspection overdue: %(name)s") if overdue else _("Inspection due soon: %(name)s")) % {
                "name": task.enterprise.name
            }
            created = notify(
                recipients=[u for u in task.inspectors.all() if u.is_active],
                kind=f"inspections.task.{step}",
                title=title,
                body=_("Deadline %(date)s") % {"date": task.deadline.isoformat()},
                url=task.get_absolute_url(),
                target=task,
                dedup_key=f"inspections.task.{task.pk}.{step}.{task.deadline.isoformat()}",
            )
            sent += len(created)
    return f"{sent} reminders"
