"""The preparedness page (a town's, or the district's), its map layers and the pre-season readiness check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import Column, xlsx_response
from core.params import BadParameter
from core.pdf import PdfDocument, pdf_response
from core.scoping import scope_of
from emergency import readiness_check, selectors
from emergency.models import Plan, RescueTeam, Shelter, Warehouse, WaterloggingPoint
from emergency.towns import picked_town, visible_towns
from risk.mapdata import base_config


def _towns(request) -> tuple[list, bool]:
    """The towns the page shows, and whether the user picked one with ?town=."""
    town = picked_town(request.user, request.GET.get("town"))
    return ([town], True) if town else (list(visible_towns(request.user)), False)


def _map_source(towns, *, picked: bool) -> str:
    # The map is fetched separately: it gets the same pick, or it would show every town's points.
    url = reverse("emergency:map_data")
    return f"{url}?town={towns[0].pk}" if picked else url


def _bar(title, names, values, colour="#1565c0") -> dict:
    return {
        "title": {"text": title, "textStyle": {"fontSize": 13}},
        "tooltip": {},
        "grid": {"left": 48, "right": 12, "bottom": 72, "top": 36},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 40, "interval": 0}},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "data": values, "itemStyle": {"color": colour}}],
    }


# The page lists at most this many rows per list; its headline figures count every row, and a longer list
# links to its full page.
SHOWN = 30


def _plans_behind(user, towns, *, picked: bool, today) -> dict:
    """Plans due and drills behind, of the picked town only when the district picked one (a district or
    department plan belongs to no town, so it is the district's view only)."""
    plans = Plan.objects.visible_to(user)
    if picked:
        plans = plans.filter(town__in=towns)
    statuses = selectors.plan_statuses(plans, today=today)
    filings = [s for s in statuses if s.filing_overdue or s.check_overdue]
    reviews = [s for s in statuses if s.review_overdue]
    drills = [s for s in statuses if s.drill_overdue]
    return {
        "filings_due": filings[:SHOWN],
        "reviews_behind": reviews[:SHOWN],
        "drills_behind": drills[:SHOWN],
        "plans_behind_count": plans.behind(today).count(),
        "plans_cut": len(filings) > SHOWN or len(reviews) > SHOWN,
        "drills_behind_count": len(drills),
    }


@login_required
def preparedness(request):
    user = request.user
    towns, picked = _towns(request)
    today = timezone.localdate()
    scores = [selectors.readiness(t, today=today) for t in towns]
    short = selectors.shortfalls(towns, today=today, only_short=True)
    by_item: dict[str, int] = {}
    for row in selectors.procurement_need(short):
        key = f"{row['item']}（{row['item'].unit}）"
        by_item[key] = by_item.get(key, 0) + row["shortfall"]
    expiring = selectors.expiring(user, today=today)
    if picked:
        expiring = expiring.filter(warehouse__town__in=towns)
    teams = RescueTeam.objects.visible_to(user)
    if picked:
        teams = teams.filter(town__in=towns)
    flags = [
        (t, f) for t, f in selectors.team_flags(teams.select_related("town").prefetch_related("people")) if f
    ]
    charts = [
        (
            "readiness",
            _bar(
                _("Readiness score"),
                [str(s.town) for s in scores],
                [float(s.score) for s in scores],
                "#2e7d32",
            ),
        ),
        (
            "shortfalls",
            _bar(_("Shortfalls against the norms"), list(by_item), list(by_item.values()), "#d32f2f"),
        ),
    ]
    return render(
        request,
        "emergency/preparedness.html",
        {
            "towns": visible_towns(user),
            # A town officer's page is its own town's; the district picks a town or sees them all.
            "selected": towns[0] if len(towns) == 1 and (picked or not scope_of(user).district) else None,
            "scores": scores,
            "shortfalls": short[:50],
            "shortfall_count": len(short),
            "expiring": expiring[:SHOWN],
            "expiring_count": expiring.count(),
            **_plans_behind(user, towns, picked=picked, today=today),
            "team_count": teams.count(),
            "teams_below": flags[:SHOWN],
            "points": WaterloggingPoint.objects.visible_to(user).filter(town__in=towns).count()
            if towns
            else 0,
            "shelters": Shelter.objects.visible_to(user).filter(town__in=towns).count() if towns else 0,
            "charts": [{"key": k, "element_id": f"chart-{k}", "option": o} for k, o in charts],
            "map_config": {**base_config(), "center": [22.615, 113.070]},
            "map_source": _map_source(towns, picked=picked),
            "query": request.GET.urlencode(),
        },
    )


def _map_rows(qs, kind, label) -> list[dict]:
    return [
        {
            "kind": kind,
            "name": str(getattr(o, "name", "")),
            "lat": float(o.lat),
            "lng": float(o.lng),
            "label": label(o),
        }
        for o in qs.exclude(lat=None).exclude(lng=None)
    ]


def _town_shape(t) -> dict:
    return {
        "name": t.display_name,
        "lat": float(t.lat) if t.lat is not None else None,
        "lng": float(t.lng) if t.lng is not None else None,
        "boundary": t.boundary or [],
    }


@login_required
@require_GET
def map_data(request):
    """The map's layers, each scoped: warehouses, teams, waterlogging points, shelters; town shapes.
    ?town= narrows every layer and the shapes to the town the page picked, so both count the same rows."""
    from registry.models import Jurisdiction

    user = request.user
    try:
        town = picked_town(user, request.GET.get("town"))
    except BadParameter as exc:
        # The page's script reads JSON, so the message comes back as the API states one.
        return JsonResponse({"detail": str(exc)}, status=400)

    def scoped(model):
        qs = model.objects.visible_to(user)
        return qs if town is None else qs.filter(town=town)

    towns = [town] if town else Jurisdiction.objects.towns().filter(is_active=True)
    return JsonResponse(
        {
            "towns": [_town_shape(t) for t in towns],
            "layers": {
                "warehouses": _map_rows(scoped(Warehouse), "warehouse", lambda w: w.get_level_display()),
                "teams": _map_rows(scoped(RescueTeam), "team", lambda t: t.get_kind_display()),
                "points": _map_rows(
                    scoped(WaterloggingPoint),
                    "point",
                    lambda p: _("deepest %(cm)s cm") % {"cm": p.max_depth_cm},
                ),
                "shelters": _map_rows(
                    scoped(Shelter), "shelter", lambda s: _("%(n)s persons") % {"n": s.capacity}
                ),
            },
        }
    )


@login_required
def readiness_report(request, fmt):
    """The pre-season readiness check (by 1 April, R-EMG-7): each town and the district, PDF or .xlsx."""
    towns = _towns(request)[0]
    if not towns:
        raise Http404
    rows = readiness_check.rows(request.user, towns)
    if fmt == "xlsx":
        columns = [
            Column(str(label), (lambda key: lambda r: r[key])(key), 18)
            for key, label in readiness_check.COLUMNS
        ]
        return xlsx_response("readiness-check", columns, rows, sheet_title=str(_("Readiness check")))
    if fmt != "pdf":
        raise Http404
    doc = PdfDocument(str(_("Pre-season readiness check")), subtitle=timezone.localdate().isoformat())
    for row in rows:
        doc.heading(row["town"])
        doc.facts([(str(label), row[key]) for key, label in readiness_check.COLUMNS if key != "town"])
    doc.signatures([str(_("Checked by")), str(_("Town/street in charge"))])
    return pdf_response(doc.render(), "readiness-check")
