"""Scoped reads that shape the accident pages: clocks, statistics, education coverage, related hazards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accidents import rules
from accidents.choices import NOTIFICATION_STEPS, ChainStepKind, Level, ReportKind, State
from accidents.models import Accident, AccidentReport, Case, ChainStep, EducationSession, ReportDeadline
from accidents.policy import can
from accidents.services import chain
from core.choices import AccidentType
from core.scoping import scope_of
from hazards.models import Hazard
from registry.models import Department, Jurisdiction, Sector


def clock_rows(accident: Accident, *, now: dt.datetime | None = None) -> list[dict]:
    """Each due report with its countdown, who acts, and whether it is (or was) overdue (R-ACC-2, R-ACC-7)."""
    now = now or timezone.now()
    rows = []
    for d in accident.deadlines.all():
        remaining = (d.due_at - now).total_seconds() if d.done_at is None else None
        rows.append(
            {
                "deadline": d,
                "step": d.step,
                "label": d.get_step_display(),
                "who": rules.WHO_ACTS[d.step],
                "due_at": d.due_at,
                "done_at": d.done_at,
                "overdue": d.is_overdue(now),
                "late": d.late_flagged_at is not None or d.is_overdue(now),
                "remaining_minutes": int(remaining // 60) if remaining is not None else None,
            }
        )
    return sorted(rows, key=lambda r: r["due_at"])


# The order the chain reads in on the page: the notifications, then the reply, then the evaluation.
CHAIN_ORDER = (
    *NOTIFICATION_STEPS,
    ChainStepKind.INVESTIGATION_REPORT_RECEIVED,
    ChainStepKind.GOVERNMENT_REPLY,
    ChainStepKind.RECTIFICATION_EVALUATION,
)


def chain_rows(accident: Accident, user, *, now: dt.datetime | None = None) -> list[dict]:
    """R-ACC-8 / R-ACC-9: each step of the chain with its clock and whether this user may record it. The
    government's receipt of the investigation report shows before it is recorded: it starts the reply clock."""
    now = now or timezone.now()
    steps = {s.step: s for s in accident.chain_steps.select_related("done_by")}
    if accident.state != State.REPORTED:
        steps.setdefault(
            ChainStepKind.INVESTIGATION_REPORT_RECEIVED,
            ChainStep(accident=accident, step=ChainStepKind.INVESTIGATION_REPORT_RECEIVED),
        )
    may_notify, may_investigate = can(user, "mark_escalation_step"), can(user, "investigate")
    rows = []
    for kind in CHAIN_ORDER:
        step = steps.get(kind)
        if step is None:
            continue
        remind_from = (
            step.due_at - dt.timedelta(days=chain.EVALUATION_REMIND_DAYS)
            if kind == ChainStepKind.RECTIFICATION_EVALUATION and step.due_at
            else None
        )
        rows.append(
            {
                "step": kind,
                "label": ChainStepKind(kind).label,
                "due_at": step.due_at,
                "done_at": step.done_at,
                "done_by": step.done_by,
                "note": step.note,
                "overdue": step.is_overdue(now),
                "reminded_at": step.reminded_at,
                "remind_from": remind_from,
                "can_record": step.done_at is None
                and (may_notify if kind in NOTIFICATION_STEPS else may_investigate),
            }
        )
    return rows


def next_follow_up_due(accident: Accident) -> dt.datetime | None:
    """R-ACC-4: the next follow-up report is due a cadence after the last report, until the final one."""
    if accident.state == State.CLOSED:
        return None
    reports = list(accident.reports.all())
    if any(r.kind == ReportKind.FINAL for r in reports):
        return None
    last = max((r.submitted_at for r in reports), default=accident.reported_at)
    return last + dt.timedelta(hours=rules.follow_up_hours(accident.level))


def due_clocks(user, *, now: dt.datetime | None = None, limit: int = 8) -> list[ReportDeadline]:
    """Unmade reports of open accidents in the user's scope, most urgent first."""
    visible = Accident.objects.visible_to(user).open().values("pk")
    return list(
        ReportDeadline.objects.filter(accident__in=visible, done_at__isnull=True)
        .select_related("accident", "accident__town")
        .order_by("due_at")[:limit]
    )


GROUPS = ("month", "type", "sector", "town", "level")


def accident_stats(user, *, group_by: str, year: int | None = None) -> list[dict]:
    """Counts and casualties grouped by month, type, sector, town or level, scoped to the user."""
    qs = Accident.objects.visible_to(user)
    if year:
        qs = qs.filter(occurred_at__year=year)
    sums = {
        "accidents": Count("id"),
        "deaths": Sum("deaths"),
        "serious_injuries": Sum("serious_injuries"),
        "direct_loss": Sum("direct_loss"),
    }
    if group_by == "month":
        rows = qs.annotate(k=TruncMonth("occurred_at")).values("k").annotate(**sums).order_by("k")
        names = {}
    elif group_by == "type":
        rows = qs.values(k=F("accident_type")).annotate(**sums).order_by("k")
        names = dict(AccidentType.choices)
    elif group_by == "sector":
        rows = qs.values(k=F("sector_id")).annotate(**sums).order_by("k")
        names = {s.code: s.display_name for s in Sector.objects.all()}
    elif group_by == "town":
        rows = qs.values(k=F("town_id")).annotate(**sums).order_by("k")
        names = {t.pk: t.display_name for t in Jurisdiction.objects.towns()}
    elif group_by == "level":
        rows = qs.values(k=F("level")).annotate(**sums).order_by("k")
        names = dict(Level.choices)
    else:
        raise ValueError(group_by)
    out = []
    for row in rows:
        key = row["k"]
        if group_by == "month":
            key = timezone.localtime(key).strftime("%Y-%m") if isinstance(key, dt.datetime) else str(key)[:7]
        out.append(
            {
                "key": key,
                "name": str(names.get(key, key)),
                "accidents": row["accidents"],
                "deaths": row["deaths"] or 0,
                "serious_injuries": row["serious_injuries"] or 0,
                "direct_loss": str(row["direct_loss"] or Decimal("0")),
            }
        )
    if group_by == "level":
        order = {v: i for i, v in enumerate(Level.values)}
        out.sort(key=lambda r: order.get(r["key"], 99))
    return out


def chart_option(rows: list[dict], *, title: str, series_name: str) -> dict:
    """An ECharts bar option for one grouping (rendered by redline.js from a json_script block)."""
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "bottom": 60, "top": 40},
        "xAxis": {"type": "category", "data": [r["name"] for r in rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": series_name, "type": "bar", "data": [r["accidents"] for r in rows]}],
    }


def quarter_start(today: dt.date) -> dt.date:
    return dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)


def education_by_town(user, *, since: dt.date) -> list[dict]:
    """Per town: sessions it organised or attended since a date, attendance and distinct cases studied."""
    sessions = EducationSession.objects.visible_to(user).filter(held_on__gte=since)
    scope = scope_of(user)
    towns = Jurisdiction.objects.towns().filter(is_active=True)
    if not scope.district:
        towns = towns.filter(pk__in=scope.town_ids)
    return _town_rows(sessions, towns)


def _town_rows(sessions, towns) -> list[dict]:
    town_sessions: dict[int, set[int]] = {}
    attendance: dict[int, int] = {}
    cases: dict[int, set[int]] = {}
    data = sessions.prefetch_related("audience_towns", "cases")
    for session in data:
        ids = {t.pk for t in session.audience_towns.all()}
        if session.town_id:
            ids.add(session.town_id)
        for town_id in ids:
            town_sessions.setdefault(town_id, set()).add(session.pk)
            attendance[town_id] = attendance.get(town_id, 0) + session.attendee_count
            cases.setdefault(town_id, set()).update(c.pk for c in session.cases.all())
    return [
        {
            "key": town.pk,
            "name": town.display_name,
            "sessions": len(town_sessions.get(town.pk, ())),
            "attendance": attendance.get(town.pk, 0),
            "cases": len(cases.get(town.pk, ())),
        }
        for town in towns
    ]


def education_by_sector(user, *, since: dt.date) -> list[dict]:
    """Per sector: sessions that addressed it or studied a case of it, attendance and distinct cases."""
    sessions = EducationSession.objects.visible_to(user).filter(held_on__gte=since).prefetch_related("cases")
    counted: dict[str, set[int]] = {}
    attendance: dict[str, int] = {}
    studied: dict[str, set[int]] = {}
    for session in sessions:
        cases = list(session.cases.all())
        codes = {c.sector_id for c in cases if c.sector_id}
        if session.sector_id:
            codes.add(session.sector_id)
        for code in codes:
            counted.setdefault(code, set()).add(session.pk)
            attendance[code] = attendance.get(code, 0) + session.attendee_count
            studied.setdefault(code, set()).update(c.pk for c in cases if c.sector_id == code)
    return [
        {
            "key": sector.code,
            "name": sector.display_name,
            "sessions": len(counted[sector.code]),
            "attendance": attendance[sector.code],
            "cases": len(studied.get(sector.code, ())),
        }
        for sector in Sector.objects.filter(code__in=counted)
    ]


def units_without_session(user, *, today: dt.date | None = None) -> dict:
    """Towns and departments in the user's view that have not organised a session this quarter."""
    today = today or timezone.localdate()
    since = quarter_start(today)
    held = EducationSession.objects.filter(held_on__gte=since, held_on__lte=today)
    scope = scope_of(user)
    towns = (
        Jurisdiction.objects.towns()
        .filter(is_active=True)
        .exclude(pk__in=held.exclude(town=None).filter(organiser_kind="town").values("town_id"))
    )
    departments = Department.objects.filter(is_active=True).exclude(
        pk__in=held.exclude(department=None).values("department_id")
    )
    if not scope.district:
        towns = towns.filter(pk__in=scope.town_ids)
        departments = departments.filter(sectors__code__in=scope.sector_codes).distinct()
    return {"since": since, "towns": list(towns), "departments": list(departments)}


def related_hazards(case: Case, user, *, limit: int = 10) -> list:
    """Open hazards of the same sector in our district that the user may see (hazards sits below accidents)."""
    if case.sector_id is None:
        return []
    qs = Hazard.objects.visible_to(user).filter(sector_id=case.sector_id).open()
    return list(qs.select_related("enterprise").order_by("-id")[:limit])


def recent_reports(accident: Accident) -> list[AccidentReport]:
    return list(accident.reports.select_related("submitted_by").order_by("submitted_at", "id"))
