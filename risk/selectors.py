"""Scoped reads that shape the risk pages: the one-file section, the map, the four-colour statistics."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from core.choices import RiskColour
from core.scoping import scope_of
from registry.models import Enterprise, Jurisdiction, Sector
from risk.choices import ControlLevel
from risk.dynamic import recent_accident
from risk.models import ControlMeasure, RiskAssessment, RiskPoint
from risk.tables import control_level_is_too_low, required_control_level

COLOURS = [RiskColour.RED, RiskColour.ORANGE, RiskColour.YELLOW, RiskColour.BLUE]
COLOUR_HEX = {"red": "#d32f2f", "orange": "#ef6c00", "yellow": "#f9a825", "blue": "#1565c0", "": "#9e9e9e"}


def active_measures_prefetch() -> Prefetch:
    return Prefetch(
        "measures", queryset=ControlMeasure.objects.active().order_by("kind", "id"), to_attr="active_measures"
    )


def distribution(colours) -> list[dict]:
    """[{colour, label, count}] for the four colours, highest first."""
    counts = defaultdict(int)
    for colour in colours:
        counts[colour] += 1
    return [{"colour": c.value, "label": c.label, "count": counts[c.value]} for c in COLOURS]


def annotate_warnings(points) -> None:
    """R-RISK-4: mark each active measure whose level is below what the point's colour requires."""
    for point in points:
        colour = point.effective_colour or point.colour
        point.required_level = required_control_level(colour) if colour else None
        point.required_level_label = ControlLevel(point.required_level).label if point.required_level else ""
        for measure in getattr(point, "active_measures", []):
            measure.too_low = control_level_is_too_low(colour, measure.level)
        point.has_low_measure = any(m.too_low for m in getattr(point, "active_measures", []))


def enterprise_section(user, enterprise) -> dict:
    """The risk section of the enterprise's one-file page (the enterprise is already gated)."""
    points = list(
        RiskPoint.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .active()
        .select_related("assessed_by")
        .prefetch_related(active_measures_prefetch())
        .order_by("name", "id")
    )
    annotate_warnings(points)
    today = timezone.localdate()
    accident_at = recent_accident(enterprise.pk, timezone.now())
    for point in points:
        # R-RISK-7: reassess when the date has come, after a major hazard on the point, and after an
        # accident at the enterprise that happened since the point was last assessed.
        point.review_due = (
            bool(point.next_review_on and point.next_review_on <= today)
            or bool(point.effective_reason)
            or bool(accident_at and point.assessed_at and point.assessed_at < accident_at)
        )
    return {
        "points": points,
        "distribution": distribution(p.effective_colour for p in points if p.effective_colour),
        "unassessed": sum(1 for p in points if not p.colour),
    }


def point_detail(point: RiskPoint) -> dict:
    points = [point]
    point.active_measures = list(ControlMeasure.objects.active().filter(point=point).order_by("kind", "id"))
    annotate_warnings(points)
    history = (
        RiskAssessment.objects.filter(point=point)
        .select_related("assessed_by")
        .order_by("-assessed_at", "-id")
    )
    return {"point": point, "history": history}


def map_enterprises(user, *, town_id=None, sector_code=None, level=None):
    qs = (
        Enterprise.objects.visible_to(user)
        .filter(lat__isnull=False, lng__isnull=False)
        .select_related("town")
        .order_by("id")
    )
    if town_id:
        qs = qs.filter(town_id=town_id)
    if sector_code:
        qs = qs.filter(sectors__code=sector_code)
    if level == "none":
        qs = qs.filter(risk_level="")
    elif level:
        qs = qs.filter(risk_level=level)
    return qs


def map_data(user, *, town_id=None, sector_code=None, level=None, bbox=None, zoom=None) -> dict:
    """The four-colour map: enterprises as points coloured by level, or clusters when there are too many
    for the screen (risk.mapdata: bounds, zoom and hard caps), and the towns' shapes (no network)."""
    from risk import mapdata

    scoped = map_enterprises(user, town_id=town_id, sector_code=sector_code, level=level)
    visible = mapdata.within(scoped, bbox)
    total = visible.count()
    mode = mapdata.choose(total, zoom)
    enterprises, clusters = [], []
    if mode == "points":
        enterprises = _points(visible[: mapdata.POINT_CAP])
    elif mode == "towns":
        clusters = mapdata.town_clusters(visible, COLOUR_HEX)
    else:
        clusters = mapdata.cell_clusters(visible, bbox, zoom, COLOUR_HEX)
    towns = town_colours(user)
    by_level = mapdata.level_counts(scoped)
    return {
        "mode": "points" if mode == "points" else "clusters",
        "complete": mode == "points" and bbox is None,  # every point of the scope: no need to ask again
        "total": total,
        "enterprises": enterprises,
        "clusters": clusters,
        "towns": towns,
        "counts": [
            {"colour": c.value, "label": str(c.label), "count": by_level.get(c.value, 0)} for c in COLOURS
        ],
        "unassessed": by_level.get("", 0),
        "caps": {"points": mapdata.POINT_CAP, "clusters": mapdata.CELL_CAP},
    }


def town_colours(user) -> list[dict]:
    """Every active town with its shape, coloured by the highest effective colour of the risk points the
    user sees in it; `points` is the count of the risk-point list the town links to (its active points).
    A town outside the user's scope keeps its outline for orientation but gets no colour and no counts."""
    from risk import mapdata

    rows = (
        RiskPoint.objects.visible_to(user)
        .active()
        .order_by()
        .values("enterprise__town_id", "effective_colour")
        .annotate(n=Count("pk"))
    )
    by_town: dict = defaultdict(lambda: dict.fromkeys(mapdata.RANK, 0))
    for row in rows:
        by_town[row["enterprise__town_id"]][row["effective_colour"] or ""] += row["n"]
    scope = scope_of(user)
    wide = scope.district or bool(scope.sector_codes)
    list_url = reverse("risk:point_list")
    result = []
    for town in Jurisdiction.objects.towns().filter(is_active=True).order_by("code"):
        counts = by_town.get(town.pk)
        in_scope = wide or town.pk in scope.town_ids or counts is not None
        counts = counts or dict.fromkeys(mapdata.RANK, 0)
        level = mapdata.highest_colour(c for c, n in counts.items() if n) if in_scope else ""
        result.append(
            {
                "id": town.pk,
                "name": town.display_name,
                "lat": float(town.lat) if town.lat is not None else None,
                "lng": float(town.lng) if town.lng is not None else None,
                "label_at": mapdata.label_point(town.boundary or [], town.lat, town.lng),
                "boundary": town.boundary or [],
                "in_scope": in_scope,
                "level": level,
                "colour": COLOUR_HEX[level],
                "points": sum(counts.values()) if in_scope else 0,
                "by_colour": {c.value: counts[c.value] for c in COLOURS} if in_scope else {},
                "url": f"{list_url}?town={town.pk}" if in_scope else "",
            }
        )
    return result


def _points(qs) -> list[dict]:
    rows = qs.values_list("pk", "name", "lat", "lng", "risk_level", "risk_level_reason", "town__name")
    labels = {code: str(label) for code, label in RiskColour.choices}
    # One reverse() for all rows: the detail URL ends in "<pk>/".
    detail_prefix = reverse("registry:enterprise_detail", args=[0])[: -len("0/")]
    return [
        {
            "id": pk,
            "name": name,
            "lat": float(lat),
            "lng": float(lng),
            "level": level_code,
            "level_display": labels.get(level_code, ""),
            "reason": reason,
            "town": town_name,
            "colour": COLOUR_HEX.get(level_code, COLOUR_HEX[""]),
            "url": f"{detail_prefix}{pk}/",
        }
        for pk, name, lat, lng, level_code, reason, town_name in rows
    ]


def _level_counts(qs, key: str) -> dict:
    table: dict = defaultdict(lambda: {c.value: 0 for c in COLOURS} | {"": 0})
    for row in qs.values(key, "risk_level").annotate(n=Count("pk", distinct=True)):
        table[row[key]][row["risk_level"] or ""] += row["n"]
    return table


def colour_stats(user) -> dict:
    """Enterprises by level and risk points by effective colour, per town and per sector (scoped)."""
    enterprises = Enterprise.objects.visible_to(user)
    points = RiskPoint.objects.visible_to(user).active().assessed()
    towns = list(Jurisdiction.objects.towns().filter(is_active=True).order_by("code"))
    sectors = list(Sector.objects.all())
    by_town = _level_counts(enterprises, "town_id")
    by_sector = _level_counts(enterprises.filter(sectors__isnull=False), "sectors__code")
    point_filters = {c.value: Count("pk", filter=Q(effective_colour=c.value)) for c in COLOURS}
    points_by_town = {
        row["enterprise__town_id"]: row
        for row in points.values("enterprise__town_id").annotate(**point_filters)
    }

    def rows(groups, table, key, extra=None):
        result = []
        for group in groups:
            counts = table.get(getattr(group, key))
            if counts is None or not sum(counts.values()):
                continue
            row = {
                "name": group.display_name,
                "key": getattr(group, key),
                "levels": [counts[c.value] for c in COLOURS],
                "none": counts[""],
                "total": sum(counts.values()),
            }
            if extra is not None:
                found = extra.get(getattr(group, key)) or {}
                row["points"] = [found.get(c.value, 0) for c in COLOURS]
            result.append(row)
        return result

    town_rows = rows(towns, by_town, "pk", points_by_town)
    sector_rows = rows(sectors, by_sector, "code")
    return {
        "colours": [{"colour": c.value, "label": c.label, "hex": COLOUR_HEX[c.value]} for c in COLOURS],
        "towns": town_rows,
        "sectors": sector_rows,
        "town_chart": _stacked_chart([r["name"] for r in town_rows], [r["levels"] for r in town_rows]),
        "sector_chart": _stacked_chart([r["name"] for r in sector_rows], [r["levels"] for r in sector_rows]),
    }


def _stacked_chart(names: list[str], levels: list[list[int]]) -> dict:
    """An ECharts option: one stacked bar per group, one series per colour (red on top)."""
    series = []
    for index, colour in reversed(list(enumerate(COLOURS))):
        series.append(
            {
                "name": str(colour.label),
                "type": "bar",
                "stack": "level",
                "itemStyle": {"color": COLOUR_HEX[colour.value]},
                "data": [row[index] for row in levels],
            }
        )
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 8, "bottom": 8, "top": 36, "containLabel": True},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": series,
    }


def home_panel(user) -> dict:
    """The home panel: enterprises by level in the user's scope and the points due for reassessment."""
    today = timezone.localdate()
    counts = dict(
        Enterprise.objects.visible_to(user)
        .exclude(risk_level="")
        .values_list("risk_level")
        .annotate(n=Count("pk"))
        .values_list("risk_level", "n")
    )
    due = (
        RiskPoint.objects.visible_to(user)
        .active()
        .assessed()
        .filter(Q(next_review_on__lte=today) | ~Q(effective_reason=""))
        .select_related("enterprise")
        .order_by("next_review_on", "id")
    )
    return {
        "levels": [{"colour": c.value, "label": c.label, "count": counts.get(c.value, 0)} for c in COLOURS],
        "due": list(due[:5]),
        "due_count": due.count(),
    }
