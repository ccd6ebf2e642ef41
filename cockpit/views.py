"""The cockpit page, its wall display (kiosk) and the fragment both refresh from."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from cockpit import figures, selectors
from cockpit.panels import on_duty_now, ranking, readiness
from cockpit.policy import may_open_cockpit
from cockpit.townmap import town_map
from core.extensions import duty_board_panels

REFRESH_SECONDS = 60


def cockpit_context(request) -> dict:
    user = request.user
    rows = figures.all_figures(user)
    by_group: dict[str, list[dict]] = {}
    for row in rows:
        by_group.setdefault(row["group"], []).append(row)
    towns = selectors.towns_in_scope(user)
    panels = [
        {"template": p.template, "context": p.context(request)} for p in duty_board_panels.for_user(user)
    ]
    trend = selectors.hazard_trend(user)
    return {
        "figures": rows,
        "by_group": by_group,
        "overdue_by_town": figures.overdue_by_town(user, towns) if len(towns) > 1 else [],
        "campaigns": selectors.campaign_progress(user),
        "trend": trend,
        "trend_chart": trend_chart(trend),
        "town_map": town_map(user),
        "panels": panels,
        "on_duty": on_duty_now(user),
        "ranking": ranking(user),
        "readiness": readiness(user),
        "now": timezone.localtime(),
        "refresh_seconds": REFRESH_SECONDS,
    }


def trend_chart(trend) -> dict:
    # Hazards found and closed: a hazard is 销号 (closed off the ledger), not the general 办结.
    return selectors.trend_chart(
        trend, found_label=_("Registered"), closed_label=pgettext("hazard", "Closed")
    )


def home_panel(request) -> dict:
    """The leader's home page: the cockpit's figures, every one, in small, and the trend."""
    user = request.user
    return {"figures": figures.all_figures(user), "trend_chart": trend_chart(selectors.hazard_trend(user))}


def _gate(request) -> None:
    if not may_open_cockpit(request.user):
        raise PermissionDenied


@login_required
@require_GET
def cockpit(request):
    _gate(request)
    context = {**cockpit_context(request), "wall": False, "live_url": reverse("cockpit:live")}
    return render(request, "cockpit/cockpit.html", context)


@login_required
@require_GET
def wall(request):
    """The large wall display: 1920×1080, no navigation, refreshes itself without a click."""
    _gate(request)
    context = {**cockpit_context(request), "wall": True, "live_url": f"{reverse('cockpit:live')}?wall=1"}
    return render(request, "cockpit/wall.html", context)


@login_required
@require_GET
def live(request):
    """The part of the screen that refreshes (HTMX polling every minute)."""
    _gate(request)
    wall_mode = request.GET.get("wall") == "1"
    live_url = reverse("cockpit:live") + ("?wall=1" if wall_mode else "")
    return render(
        request, "cockpit/_live.html", {**cockpit_context(request), "wall": wall_mode, "live_url": live_url}
    )
