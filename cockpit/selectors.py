"""What the cockpit shows besides its figures: trends, overdue by town, campaign progress, colours.

Everything is read through the one scoping layer for the signed-in user, so a town's leader sees the same
screen for the town that the district leader sees for the district."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.scoping import scope_of
from hazards.choices import REGISTERED_STATES, State
from hazards.models import Hazard
from inspections.choices import CampaignState, InspectionState
from inspections.models import Campaign, CampaignTarget, Inspection
from registry.models import Jurisdiction

TREND_CACHE_SECONDS = 600  # history does not change by the minute; the figures above it do


def scope_key(scope) -> str:
    """A cache key part that is the same in every process for the same scope."""
    text = f"{scope.district}|{sorted(scope.town_ids)}|{sorted(scope.sector_codes)}|{sorted(scope.enterprise_ids)}"
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def towns_in_scope(user):
    scope = scope_of(user)
    towns = Jurisdiction.objects.towns().order_by("code")
    if scope.district or scope.sector_codes:
        return list(towns)
    return list(towns.filter(pk__in=scope.town_ids))


def months_back(today: dt.date, count: int = 12) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def _month_end(month: dt.date) -> dt.date:
    return ((month + dt.timedelta(days=32)).replace(day=1)) - dt.timedelta(days=1)


def registered_params(start: dt.date, end: dt.date) -> dict:
    """The hazard list's filter of the hazards registered from `start` to `end` (local dates)."""
    states = [s.value for s in REGISTERED_STATES]
    return {"reported_from": start.isoformat(), "reported_to": end.isoformat(), "state": states}


def registered_query(start: dt.date, end: dt.date) -> str:
    return urlencode(registered_params(start, end), doseq=True)


def hazard_trend(user, *, today: dt.date | None = None) -> list[dict]:
    """Hazards registered and closed per month over the last 12 months, each month a link to its list.

    "Registered" leaves out cancelled hazards (entered in error), as the statistics page and the periodic
    reports do; the month's link asks the hazard list for the same states, so its count is the point's."""
    today = today or timezone.localdate()
    scope = scope_of(user)
    key = f"cockpit:trend:{today}:{scope_key(scope)}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    months = months_back(today)
    start = timezone.make_aware(dt.datetime.combine(months[0], dt.time.min))
    visible = Hazard.objects.visible_to(user).order_by()
    found = dict(
        visible.filter(reported_at__gte=start)
        .annotate(month=TruncMonth("reported_at"))
        .values("month")
        .annotate(n=Count("id", filter=Q(state__in=REGISTERED_STATES)))
        .values_list("month", "n")
    )
    # The state and the time closed together: the partial index hazard_closed_at answers it for the district.
    closed = dict(
        visible.filter(closed_at__gte=start, state=State.CLOSED)
        .annotate(month=TruncMonth("closed_at"))
        .values("month")
        .annotate(n=Count("id"))
        .values_list("month", "n")
    )
    rows = []
    for month in months:
        rows.append(
            {
                "month": month.strftime("%Y-%m"),
                "found": _pick(found, month),
                "closed": _pick(closed, month),
                "page": "/hazards/?" + registered_query(month, _month_end(month)),
            }
        )
    cache.set(key, rows, TREND_CACHE_SECONDS)
    return rows


def _pick(by_month: dict, month: dt.date) -> int:
    for key, value in by_month.items():
        day = key.date() if isinstance(key, dt.datetime) else key
        if day.year == month.year and day.month == month.month:
            return value
    return 0


def campaign_progress(user, *, limit: int = 6) -> list[dict]:
    """The campaigns under way: targets the user sees and how many of them were inspected."""
    rows = []
    campaigns = (
        Campaign.objects.visible_to(user)
        .filter(state=CampaignState.ACTIVE)
        .order_by("end_date", "id")[:limit]
    )
    for campaign in campaigns:
        targets = CampaignTarget.objects.visible_to(user).filter(campaign=campaign)
        total = targets.count()
        done = (
            Inspection.objects.filter(
                task__campaign=campaign,
                state=InspectionState.FINISHED,
                enterprise_id__in=targets.values("enterprise_id"),
            )
            .values("enterprise_id")
            .distinct()
            .count()
        )
        rows.append(
            {
                "name": campaign.name,
                "total": total,
                "done": done,
                "percent": round(100 * done / total) if total else 0,
                "url": campaign.get_absolute_url(),
            }
        )
    return rows


# Mid-grey text reads on the light page and on the dark wall display alike; no animation, so a screen
# that refreshes itself every minute does not redraw from zero.
CHART_BASE = {
    "animation": False,
    "tooltip": {"trigger": "axis"},
    "legend": {"top": 0, "textStyle": {"fontSize": 11, "color": "#8a8f98"}},
    "textStyle": {"color": "#8a8f98"},
}
HEX = {"red": "#d32f2f", "orange": "#ef6c00", "yellow": "#f9a825", "blue": "#1565c0"}


def trend_chart(trend: list[dict], *, found_label: str, closed_label: str) -> dict:
    """ECharts option: hazards registered and closed per month."""
    return {
        **CHART_BASE,
        "grid": {"left": 36, "right": 8, "top": 24, "bottom": 28},
        "xAxis": {"type": "category", "data": [r["month"] for r in trend]},
        "yAxis": {
            "type": "value",
            "minInterval": 1,
            "splitLine": {"lineStyle": {"color": "rgba(128,128,128,0.25)"}},
        },
        "series": [
            {
                "name": found_label,
                "type": "line",
                # Each point carries its list's URL: a click opens the month's hazards (cockpit/trend.js).
                "data": [{"value": r["found"], "url": r["page"]} for r in trend],
                "itemStyle": {"color": "#ef6c00"},
            },
            {
                "name": closed_label,
                "type": "line",
                "data": [r["closed"] for r in trend],
                "itemStyle": {"color": "#2e7d32"},
            },
        ],
    }
