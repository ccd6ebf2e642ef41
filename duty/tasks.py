"""Periodic jobs of the duty room (idempotent: every notice carries a dedup key).

- `duty.reminders`: the person on duty tomorrow is told the day before.
- `duty.coverage_alert`: a room with nobody on duty at some time in the next 72 hours alerts its keepers
  and the district room.
- `duty.report_clocks`: late flags of open reports follow the clock (R-DUTY-3), and the reporter and the
  duty officers are told once when a step passes its deadline.
- `duty.follow_up_clocks`: an open report whose next follow-up (R-ACC-4) is past due is late, and its
  reporter and the duty officers are told once per due time.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import periodic_job
from duty import selectors
from duty.choices import RosterState
from duty.models import DutyRoom, InfoReport, ReportDeadline, Shift
from notifications.recipients import Audience, resolve
from notifications.services import notify

FOLLOW_UP_BATCH = 200  # reports per transaction


@periodic_job("duty.reminders", dt.timedelta(hours=1))
def remind_tomorrow(*, now=None) -> str:
    """Everyone on duty on tomorrow's duty day, as each roster's pattern counts it (the shift from 08:30 on
    the district's pattern, both shifts of a 12-hour room)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    midnight = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time()))
    shifts = Shift.objects.filter(
        roster__state=RosterState.PUBLISHED,
        start__gte=midnight,
        start__lt=midnight + dt.timedelta(days=2),
    ).select_related("person", "roster__room")
    sent = 0
    for shift in shifts:
        if shift.roster.pattern.shift_day(shift.start) != tomorrow:
            continue
        sent += len(
            notify(
                recipients=[shift.person],
                kind="duty.reminder",
                title=_("You are on duty tomorrow: %(room)s, %(role)s, from %(start)s")
                % {
                    "room": shift.roster.room.name,
                    "role": shift.get_role_display(),
                    "start": f"{timezone.localtime(shift.start):%m-%d %H:%M}",
                },
                url=shift.get_absolute_url(),
                target=shift,
                dedup_key=f"duty:remind:{shift.pk}:{shift.person_id}",
            )
        )
    return f"{sent} reminders"


def uncovered(room: DutyRoom, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Spans in [start, end) with nobody of the room's published rosters on duty."""
    spans = sorted(
        Shift.objects.filter(
            roster__room=room, roster__state=RosterState.PUBLISHED, start__lt=end, end__gt=start
        ).values_list("start", "end")
    )
    holes, cursor = [], start
    for a, b in spans:
        if a > cursor:
            holes.append((cursor, min(a, end)))
        cursor = max(cursor, b)
        if cursor >= end:
            break
    if cursor < end:
        holes.append((cursor, end))
    return holes


@periodic_job("duty.coverage_alert", dt.timedelta(hours=1))
def alert_uncovered(*, now=None) -> str:
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=72)
    alerted = 0
    district = selectors.district_room()
    for room in DutyRoom.objects.select_related("town"):
        holes = uncovered(room, now, horizon)
        if not holes:
            continue
        first = holes[0][0]
        audiences = [Audience.DISTRICT, Audience.DUTY] + ([Audience.TOWN] if room.town_id else [])
        recipients = resolve(audiences, town_id=room.town_id) + selectors.on_duty_people(district, moment=now)
        alerted += bool(
            notify(
                recipients=recipients,
                kind="duty.coverage.alert",
                title=_("%(room)s: nobody on duty from %(start)s")
                % {"room": room.name, "start": f"{timezone.localtime(first):%m-%d %H:%M}"},
                url=room.get_absolute_url(),
                target=room,
                dedup_key=f"duty:uncovered:{room.pk}:{timezone.localtime(first):%Y%m%d%H}",
            )
        )
    return f"{alerted} rooms alerted"


@periodic_job("duty.report_clocks", dt.timedelta(minutes=5))
def report_clocks(*, now=None) -> str:
    from duty.services.reports import refresh_late

    now = now or timezone.now()
    passed = ReportDeadline.objects.filter(
        done_at__isnull=True,
        due_at__lte=now,
        report__state__in=["submitted", "acknowledged", "more_requested"],
    ).select_related("report", "report__reporter")
    told = 0
    for deadline in passed:
        report = deadline.report
        refresh_late(report, now=now)
        told += len(
            notify(
                recipients=[report.reporter, *resolve([Audience.DUTY])],
                kind="duty.report.late",
                title=_("Report overdue: %(step)s of %(title)s")
                % {"step": deadline.get_step_display(), "title": report.title},
                url=report.get_absolute_url(),
                target=report,
                dedup_key=f"duty:report:{report.pk}:late:{deadline.step}",
            )
        )
    for report in (
        InfoReport.objects.open()
        .filter(late=False, deadlines__done_at__isnull=True, deadlines__due_at__lte=now)
        .distinct()
    ):
        refresh_late(report, now=now)
    return f"{told} late notices"


@periodic_job("duty.follow_up_clocks", dt.timedelta(minutes=5), atomic=False)
def follow_up_clocks(*, now=None, batch_size: int = FOLLOW_UP_BATCH) -> str:
    """R-ACC-4: walk the open reports past their follow-up due time in id order, `batch_size` at a time,
    each batch its own transaction. A run that dies is simply run again (see `chase_follow_ups`); a
    follow-up arriving meanwhile moves the due time and the report drops out of the query."""
    from duty.services.reports import chase_follow_ups

    now = now or timezone.now()
    overdue = InfoReport.objects.follow_up_overdue(now).select_related("reporter").order_by("id")
    desk = resolve([Audience.DUTY])
    after = told = 0
    while batch := list(overdue.filter(id__gt=after)[:batch_size]):
        told += chase_follow_ups(batch, desk=desk)
        after = batch[-1].pk
    return f"{told} follow-up notices"
