"""Scoped reads that shape the duty pages: who is on duty, open clocks, late counts, the calendar."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from duty import rules
from duty.choices import RosterState, ShiftRole
from duty.models import DutyRoom, InfoReport, ReportDeadline, Shift


def on_duty(room: DutyRoom, moment: dt.datetime | None = None) -> list[Shift]:
    """The published shifts covering a moment (the leader first)."""
    moment = moment or timezone.now()
    return list(
        Shift.objects.filter(roster__room=room, roster__state=RosterState.PUBLISHED)
        .covering(moment)
        .select_related("person")
        .order_by("role", "start")
    )


def district_room() -> DutyRoom | None:
    return DutyRoom.objects.filter(town__isnull=True).first()


def on_duty_people(room: DutyRoom | None, role: str | None = None, moment=None) -> list:
    if room is None:
        return []
    return [s.person for s in on_duty(room, moment) if role is None or s.role == role]


def board_rooms(user, moment=None) -> list[dict]:
    """Every visible room with who is on duty now: one query for the rooms, one for the shifts."""
    moment = moment or timezone.now()
    rooms = list(DutyRoom.objects.visible_to(user).select_related("town"))
    shifts = (
        Shift.objects.filter(roster__room__in=rooms, roster__state=RosterState.PUBLISHED)
        .covering(moment)
        .select_related("person", "roster")
        .order_by("role", "start")
    )
    by_room = defaultdict(list)
    for s in shifts:
        by_room[s.roster.room_id].append(s)
    return [
        {
            "room": room,
            "leaders": [s for s in by_room[room.pk] if s.role == ShiftRole.LEADER],
            "officers": [s for s in by_room[room.pk] if s.role == ShiftRole.OFFICER],
        }
        for room in rooms
    ]


def open_reports(user):
    return (
        InfoReport.objects.visible_to(user)
        .open()
        .select_related("town")
        .prefetch_related(Prefetch("deadlines", queryset=ReportDeadline.objects.order_by("due_at")))
        .order_by("-known_at")
    )


def report_clocks(report: InfoReport, now=None) -> list[dict]:
    now = now or timezone.now()
    rows = [
        {
            "step": d.step,
            "label": d.get_step_display(),
            "due_at": d.due_at,
            "done_at": d.done_at,
            "overdue": d.is_overdue(now),
            "seconds_left": int((d.due_at - now).total_seconds()),
        }
        for d in report.deadlines.all()
    ]
    return rows


def late_reports(queryset=None):
    qs = queryset if queryset is not None else InfoReport.objects.all()
    return qs.filter(late=True)


def late_counts_per_unit(user, year: int) -> list[dict]:
    """Late reports (R-ACC-7 flags) counted per reporting town."""
    rows = (
        InfoReport.objects.visible_to(user)
        .filter(known_at__year=year)
        .values("town_id", "town__name")
        .annotate(total=Count("id"), late=Count("id", filter=Q(late=True)))
        .order_by("-late", "town__name")
    )
    return list(rows)


def next_follow_up_due(report: InfoReport) -> dt.datetime | None:
    """R-ACC-4: a follow-up at least daily (twice daily for major events) while the report is open."""
    if report.state == "closed":
        return None
    major = (report.deaths or 0) + (report.missing or 0) >= 10
    return report.last_report_at + rules.follow_up_interval(major)
