"""The accident rules of the domain as code: levels (R-ACC-1), clocks (R-ACC-2), windows (R-ACC-3..5).

Numbers marked (setting) in the domain rules can be overridden in Django settings
(`ACCIDENT_MISSING_COUNT_AS_DEATHS`, `ACCIDENT_FOLLOW_UP_HOURS`); the level thresholds are a data table
(`LevelThreshold`, seeded from order 493) that a district admin can change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accidents.choices import LEVEL_RANK, Level, Step
from core.choices import AccidentType

THRESHOLD_SOURCE = "国务院令第493号《生产安全事故报告和调查处理条例》第三条"
THRESHOLD_EFFECTIVE_FROM = dt.date(2007, 6, 1)
# R-ACC-1: (level, deaths, serious injuries, direct loss in yuan) — the lowest numbers of each level.
DEFAULT_THRESHOLDS: tuple[tuple[str, int, int, Decimal], ...] = (
    (Level.ESPECIALLY_MAJOR, 30, 100, Decimal("100000000")),
    (Level.MAJOR, 10, 50, Decimal("50000000")),
    (Level.LARGER, 3, 10, Decimal("10000000")),
)


@dataclass(frozen=True)
class Threshold:
    level: str
    deaths: int
    serious_injuries: int
    direct_loss: Decimal


def thresholds() -> list[Threshold]:
    """The thresholds in force, highest level first (the data table; the regulation's if it is empty)."""
    from accidents.models import LevelThreshold

    rows = [
        Threshold(t.level, t.deaths, t.serious_injuries, t.direct_loss)
        for t in LevelThreshold.objects.exclude(level=Level.GENERAL)
    ]
    if not rows:
        rows = [Threshold(*row) for row in DEFAULT_THRESHOLDS]
    return sorted(rows, key=lambda t: LEVEL_RANK[t.level], reverse=True)


def missing_count_as_deaths() -> bool:
    """R-ACC-1 (setting): missing persons count with deaths for the level until they are accounted for."""
    return bool(getattr(settings, "ACCIDENT_MISSING_COUNT_AS_DEATHS", True))


def compute_level(
    *,
    deaths: int,
    serious_injuries: int,
    direct_loss: Decimal | int | float,
    missing: int = 0,
    table: list[Threshold] | None = None,
) -> str:
    """R-ACC-1: the highest level met by any of deaths, serious injuries, direct loss ("X or more" includes X).

    The one function that decides an accident's level; everything else calls it.
    """
    counted_deaths = deaths + (missing if missing_count_as_deaths() else 0)
    loss = Decimal(str(direct_loss or 0))
    for threshold in table if table is not None else thresholds():
        if (
            counted_deaths >= threshold.deaths
            or serious_injuries >= threshold.serious_injuries
            or loss >= threshold.direct_loss
        ):
            return threshold.level
    return Level.GENERAL


# R-ACC-2: the unit reports within 1 h of its head's receipt of the report (R-ACC-8); each government level passes it on within 2 h,
# so from the district's receipt the city is due +2 h, the province +4 h, the State Council +6 h.
UNIT_REPORT_HOURS = 1
ESCALATION_HOURS = {Step.DISTRICT_TO_CITY: 2, Step.CITY_TO_PROVINCE: 4, Step.PROVINCE_TO_MINISTRY: 6}
# How far up each level goes: general → city, larger → province, major and especially major → State Council.
STEPS_BY_LEVEL = {
    Level.GENERAL: (Step.UNIT_TO_DISTRICT, Step.DISTRICT_TO_CITY),
    Level.LARGER: (Step.UNIT_TO_DISTRICT, Step.DISTRICT_TO_CITY, Step.CITY_TO_PROVINCE),
    Level.MAJOR: tuple(Step.values),
    Level.ESPECIALLY_MAJOR: tuple(Step.values),
}
WHO_ACTS = {
    Step.UNIT_TO_DISTRICT: _("The unit where it happened (the town for accidents without one)"),
    Step.DISTRICT_TO_CITY: _("District emergency management bureau (duty room)"),
    Step.CITY_TO_PROVINCE: _("City emergency management bureau"),
    Step.PROVINCE_TO_MINISTRY: _("Provincial emergency management department"),
}


def required_steps(level: str) -> tuple[str, ...]:
    return tuple(STEPS_BY_LEVEL[level])


def reporting_level(level: str, larger_near_miss: bool = False) -> str:
    """R-ACC-9: a larger near-miss event is reported like a larger accident even with no casualties."""
    if larger_near_miss and LEVEL_RANK[level] < LEVEL_RANK[Level.LARGER]:
        return Level.LARGER
    return level


def due_times(
    *,
    occurred_at: dt.datetime,
    level: str,
    unit_reported_at: dt.datetime | None = None,
    unit_informed_at: dt.datetime | None = None,
) -> dict[str, dt.datetime]:
    """When each required report is due. The unit's hour runs from its head's receipt of the report from
    the scene (R-ACC-8; the accident's time when unknown). Escalations run from the district's receipt of
    the unit's report (its actual time once marked, else the latest time the law allows)."""
    unit_due = (unit_informed_at or occurred_at) + dt.timedelta(hours=UNIT_REPORT_HOURS)
    anchor = unit_reported_at or unit_due
    due = {}
    for step in required_steps(level):
        due[step] = (
            unit_due if step == Step.UNIT_TO_DISTRICT else anchor + dt.timedelta(hours=ESCALATION_HOURS[step])
        )
    return due


# R-ACC-3: supplementary reporting within 30 days, 7 for road traffic and fire accidents.
SUPPLEMENT_DAYS = 30
SUPPLEMENT_DAYS_SHORT = 7
SHORT_WINDOW_SECTORS = frozenset({"road_traffic", "fire"})


def supplement_window_days(*, sector_code: str, accident_type: str) -> int:
    if sector_code in SHORT_WINDOW_SECTORS or accident_type == AccidentType.FIRE:
        return SUPPLEMENT_DAYS_SHORT
    return SUPPLEMENT_DAYS


def supplement_window_closes(accident) -> dt.datetime:
    days = supplement_window_days(sector_code=accident.sector_id, accident_type=accident.accident_type)
    return accident.occurred_at + dt.timedelta(days=days)


def follow_up_hours(level: str) -> int:
    """R-ACC-4 (setting): daily for general and larger accidents, twice daily for major and above."""
    hours = getattr(settings, "ACCIDENT_FOLLOW_UP_HOURS", {"general": 24, "larger": 24, "major": 12})
    if level == Level.ESPECIALLY_MAJOR:
        return int(hours.get("especially_major", hours.get("major", 12)))
    return int(hours.get(str(level), 24))


# R-ACC-5: report due 60 days after the accident, extendable once by up to 60 days.
INVESTIGATION_DAYS = 60
MAX_EXTENSION_DAYS = 60


def investigation_deadline(occurred_at: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(occurred_at).date() + dt.timedelta(days=INVESTIGATION_DAYS)
