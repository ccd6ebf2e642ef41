"""The map's enterprise data, bounded (issue 17): about 30 MB for 100k enterprises before.

The map sends its visible bounds (`bbox=south,west,north,east`) and `zoom`. Zoomed out (below
TOWN_ZOOM) it gets one cluster per town; in between, one cluster per grid cell; from POINT_ZOOM on,
points, but never more than POINT_CAP of them — beyond that the cells come back instead. Cells never
number more than CELL_CAP (the cell grows until they fit). Clusters are counted in the database (GROUP BY),
so the answer's size follows the screen, not the district. A cluster takes the colour of its highest
level, so a red enterprise is never hidden by zooming out. Without bounds the whole scope is answered the
same way: points when they fit under the cap (`complete`: the map need not ask again), clusters otherwise.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Avg, Count
from django.db.models.functions import Floor

POINT_CAP = 2000
CELL_CAP = 400
TOWN_ZOOM = 11  # up to this zoom: one cluster per town
POINT_ZOOM = 14  # from this zoom: points (under the cap)
RANK = {"red": 4, "orange": 3, "yellow": 2, "blue": 1, "": 0}


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """ "south,west,north,east" in degrees, or None when absent or not a valid box."""
    try:
        south, west, north, east = (float(part) for part in (value or "").split(","))
    except ValueError:
        return None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        return None
    return south, west, north, east


def parse_zoom(value: str | None) -> int | None:
    try:
        zoom = int(value)
    except (TypeError, ValueError):
        return None
    return min(max(zoom, 0), 22)


def within(qs, bbox):
    if bbox is None:
        return qs
    south, west, north, east = bbox
    return qs.filter(lat__gte=south, lat__lte=north, lng__gte=west, lng__lte=east)


def choose(total: int, zoom: int | None) -> str:
    if zoom is None:
        return "points" if total <= POINT_CAP else "cells"
    if zoom <= TOWN_ZOOM:
        return "towns"
    if zoom >= POINT_ZOOM and total <= POINT_CAP:
        return "points"
    return "cells"


def town_clusters(qs, colour_hex: dict) -> list[dict]:
    rows = qs.order_by().values("town_id", "town__name", "town__lat", "town__lng", "risk_level")
    rows = rows.annotate(n=Count("pk", distinct=True), lat_avg=Avg("lat"), lng_avg=Avg("lng"))
    groups: dict = defaultdict(lambda: {"count": 0, "level": "", "lat": 0.0, "lng": 0.0, "weight": 0})
    for row in rows:
        group = groups[row["town_id"]]
        group["label"] = row["town__name"]
        group["centre"] = (row["town__lat"], row["town__lng"])
        _add(group, row)
    return [_cluster(f"town-{key}", group, colour_hex, use_centre=True) for key, group in groups.items()]


def cell_clusters(qs, bbox, zoom: int | None, colour_hex: dict) -> list[dict]:
    size = _cell_size(bbox, zoom)
    while True:
        rows = (
            qs.order_by()
            .annotate(cell_y=Floor(_as_float("lat") / size), cell_x=Floor(_as_float("lng") / size))
            .values("cell_y", "cell_x", "risk_level")
            .annotate(n=Count("pk", distinct=True), lat_avg=Avg("lat"), lng_avg=Avg("lng"))
        )
        groups: dict = defaultdict(lambda: {"count": 0, "level": "", "lat": 0.0, "lng": 0.0, "weight": 0})
        for row in rows:
            _add(groups[(int(row["cell_y"]), int(row["cell_x"]))], row)
        if len(groups) <= CELL_CAP:
            return [_cluster(f"cell-{y}-{x}", g, colour_hex) for (y, x), g in groups.items()]
        size *= 2  # too many cells on this screen: coarser cells


def _as_float(field: str):
    from django.db.models import F, FloatField
    from django.db.models.functions import Cast

    return Cast(F(field), FloatField())


def _cell_size(bbox, zoom: int | None) -> float:
    """About an eighth of the screen's width (or of the tile width at this zoom), in degrees."""
    if bbox is not None:
        return max((bbox[3] - bbox[1]) / 8, 1e-4)
    return 360 / (2 ** (zoom if zoom is not None else 10)) / 2


def _add(group: dict, row: dict) -> None:
    n = row["n"]
    group["count"] += n
    if RANK.get(row["risk_level"] or "", 0) > RANK.get(group["level"], 0):
        group["level"] = row["risk_level"]
    group["lat"] += float(row["lat_avg"]) * n
    group["lng"] += float(row["lng_avg"]) * n
    group["weight"] += n


def _cluster(key: str, group: dict, colour_hex: dict, *, use_centre: bool = False) -> dict:
    weight = group["weight"] or 1
    lat, lng = group["lat"] / weight, group["lng"] / weight
    centre = group.get("centre")
    if use_centre and centre and centre[0] is not None and centre[1] is not None:
        lat, lng = float(centre[0]), float(centre[1])
    return {
        "key": key,
        "label": group.get("label", ""),
        "lat": round(lat, 6),
        "lng": round(lng, 6),
        "count": group["count"],
        "level": group["level"],
        "colour": colour_hex.get(group["level"], colour_hex[""]),
    }


def level_counts(qs) -> dict[str, int]:
    """Enterprises per level over the whole filtered scope (the legend), counted in the database."""
    rows = qs.order_by().values("risk_level").annotate(n=Count("pk", distinct=True))
    return {row["risk_level"] or "": row["n"] for row in rows}
