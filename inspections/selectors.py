"""Scoped reads that shape pages: campaign progress (per town, per department), my tasks, charts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.choices import InspectionState, Result, TaskState
from inspections.models import Campaign, CampaignTarget, Inspection, InspectionTask, ItemResult
from registry.models import Department, Enterprise, Jurisdiction


@dataclass
class ProgressRow:
    key: str
    name: str
    targets: int = 0
    inspected: int = 0
    items_checked: int = 0
    failures: int = 0
    hazards_found: int = 0
    hazards_closed: int = 0
    overdue: int = 0
    enterprise_ids: set = field(default_factory=set, repr=False)

    @property
    def coverage(self) -> float:
        """Inspected targets over targets, 0–1 (0 when there are no targets)."""
        return self.inspected / self.targets if self.targets else 0.0

    @property
    def coverage_percent(self) -> float:
        return round(100 * self.coverage, 1)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "targets": self.targets,
            "inspected": self.inspected,
            "coverage": round(self.coverage, 4),
            "items_checked": self.items_checked,
            "failures": self.failures,
            "hazards_found": self.hazards_found,
            "hazards_closed": self.hazards_closed,
            "overdue": self.overdue,
        }


@dataclass
class Progress:
    total: ProgressRow
    towns: list[ProgressRow]
    departments: list[ProgressRow]

    def as_dict(self) -> dict:
        return {
            "total": self.total.as_dict(),
            "towns": [r.as_dict() for r in self.towns],
            "departments": [r.as_dict() for r in self.departments],
        }


def campaign_progress(user, campaign: Campaign, *, today=None) -> Progress:
    """Live and scoped: only the targets the user can see are counted (a constant number of queries)."""
    today = today or timezone.localdate()
    targets = list(
        CampaignTarget.objects.visible_to(user)
        .filter(campaign=campaign)
        .values_list("enterprise_id", "town_id")
    )
    ids = {e for e, _t in targets}
    finished = Inspection.objects.filter(
        task__campaign=campaign, state=InspectionState.FINISHED, enterprise_id__in=ids
    )
    inspected = set(finished.values_list("enterprise_id", flat=True))
    per_enterprise: dict[int, dict] = defaultdict(lambda: {"checked": 0, "failed": 0, "hazards": []})
    rows = (
        ItemResult.objects.filter(inspection__in=finished.values("pk"))
        .exclude(result=Result.PENDING)
        .values_list("inspection__enterprise_id", "result", "hazard_id")
    )
    hazard_ids = []
    for enterprise_id, result, hazard_id in rows:
        entry = per_enterprise[enterprise_id]
        entry["checked"] += 1
        if result == Result.FAIL:
            entry["failed"] += 1
        if hazard_id:
            entry["hazards"].append(hazard_id)
            hazard_ids.append(hazard_id)
    closed = set()
    if hazard_ids:
        from hazards.choices import State
        from hazards.models import Hazard

        closed = set(
            Hazard.objects.filter(pk__in=hazard_ids, state=State.CLOSED).values_list("pk", flat=True)
        )
    overdue = set(
        InspectionTask.objects.filter(campaign=campaign, enterprise_id__in=ids)
        .overdue(today)
        .values_list("enterprise_id", flat=True)
    )

    def fill(row: ProgressRow, enterprise_id: int) -> None:
        row.targets += 1
        row.enterprise_ids.add(enterprise_id)
        if enterprise_id in inspected:
            row.inspected += 1
        entry = per_enterprise.get(enterprise_id)
        if entry:
            row.items_checked += entry["checked"]
            row.failures += entry["failed"]
            row.hazards_found += len(entry["hazards"])
            row.hazards_closed += sum(1 for h in entry["hazards"] if h in closed)
        if enterprise_id in overdue:
            row.overdue += 1

    total = ProgressRow("total", _("Total"))
    town_rows: dict[int, ProgressRow] = {}
    town_names = {t.pk: t.display_name for t in Jurisdiction.objects.towns()}
    for enterprise_id, town_id in targets:
        fill(total, enterprise_id)
        row = town_rows.setdefault(town_id, ProgressRow(str(town_id), town_names.get(town_id, "")))
        fill(row, enterprise_id)
    for town in campaign.towns.all():
        town_rows.setdefault(town.pk, ProgressRow(str(town.pk), town.display_name))

    sectors_of: dict[int, set[str]] = defaultdict(set)
    for enterprise_id, code in Enterprise.sectors.through.objects.filter(enterprise_id__in=ids).values_list(
        "enterprise_id", "sector_id"
    ):
        sectors_of[enterprise_id].add(code)
    campaign_sectors = {s.pk for s in campaign.sectors.all()}
    unit_ids = {d.pk for d in campaign.participating_departments.all()}
    if campaign.lead_department_id:
        unit_ids.add(campaign.lead_department_id)
    departments = (
        Department.objects.filter(Q(pk__in=unit_ids) | Q(sectors__in=campaign_sectors))
        .distinct()
        .prefetch_related("sectors")
        .order_by("code")
    )
    dept_rows = []
    for department in departments:
        codes = {s.pk for s in department.sectors.all()} & (campaign_sectors or set())
        row = ProgressRow(department.code, department.display_name)
        for enterprise_id, _town in targets:
            if sectors_of.get(enterprise_id, set()) & codes:
                fill(row, enterprise_id)
        dept_rows.append(row)
    towns_sorted = sorted(town_rows.values(), key=lambda r: int(r.key))
    return Progress(total=total, towns=towns_sorted, departments=dept_rows)


def progress_chart(progress: Progress) -> dict:
    """ECharts option: targets vs inspected per town, coverage % on a second axis."""
    names = [r.name for r in progress.towns]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 40, "bottom": 60, "top": 40},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
        "yAxis": [{"type": "value", "name": _("Enterprises")}, {"type": "value", "name": "%", "max": 100}],
        "series": [
            {"name": _("Targets"), "type": "bar", "data": [r.targets for r in progress.towns]},
            {"name": _("Inspected"), "type": "bar", "data": [r.inspected for r in progress.towns]},
            {
                "name": _("Coverage %"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [r.coverage_percent for r in progress.towns],
            },
        ],
    }


def findings_chart(progress: Progress) -> dict:
    names = [r.name for r in progress.departments]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 20, "bottom": 60, "top": 40},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Failures"), "type": "bar", "data": [r.failures for r in progress.departments]},
            {
                "name": _("Hazards found"),
                "type": "bar",
                "data": [r.hazards_found for r in progress.departments],
            },
            {
                "name": _("Hazards closed"),
                "type": "bar",
                "data": [r.hazards_closed for r in progress.departments],
            },
            {"name": _("Overdue"), "type": "bar", "data": [r.overdue for r in progress.departments]},
        ],
    }


def my_tasks(user, *, limit: int = 10):
    """Tasks assigned to the user (home panel), soonest deadline first."""
    return (
        InspectionTask.objects.visible_to(user)
        .filter(inspectors=user, state__in=[TaskState.OPEN, TaskState.IN_PROGRESS])
        .select_related("enterprise", "campaign", "town")
        .order_by("deadline", "id")[:limit]
    )


def campaign_counts(user, campaign_ids) -> dict[int, dict]:
    """Targets and finished inspections per campaign for list pages, scoped (two queries for any page)."""
    counts = {cid: {"targets": 0, "inspected": 0} for cid in campaign_ids}
    for row in (
        CampaignTarget.objects.visible_to(user)
        .filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(n=Count("pk"))
    ):
        counts[row["campaign_id"]]["targets"] = row["n"]
    for row in (
        Inspection.objects.visible_to(user)
        .filter(task__campaign_id__in=campaign_ids, state=InspectionState.FINISHED)
        .values("task__campaign_id")
        .annotate(n=Count("pk"))
    ):
        counts[row["task__campaign_id"]]["inspected"] = row["n"]
    return counts


def draw_share(user, *, year: int | None = None) -> dict:
    """R-INSP-1: the share of this year's finished inspections (in the user's scope) that came from draws,
    against the setting's minimum (70 % by default)."""
    from inspections.models import DrawSetting

    year = year or timezone.localdate().year
    finished = Inspection.objects.visible_to(user).finished().filter(finished_at__year=year)
    total = finished.count()
    drawn = finished.filter(task__draw_pair__isnull=False).count()
    target = DrawSetting.current().min_draw_share
    share = round(100 * drawn / total, 1) if total else 0.0
    return {
        "year": year,
        "total": total,
        "drawn": drawn,
        "share": share,
        "target": target,
        "met": bool(total) and share >= target,
    }
