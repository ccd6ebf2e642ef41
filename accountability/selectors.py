"""Scoped reads that shape the pages and the API: scorecards (live or frozen), target histories, counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404

from accountability import assessment
from accountability.assessment import ItemResult, LineResult
from accountability.choices import ProposalState, ScorecardState
from accountability.models import MeasureRecord, Proposal, Scorecard, ScoreLine
from core.scoping import scope_of


def visible_unit_ids(user, kind: str) -> set[int] | None:
    """None: every unit. A town officer sees its town's score, a department officer its department's."""
    scope = scope_of(user)
    if scope.district:
        return None
    if kind == "town":
        return set(scope.town_ids)
    if scope.sector_codes and getattr(user, "department_id", None):
        return {user.department_id}
    return set()


def _frozen_lines(card: Scorecard) -> list[LineResult]:
    labels = {item.key: item for item in assessment.items_for(card.kind)}
    lines = []
    for row in card.lines.select_related("town", "department").prefetch_related("items", "adjustments"):
        adjustments = list(row.adjustments.all())
        items = []
        for frozen in row.items.all():
            item = labels.get(frozen.key)
            mine = [a for a in adjustments if a.item_key == frozen.key]
            items.append(
                ItemResult(
                    key=frozen.key,
                    label=item.label if item else frozen.key,
                    weight=frozen.weight,
                    value=frozen.value,
                    points=frozen.points + sum((a.delta for a in mine), Decimal(0)),
                    records=frozen.records,
                    better=item.better if item else "lower",
                    veto=item.veto if item else False,
                    adjustments=mine,
                    total=frozen.total,
                    detail="" if frozen.total is None else f"{frozen.value.normalize():f}/{frozen.total}",
                )
            )
        line = assessment.finish_line(LineResult(kind=card.kind, unit=row.unit, items=items, frozen=True))
        line.row = row
        lines.append(line)
    return assessment.rank(lines)


def scorecard(
    user, *, year: int, kind: str, quarter: int | None = None
) -> tuple[Scorecard | None, list[LineResult]]:
    """The year's (or a quarter's) lines the user may see, ranked among all units."""
    card = Scorecard.objects.filter(year=year, kind=kind).first()
    if quarter is None and card is not None and card.state == ScorecardState.PUBLISHED:
        lines = _frozen_lines(card)
    else:
        lines = assessment.compute(kind, year, assessment.quarter_end(year, quarter))
    allowed = visible_unit_ids(user, kind)
    if allowed is not None:
        lines = [line for line in lines if line.unit_id in allowed]
    return card, lines


def scorecard_line(
    user, *, year: int, kind: str, unit_id: int, quarter: int | None = None
) -> tuple[Scorecard | None, LineResult]:
    """One unit's line, or 404 when it is not the user's to see."""
    allowed = visible_unit_ids(user, kind)
    if allowed is not None and unit_id not in allowed:
        raise Http404
    _card, lines = scorecard(user, year=year, kind=kind, quarter=quarter)
    line = next((line for line in lines if line.unit_id == unit_id), None)
    if line is None:
        raise Http404
    return _card, line


def item_slug(key: str) -> str:
    """An item's key as a URL slug: keys such as ``emergency.drills_behind`` carry a dot."""
    return key.replace(".", "--")


def item_of(line: LineResult, key: str) -> ItemResult:
    item = next((i for i in line.items if key in (i.key, item_slug(i.key))), None)
    if item is None:
        raise Http404
    return item


def score_line_row(user, *, year: int, kind: str, unit_id: int) -> ScoreLine:
    # Unknown kinds and numbers no database column can hold name no line: 404, not a 500.
    if kind not in ("town", "department") or not (0 < unit_id < 2**63 and 0 < year < 10000):
        raise Http404
    lookup = {"town_id": unit_id} if kind == "town" else {"department_id": unit_id}
    row = (
        ScoreLine.objects.visible_to(user)
        .filter(scorecard__year=year, scorecard__kind=kind, **lookup)
        .first()
    )
    if row is None:
        raise Http404
    return row


def pending_proposals(user):
    return (
        Proposal.objects.visible_to(user)
        .filter(state=ProposalState.PROPOSED)
        .select_related("town", "department", "enterprise")
    )


def target_history(user, *, kind: str, unit_id: int):
    """What has been proposed and decided about one target: the record of its accountability."""
    lookup = {"town": "town_id", "department": "department_id", "enterprise": "enterprise_id"}.get(kind)
    if lookup is None:
        raise Http404
    filters = {"target_kind": kind, lookup: unit_id}
    proposals = (
        Proposal.objects.visible_to(user).filter(**filters).select_related("town", "department", "enterprise")
    )
    measures = (
        MeasureRecord.objects.visible_to(user)
        .filter(**filters)
        .prefetch_related("commitments")
        .select_related("town", "department", "enterprise")
    )
    return list(proposals), list(measures)


def default_year(today: dt.date | None = None) -> int:
    from django.utils import timezone

    return (today or timezone.localdate()).year


# --- enforcement --------------------------------------------------------------------------------------


def case_flags(case, today: dt.date | None = None) -> list[str]:
    """Codes of the clocks that ran out (decision 90 days, payment 15 days) and of the open hearing window."""
    from django.utils import timezone

    from accountability.choices import CaseState

    today = today or timezone.localdate()
    flags = []
    if (
        case.state in (CaseState.FILED, CaseState.INVESTIGATING, CaseState.NOTIFIED)
        and case.decision_due < today
    ):
        flags.append("decision_overdue")
    if case.state == CaseState.DELIVERED and case.payment_due and case.payment_due < today:
        flags.append("payment_overdue")
    if case.state == CaseState.NOTIFIED and case.hearing_request_due and today <= case.hearing_request_due:
        flags.append("hearing_window")
    if case.state == CaseState.DELIVERED and case.lawsuit_due and today <= case.lawsuit_due:
        flags.append("remedy_window")
    awaiting = case.state in (CaseState.RECONSIDERATION, CaseState.LAWSUIT) and not case.remedy_outcome
    if awaiting and case.remedy_outcome_due and case.remedy_outcome_due < today:
        flags.append(f"{case.state}_overdue")
    return flags


def flag_labels(case) -> list:
    from accountability.choices import CASE_FLAGS

    return [CASE_FLAGS[code] for code in case_flags(case)]


def _plan_inspections(plan):
    """The year's double-random draws and other (non-task) inspections by the department's inspectors."""
    from inspections.models import DrawPair, Inspection

    draws = DrawPair.objects.filter(
        draw__inspector_department_id=plan.department_id, draw__created_at__year=plan.year
    )
    inspections = Inspection.objects.filter(
        inspector__department_id=plan.department_id, started_at__year=plan.year, task__isnull=True
    )
    return draws, inspections


def plan_progress(plan) -> dict:
    """Planned against done for a department's year: the inspections (the double-random draws count towards
    them) and the plan's entries inspected at least once (by a draw or an inspection of that enterprise)."""
    draws, inspections = _plan_inspections(plan)
    rows = plan_entries(plan, draws, inspections)
    return {
        "draws": draws.count(),
        "inspections": inspections.count(),
        "done": draws.count() + inspections.count(),
        "planned": plan.planned_inspections,
        "entries": len(rows),
        "entries_done": sum(1 for row in rows if row["done"]),
    }


def plan_entries(plan, draws=None, inspections=None) -> list[dict]:
    """Each entry of the plan with the draws and inspections of its enterprise in the year."""
    if draws is None:
        draws, inspections = _plan_inspections(plan)
    drawn = set(draws.values_list("enterprise_id", flat=True))
    inspected = set(inspections.values_list("enterprise_id", flat=True))
    return [
        {
            "entry": entry,
            "drawn": entry.enterprise_id in drawn,
            "inspected": entry.enterprise_id in inspected,
            "done": entry.enterprise_id in drawn or entry.enterprise_id in inspected,
        }
        for entry in plan.entries.select_related("enterprise")
    ]


def overdue_steps(case, today: dt.date) -> list[str]:
    """The steps of a case whose clock ran out, whether still waiting or done late: the decision (90 days
    from filing), the payment (15 days from delivery), the outcome of a reconsideration or a lawsuit."""
    flags = case_flags(case, today)
    steps = []
    if "decision_overdue" in flags or (case.decided_on and case.decided_on > case.decision_due):
        steps.append("decision")
    late_paid = case.paid_on and case.payment_due and case.paid_on > case.payment_due
    if "payment_overdue" in flags or late_paid:
        steps.append("payment")
    late_outcome = (
        case.remedy_decided_on
        and case.remedy_outcome_due
        and case.remedy_decided_on > case.remedy_outcome_due
    )
    if any(f in flags for f in ("reconsideration_overdue", "lawsuit_overdue")) or late_outcome:
        steps.append("remedy")
    return steps


def case_statistics(user, year: int) -> list[dict]:
    """Per department: cases filed in the year, measures by code, fines, and the overdue steps (by step
    code and in all). Codes, not labels, so the API's keys do not change with the language."""
    from collections import Counter

    from django.utils import timezone

    from accountability.models import EnforcementCase
    from accountability.services.penalties import total_fine

    today = timezone.localdate()
    rows: dict = {}
    for case in (
        EnforcementCase.objects.visible_to(user).filter(filed_on__year=year).select_related("department")
    ):
        row = rows.setdefault(
            case.department, {"cases": 0, "measures": Counter(), "fines": Decimal(0), "steps": Counter()}
        )
        row["cases"] += 1
        if case.measure:
            row["measures"][case.measure] += 1
        row["fines"] += total_fine(case)
        row["steps"].update(overdue_steps(case, today))
    return [
        {
            "department": dept,
            "cases": r["cases"],
            "measures": dict(r["measures"]),
            "fines": r["fines"],
            "overdue": sum(r["steps"].values()),
            "overdue_steps": dict(r["steps"]),
        }
        for dept, r in sorted(rows.items(), key=lambda kv: kv[0].code)
    ]


# --- responsibility lists -----------------------------------------------------------------------------


def enterprise_gaps(user, today: dt.date | None = None):
    """Enterprises whose principal or safety manager is missing, or whose certificate expired (R-REG-4)."""
    from django.utils import timezone

    from accountability.choices import StaffRole
    from accountability.models import EnterpriseStaff
    from registry.models import Enterprise

    today = today or timezone.localdate()
    enterprises = Enterprise.objects.visible_to(user).order_by("name")
    staff: dict[int, list] = {}
    for person in EnterpriseStaff.objects.visible_to(user).filter(active=True):
        staff.setdefault(person.enterprise_id, []).append(person)
    gaps = []
    for enterprise in enterprises.only("pk", "name", "town_id"):
        people = staff.get(enterprise.pk, [])
        roles = {p.role for p in people}
        problems = []
        if StaffRole.PRINCIPAL not in roles:
            problems.append("principal")
        if StaffRole.SAFETY_MANAGER not in roles:
            problems.append("safety_manager")
        if any(p.certificate_expired(today) for p in people):
            problems.append("expired")
        if problems:
            gaps.append({"enterprise": enterprise, "problems": problems})
    return gaps
