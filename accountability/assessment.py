"""The scorecard arithmetic (R-ACCT-6): items × weights → points → score, the veto, the ranking.

Every item's points come from its value alone, and the score is the sum of the points, so a reader can
recompute it from the page; every value comes with the records behind it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings

from accountability.choices import Rating
from core.extensions import AssessmentItem, assessment_items

CENT = Decimal("0.01")
QUARTER_ENDS = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}


def quarter_end(year: int, quarter: int | None) -> dt.date:
    month, day = QUARTER_ENDS[quarter or 4]
    return dt.date(year, month, day)


def items_for(kind: str) -> list[AssessmentItem]:
    return [item for item in assessment_items.all() if kind in item.unit_kinds]


def default_weights(kind: str) -> dict[str, int]:
    """The items' default weights scaled to add up to 100 (largest remainder), when the district set none."""
    items = items_for(kind)
    raw = {item.key: item.default_weight for item in items}
    total = sum(raw.values())
    if total == 100 or total == 0:
        return raw
    exact = {k: Decimal(v) * 100 / total for k, v in raw.items()}
    weights = {k: int(v) for k, v in exact.items()}
    for key in sorted(exact, key=lambda k: (-(exact[k] - weights[k]), k))[: 100 - sum(weights.values())]:
        weights[key] += 1
    return weights


def weights_for(year: int, kind: str) -> dict[str, int]:
    from accountability.models import WeightSetting

    saved = dict(WeightSetting.objects.filter(year=year, kind=kind).values_list("item_key", "weight"))
    if not saved:
        return default_weights(kind)
    return {item.key: saved.get(item.key, 0) for item in items_for(kind)}


def per_record() -> Decimal:
    return Decimal(str(getattr(settings, "ASSESSMENT_POINTS_PER_RECORD", 2)))


def points_for(item: AssessmentItem, weight: int, value, total: int | None = None) -> Decimal:
    weight_d = Decimal(weight)
    value_d = Decimal(str(value))
    if item.veto:
        points = Decimal(0) if value_d > 0 else weight_d
    elif item.better == "higher":  # a rate: `value` successes out of `total`; nothing to count is full marks
        share = value_d / Decimal(total) if total else (Decimal(1) if total == 0 else value_d)
        points = weight_d * min(max(share, Decimal(0)), Decimal(1))
    else:  # a count of failures: each record deducts, never below zero
        points = max(Decimal(0), weight_d - value_d * per_record())
    return points.quantize(CENT, rounding=ROUND_HALF_UP)


def rating_for(score: Decimal, vetoed: bool) -> str:
    if vetoed:
        return Rating.VETOED
    if score >= 90:
        return Rating.EXCELLENT
    if score >= 80:
        return Rating.GOOD
    if score >= 60:
        return Rating.PASS
    return Rating.FAIL


@dataclass
class ItemResult:
    key: str
    label: Any
    weight: int
    value: Decimal
    points: Decimal
    records: Any  # a queryset or list (live) or a list of dicts (frozen)
    better: str = "lower"
    veto: bool = False
    detail: str = ""
    adjustments: list = field(default_factory=list)
    total: int | None = None  # a rate's denominator; `value` (the records' count) is its numerator

    @property
    def record_count(self) -> int:
        records = self.records
        return (
            records.count() if hasattr(records, "count") and not isinstance(records, list) else len(records)
        )


@dataclass
class LineResult:
    kind: str
    unit: Any
    items: list[ItemResult]
    score: Decimal = Decimal(0)
    vetoed: bool = False
    rating: str = ""
    rank: int = 0
    frozen: bool = False

    @property
    def unit_id(self) -> int:
        return self.unit.pk

    @property
    def rating_label(self):
        return Rating(self.rating).label if self.rating else ""


def units(kind: str):
    if kind == "town":
        from registry.models import Jurisdiction

        return list(Jurisdiction.objects.towns().order_by("code"))
    from registry.models import Department

    return list(Department.objects.filter(is_active=True).order_by("code"))


def measure_line(kind: str, unit, year: int, until: dt.date, weights: dict[str, int]) -> LineResult:
    results = []
    for item in items_for(kind):
        measured = item.measure(kind=kind, unit_id=unit.pk, year=year, until=until)
        weight = weights.get(item.key, 0)
        value = Decimal(str(measured.value))
        results.append(
            ItemResult(
                key=item.key,
                label=item.label,
                weight=weight,
                value=value,
                points=points_for(item, weight, value, measured.total),
                records=measured.records,
                better=item.better,
                veto=item.veto,
                detail=measured.detail,
                total=measured.total,
            )
        )
    return finish_line(LineResult(kind=kind, unit=unit, items=results))


def finish_line(line: LineResult) -> LineResult:
    line.score = sum((i.points for i in line.items), Decimal(0)).quantize(CENT)
    line.vetoed = any(i.veto and i.value > 0 for i in line.items)
    line.rating = rating_for(line.score, line.vetoed)
    return line


def rank(lines: list[LineResult]) -> list[LineResult]:
    """Highest score first, vetoed units after every other; equal scores share a rank."""
    ordered = sorted(lines, key=lambda line: (line.vetoed, -line.score, str(line.unit)))
    previous, position = None, 0
    for index, line in enumerate(ordered, start=1):
        key = (line.vetoed, line.score)
        if key != previous:
            position, previous = index, key
        line.rank = position
    return ordered


def compute(kind: str, year: int, until: dt.date) -> list[LineResult]:
    weights = weights_for(year, kind)
    return rank([measure_line(kind, unit, year, until, weights) for unit in units(kind)])


def record_ref(obj) -> dict:
    """One record behind a value, as the page and the API show it."""
    if isinstance(obj, dict):
        return obj
    from accountability.services.proposals import API_PATHS

    kind = obj._meta.model_name
    href = API_PATHS[kind].format(obj.pk) if kind in API_PATHS else ""
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else page_url(kind, obj)
    return {"kind": kind, "id": obj.pk, "title": str(obj), "href": href or url, "url": url}


# Pages of records whose models name no URL of their own.
PAGES = {
    "accident": ("accidents:detail", lambda obj: obj.pk),
    "campaigntarget": ("inspections:campaign_detail", lambda obj: obj.campaign_id),
}


def page_url(kind: str, obj) -> str:
    from django.urls import NoReverseMatch, reverse

    if kind not in PAGES:
        return ""
    name, key = PAGES[kind]
    try:
        return reverse(name, args=[key(obj)])
    except NoReverseMatch:
        return ""
