"""Scoped reads that shape the duty pages: who is on duty, open clocks, late counts, the calendar."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from duty.choices import ReportState, RosterState, ShiftRole
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


UNIT_KINDS = {
    "town": _("Town/street"),
    "department": _("Department"),
    "enterprise": _("Enterprise"),
}


def reporting_unit(row: dict) -> tuple[str, int, str]:
    """The unit that made a report: a department's official reports for the department, an enterprise's
    user for the enterprise; a town's official, or the duty room taking a call, for the town."""
    if row["department_id"]:
        return "department", row["department_id"], row["department__name"]
    if row["enterprise_id"] and row["enterprise_id"] == row["reporter__enterprise_id"]:
        return "enterprise", row["enterprise_id"], row["enterprise__name"]
    return "town", row["town_id"], row["town__name"]


def late_counts_per_unit(user, year: int) -> list[dict]:
    """Reports and late reports (R-ACC-7 flags) of the year counted per reporting unit — towns/streets,
    departments and enterprises — in one grouped query."""
    rows = (
        InfoReport.objects.visible_to(user)
        .filter(known_at__year=year)
        .values(
            "town_id",
            "town__name",
            "department_id",
            "department__name",
            "enterprise_id",
            "enterprise__name",
            "reporter__enterprise_id",
        )
        .annotate(total=Count("id"), late=Count("id", filter=Q(late=True)))
        .order_by()
    )
    units: dict[tuple[str, int], dict] = {}
    for row in rows:
        kind, pk, name = reporting_unit(row)
        unit = units.setdefault(
            (kind, pk),
            {
                "kind": kind,
                "kind_display": UNIT_KINDS[kind],
                "unit_id": pk,
                "name": name,
                "total": 0,
                "late": 0,
            },
        )
        unit["total"] += row["total"]
        unit["late"] += row["late"]
    return sorted(units.values(), key=lambda u: (-u["late"], list(UNIT_KINDS).index(u["kind"]), u["name"]))


def next_follow_up_due(report: InfoReport) -> dt.datetime | None:
    """R-ACC-4: a follow-up at least daily (twice daily for major events) while the report is open; the
    due time is kept on the report (`services.reports.sync_follow_up`)."""
    if report.state == ReportState.CLOSED:
        return None
    return report.follow_up_due_at
