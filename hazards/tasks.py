"""The escalation ladder (R-HAZ-6) as a periodic job: a plain function of `now`, idempotent.

Before the deadline: reminders 3 days and 1 day ahead to the enterprise (the responsible side) and to
whoever set the deadline (the responsible person is a name on the record, not always an account).
Once overdue (the day after the deadline is overdue day 1): the town at once; the supervising
department from day 7; the district administrators and leaders from day 15. A major hazard goes to the
department and the district at once. An overdue listed hazard needs a written explanation (R-HAZ-8).
Every step carries a dedup key with the deadline in it, so a run repeated (or a second worker) sends
nothing twice, and an extension (a new deadline) starts the ladder afresh. The run works in bounded
batches, each its own transaction, and resumes from its cursor (issue 17: 100k hazards).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import job_cursor, periodic_job, save_cursor
from hazards.choices import Level, State
from hazards.models import Hazard, local_today
from hazards.services.statements import generate_due_statements
from notifications.recipients import Audience, AudienceBook
from notifications.services import Message, notify_many

JOB_NAME = "hazards.escalate"
BATCH = 500  # hazards per transaction
REMINDER_DAYS = (3, 1)
TOWN_AFTER, DEPARTMENT_AFTER, DISTRICT_AFTER = 1, 7, 15


def ladder(hazard: Hazard, today: dt.date) -> list[tuple[str, list[str]]]:
    """The steps due for this hazard today: (step name, audiences). Steps already passed stay due, and
    their dedup keys make them no-ops after the first send."""
    days_left = (hazard.deadline - today).days
    steps: list[tuple[str, list[str]]] = []
    if hazard.state == State.RECTIFYING and 0 <= days_left <= REMINDER_DAYS[0]:
        if days_left > REMINDER_DAYS[1]:
            steps.append((f"remind-{REMINDER_DAYS[0]}", [Audience.ENTERPRISE]))
        else:
            steps.append((f"remind-{REMINDER_DAYS[1]}", [Audience.ENTERPRISE]))
    if not _overdue_on(hazard, today):
        return steps
    overdue_days = -days_left
    if hazard.level == Level.MAJOR:
        steps.append(
            ("overdue-0", [Audience.ENTERPRISE, Audience.TOWN, Audience.DEPARTMENT, Audience.DISTRICT])
        )
    elif overdue_days >= TOWN_AFTER:
        steps.append(("overdue-0", [Audience.ENTERPRISE, Audience.TOWN]))
    if overdue_days >= DEPARTMENT_AFTER:
        steps.append(("overdue-7", [Audience.DEPARTMENT]))
    if overdue_days >= DISTRICT_AFTER:
        steps.append(("overdue-15", [Audience.DISTRICT, Audience.LEADERS]))
    if hazard.listed and not hazard.overdue_explanation:
        steps.append(("explain", [Audience.ENTERPRISE, Audience.TOWN]))
    return steps


def _overdue_on(hazard: Hazard, today: dt.date) -> bool:
    if hazard.deadline is None or hazard.deadline >= today:
        return False
    if hazard.state == State.RECTIFYING:
        return True
    return (
        hazard.state == State.SUBMITTED
        and hazard.submitted_on is not None
        and hazard.submitted_on > hazard.deadline
    )


def _message(step: str, hazard: Hazard, today: dt.date) -> tuple[str, str]:
    if step.startswith("remind-"):
        days = (hazard.deadline - today).days
        return (
            _("Deadline in %(days)d day(s): %(title)s") % {"days": days, "title": hazard.title},
            _("Rectify by %(date)s.") % {"date": hazard.deadline},
        )
    if step == "explain":
        return (
            _("Explain the delay of a listed hazard: %(title)s") % {"title": hazard.title},
            _("A listed hazard past its deadline needs a written explanation."),
        )
    days = (today - hazard.deadline).days
    return (
        _("Overdue by %(days)d day(s): %(title)s") % {"days": days, "title": hazard.title},
        f"{hazard.enterprise} · {hazard.town} · {hazard.deadline}",
    )


def escalate_hazards(*, now: dt.datetime, batch_size: int = BATCH) -> dict:
    """Walk the hazards in id order, `batch_size` at a time, each batch in its own transaction.

    Recipients come from one `AudienceBook` per run (and one query per batch for the enterprises' own
    users); notifications are checked and inserted per batch (`notify_many`), so a batch costs a fixed
    number of queries whatever its size. The cursor is saved with each batch: a run that dies resumes
    after the last committed batch on the same day, and dedup keys make any overlap send nothing twice."""
    today = local_today(now)
    horizon = today + dt.timedelta(days=REMINDER_DAYS[0])
    sent: dict[str, int] = {}
    hazards = (
        Hazard.objects.filter(state__in=[State.RECTIFYING, State.SUBMITTED], deadline__lte=horizon)
        .select_related("enterprise", "town", "assigned_by")
        .order_by("id")
    )
    after = _resume_after(today)
    book = AudienceBook()
    with translation.override("zh-hans"):
        while True:
            batch = list(hazards.filter(id__gt=after)[:batch_size])
            if not batch:
                break
            with transaction.atomic():
                for message in notify_many(_messages(batch, book, today)):
                    step = message.dedup_key.rsplit(":", 1)[-1]
                    sent[step] = sent.get(step, 0) + 1
                after = batch[-1].pk
                save_cursor(JOB_NAME, f"{today.isoformat()}:{after}")
    save_cursor(JOB_NAME, "")
    return sent


def _resume_after(today: dt.date) -> int:
    """The last hazard id a run of today committed before it stopped; 0 to start from the beginning."""
    day, _sep, last = job_cursor(JOB_NAME).partition(":")
    return int(last) if day == today.isoformat() and last.isdigit() else 0


def _messages(batch: list[Hazard], book: AudienceBook, today: dt.date) -> list[Message]:
    book.prime(h.enterprise_id for h in batch)
    messages = []
    for hazard in batch:
        for step, audiences in ladder(hazard, today):
            title, body = _message(step, hazard, today)
            recipients = {
                u.pk: u
                for u in book.resolve(
                    audiences,
                    town_id=hazard.town_id,
                    sector_codes=[hazard.sector_id],
                    enterprise_id=hazard.enterprise_id,
                )
            }
            if step.startswith("remind-") and hazard.assigned_by is not None and hazard.assigned_by.is_active:
                recipients[hazard.assigned_by.pk] = hazard.assigned_by
            for user in recipients.values():
                messages.append(
                    Message(
                        recipient=user,
                        kind=f"hazard.{step.split('-')[0]}",
                        title=title,
                        body=body,
                        url=hazard.get_absolute_url(),
                        target=hazard,
                        dedup_key=f"hazard:{hazard.pk}:{hazard.deadline}:{step}",
                    )
                )
    return messages


@periodic_job(JOB_NAME, every=dt.timedelta(hours=1), atomic=False)
def escalate_hazards_job(*, now: dt.datetime) -> dict:
    return escalate_hazards(now=now)


@periodic_job("hazards.statement_tables", every=dt.timedelta(minutes=15), atomic=False)
def statement_tables_job(*, now: dt.datetime) -> dict:
    """R-HAZ-10: each operating enterprise's table of the last ended quarter and year, once."""
    return {"made": generate_due_statements(local_today(now))}
