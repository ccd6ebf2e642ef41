"""Derived levels: effective point colours and the enterprise level (R-RISK-5, R-RISK-6).

Everything here is recomputed from the facts (assessments, open hazards, accidents), so running it
twice changes nothing: `refresh_enterprise_risk` and the daily job are idempotent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.choices import RISK_COLOUR_RANK, RiskColour
from core.extensions import risk_sources
from risk.tables import colour_one_higher, highest_colour

# R-RISK-6 (setting): an accident raises the enterprise to at least this colour for this many months.
DEFAULT_ACCIDENT_RAISE = {"colour": RiskColour.ORANGE, "months": 12, "source": "R-RISK-6 (setting, default)"}


def accident_raise() -> dict:
    return getattr(settings, "RISK_ACCIDENT_RAISE", None) or DEFAULT_ACCIDENT_RAISE


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    year, month = divmod(moment.month - 1 - months, 12)
    year += moment.year
    month += 1
    day = min(moment.day, _days_in_month(year, month))
    return moment.replace(year=year, month=month, day=day)


def months_after(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return day.replace(year=year, month=month, day=min(day.day, _days_in_month(year, month)))


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def open_major_hazards_by_point(enterprise_id: int) -> dict[int, str]:
    """{risk point id: title of its newest open major hazard} for one enterprise (R-RISK-6)."""
    found: dict[int, str] = {}
    for source in risk_sources.all():
        if source.major_hazards_by_point is not None:
            for point_id, title in source.major_hazards_by_point(enterprise_id).items():
                found.setdefault(point_id, title)
    return found


def recent_accident(enterprise_id: int, now: dt.datetime) -> dt.datetime | None:
    """When the latest accident at the enterprise within the raise window happened, if any (R-RISK-6)."""
    since = months_before(now, int(accident_raise()["months"]))
    times = [
        source.latest_accident(enterprise_id, since, now)
        for source in risk_sources.all()
        if source.latest_accident is not None
    ]
    return max((t for t in times if t is not None), default=None)


def enterprises_with_recent_accidents(now: dt.datetime) -> set[int]:
    # One extra month so that levels raised by accidents just leaving the window fall back too.
    since = months_before(now, int(accident_raise()["months"]) + 1)
    found: set[int] = set()
    for source in risk_sources.all():
        if source.enterprises_with_accidents is not None:
            found |= set(source.enterprises_with_accidents(since))
    return found


@dataclass(frozen=True)
class PointLevel:
    colour: str
    reason: str


def effective_point_level(*, colour: str, hazard_title: str | None) -> PointLevel:
    """R-RISK-6: an open major hazard raises the point one colour (at most red) until it is closed."""
    if not colour or hazard_title is None:
        return PointLevel(colour, "")
    raised = colour_one_higher(colour)
    with translation.override(settings.LANGUAGE_CODE):
        if raised == colour:
            reason = _("Open major hazard “%(title)s” (already red)") % {"title": hazard_title}
        else:
            reason = _("Raised from %(colour)s: open major hazard “%(title)s”") % {
                "colour": RiskColour(colour).label,
                "title": hazard_title,
            }
    return PointLevel(raised, reason[:200])


def enterprise_level(points: list[tuple[str, str, str]], accident_at: dt.datetime | None) -> tuple[str, str]:
    """R-RISK-5/6: (level, reason) from [(point name, effective colour, reason)] and the latest accident.

    The level is the highest effective colour of the assessed points; a recent accident lifts it to at
    least orange. The reason names what raised the level, and is empty when nothing did.
    """
    level = highest_colour(colour for _name, colour, _reason in points)
    reason = ""
    if level:
        top = [(name, why) for name, colour, why in points if colour == level]
        if all(why for _name, why in top):
            name, why = top[0]
            reason = f"{name}: {why}"
    if accident_at is not None:
        floor = str(accident_raise()["colour"])
        if not level or RISK_COLOUR_RANK[level] < RISK_COLOUR_RANK[floor]:
            local = timezone.localtime(accident_at).date()
            until = months_after(local, int(accident_raise()["months"]))
            with translation.override(settings.LANGUAGE_CODE):
                reason = _("Accident on %(date)s: at least %(colour)s until %(until)s") % {
                    "date": local.isoformat(),
                    "colour": RiskColour(floor).label,
                    "until": until.isoformat(),
                }
            level = floor
    return level, reason[:200]
