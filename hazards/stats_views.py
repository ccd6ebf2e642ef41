"""Documents (PDF) and statistics pages; both go through the gate and the scoping layer."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.pdf import pdf_response
from hazards.choices import State
from hazards.documents import acceptance_record, rectification_notice
from hazards.selectors import get_hazard_for_user, hazard_stats


@login_required
def notice_pdf(request, pk: int):
    hazard = get_hazard_for_user(request.user, pk)
    if hazard.state in (State.REPORTED, State.CANCELLED) or not hazard.notice_serial:
        raise Http404
    return pdf_response(rectification_notice(hazard), f"notice-{hazard.notice_serial}")


@login_required
def acceptance_pdf(request, pk: int):
    hazard = get_hazard_for_user(request.user, pk)
    if hazard.state not in (State.ACCEPTED, State.CLOSED) or not hazard.acceptance_serial:
        raise Http404
    return pdf_response(acceptance_record(hazard), f"acceptance-{hazard.acceptance_serial}")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def statistics(request):
    group_by = request.GET.get("group_by", "town")
    if group_by not in ("town", "sector", "department"):
        group_by = "town"
    date_from, date_to = _date(request.GET.get("from")), _date(request.GET.get("to"))
    rows = hazard_stats(request.user, group_by, date_from=date_from, date_to=date_to)
    names = [r["name"] for r in rows]
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 40, "bottom": 70, "containLabel": True},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 30}},
        "yAxis": [{"type": "value"}, {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}}],
        "series": [
            {"name": _("Found"), "type": "bar", "data": [r["found"] for r in rows]},
            {"name": pgettext("hazards", "Open"), "type": "bar", "data": [r["open"] for r in rows]},
            {
                "name": _("Overdue"),
                "type": "bar",
                "data": [r["overdue"] for r in rows],
                "itemStyle": {"color": "#dc3545"},
            },
            {"name": _("Major open"), "type": "bar", "data": [r["major_open"] for r in rows]},
            {
                "name": _("Rectification rate"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [round(r["rectification_rate"] * 100, 1) for r in rows],
            },
            {
                "name": _("On-time rate"),
                "type": "line",
                "yAxisIndex": 1,
                "data": [round(r["on_time_rate"] * 100, 1) for r in rows],
            },
        ],
    }
    return render(
        request,
        "hazards/statistics.html",
        {
            "rows": rows,
            "group_by": group_by,
            "chart": chart,
            "date_from": date_from,
            "date_to": date_to,
            "groups": [
                ("town", _("Town/street")),
                ("sector", _("Sector")),
                ("department", pgettext("hazard", "Department")),
            ],
        },
    )
