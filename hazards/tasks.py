"""The escalation ladder (R-HAZ-6) as a periodic job: a plain function of `now`, idempotent.

Before the deadline: reminders 3 days and 1 day ahead to the enterprise (the responsible side) and to
whoever set the deadline (the responsible person is a name on the record, not always an account).
Once overdue (the day after the deadline is overdue day 1): the town at once; the supervising
department from day 7; the district administrators and leaders from day 15. A major hazard goes to the
department and the district at once. An overdue listed hazard needs a written explanation (R-HAZ-8).
Every step carries a dedup key with the deadline in it, so a run repeated (or a second worker) sends
nothing twice, and an extension (a new deadline) starts the ladder afresh.
"""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import periodic_job
from hazards.choices import Level, State
from hazards.models import Hazard, local_today
from hazards.services.common import tell
from notifications.recipients import Audience

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


def escalate_hazards(*, now: dt.datetime) -> dict:
    today = local_today(now)
    horizon = today + dt.timedelta(days=REMINDER_DAYS[0])
    sent: dict[str, int] = {}
    hazards = (
        Hazard.objects.filter(state__in=[State.RECTIFYING, State.SUBMITTED], deadline__lte=horizon)
        .select_related("enterprise", "town", "assigned_by")
        .order_by("deadline", "id")
    )
    with translation.override("zh-hans"):
        for hazard in hazards.iterator(chunk_size=500):
            for step, audiences in ladder(hazard, today):
                title, body = _message(step, hazard, today)
                created = tell(
                    hazard,
                    audiences,
                    actor=None,
                    kind=f"hazard.{step.split('-')[0]}",
                    title=title,
                    body=body,
                    dedup_key=f"hazard:{hazard.pk}:{hazard.deadline}:{step}",
                    users=[hazard.assigned_by] if step.startswith("remind-") else (),
                )
                if created:
                    sent[step] = sent.get(step, 0) + len(created)
    return sent


@periodic_job("hazards.escalate", every=dt.timedelta(hours=1))
def escalate_hazards_job(*, now: dt.datetime) -> dict:
    return escalate_hazards(now=now)
