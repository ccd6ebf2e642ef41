"""The small chart of each role's home page (issue 20): what the role answers for, read through the
scoping layer, every bar a link to the hazard list whose count it shows.

- the district (administrator, leader, duty room): overdue hazards by town/street;
- a department: overdue hazards by its sectors;
- a town, an inspector, an enterprise: its open hazards by state (where the rectification stands).
"""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from core.scoping import scope_of
from hazards import rollup
from hazards.choices import OPEN_STATES, State
from hazards.models import Hazard
from registry.models import Jurisdiction, Sector

BAR = {"red": "#d32f2f", "blue": "#1565c0"}


def home_chart(user) -> dict:
    scope = scope_of(user)
    visible = Hazard.objects.visible_to(user).order_by()
    if scope.district or len(scope.town_ids) > 1:
        title, bars, colour = (
            _("Overdue hazards by town/street"),
            _overdue_by_town(visible, scope, user),
            BAR["red"],
        )
    elif scope.sector_codes and not scope.town_ids:
        title, bars, colour = (
            _("Overdue hazards by sector"),
            _overdue_by_sector(visible, scope, user),
            BAR["red"],
        )
    else:
        title, bars, colour = _("Open hazards by state"), _open_by_state(visible, user), BAR["blue"]
    return {"title": title, "bars": bars, "option": _option(bars, colour)}


def _list(query: str) -> str:
    return f"{reverse('hazards:list')}?{query}"


def _counts(visible, user, field: str, *, overdue: bool) -> dict:
    """From the counters the list's own totals come from (issue 18: a home page at a million hazards); the
    rows only for a scope the counters cannot say (an enterprise's own)."""
    counted = rollup.by(user, "sector" if field == "sector_id" else field, overdue=overdue)
    if counted is not None:
        return counted
    rows = visible.overdue() if overdue else visible.filter(state__in=OPEN_STATES)
    return dict(rows.values(field).annotate(n=Count("id")).values_list(field, "n"))


def _overdue_by_town(visible, scope, user) -> list[dict]:
    counts = _counts(visible, user, "town_id", overdue=True)
    towns = Jurisdiction.objects.towns().filter(is_active=True).order_by("code")
    if not scope.district:
        towns = towns.filter(pk__in=scope.town_ids)
    return [
        {"label": t.display_name, "value": counts.get(t.pk, 0), "url": _list(f"overdue=true&town={t.pk}")}
        for t in towns
    ]


def _overdue_by_sector(visible, scope, user) -> list[dict]:
    counts = _counts(visible, user, "sector_id", overdue=True)
    return [
        {
            "label": s.display_name,
            "value": counts.get(s.code, 0),
            "url": _list(f"overdue=true&sector={s.code}"),
        }
        for s in Sector.objects.filter(code__in=scope.sector_codes)
    ]


def _open_by_state(visible, user) -> list[dict]:
    counts = _counts(visible, user, "state", overdue=False)
    return [
        {"label": str(State(s).label), "value": counts.get(s, 0), "url": _list(f"state={s}")}
        for s in OPEN_STATES
    ]


def _option(bars: list[dict], colour: str) -> dict:
    """ECharts option: one bar per row, no animation (a home page is read, not watched)."""
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 32, "right": 8, "top": 8, "bottom": 44},
        "xAxis": {
            "type": "category",
            "data": [b["label"] for b in bars],
            "axisLabel": {"interval": 0, "rotate": 30, "fontSize": 10},
        },
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": [b["value"] for b in bars], "itemStyle": {"color": colour}}],
    }
