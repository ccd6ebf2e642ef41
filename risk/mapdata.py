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

from django.conf import settings
from django.db.models import Avg, Count
from django.db.models.functions import Floor
from django.templatetags.static import static
from django.urls import reverse

from registry.models import BaseMap

POINT_CAP = 2000
CELL_CAP = 400
TOWN_ZOOM = 11  # up to this zoom: one cluster per town
POINT_ZOOM = 14  # from this zoom: points (under the cap)
BASE_MAP = "risk/pengjiang-base.geojson"
RANK = {"red": 4, "orange": 3, "yellow": 2, "blue": 1, "": 0}


def base_config() -> dict:
    """The base map of every Leaflet page: the configured tile service, or the district's own outline,
    rivers and roads — the imported base map (its URL names its hash) or else the schematic shipped in static
    — both kept by the service worker, so the map works offline."""
    if settings.MAP_TILE_URL:
        base_url = ""
    else:
        current = BaseMap.current()
        base_url = f"{reverse('registry:base_map')}?v={current.sha256[:16]}" if current else static(BASE_MAP)
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
        "baseUrl": base_url,
    }


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
    groups: dict = defaultdict(_empty_group)
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
        groups: dict = defaultdict(_empty_group)
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


def _empty_group() -> dict:
    return {"count": 0, "level": "", "lat": 0.0, "lng": 0.0, "weight": 0, "by_level": dict.fromkeys(RANK, 0)}


def _add(group: dict, row: dict) -> None:
    n = row["n"]
    group["count"] += n
    group["by_level"][row["risk_level"] or ""] += n
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
        # Counts per colour, so that a cluster shows its mix and not only its worst colour.
        "by_level": group["by_level"],
        "level": group["level"],
        "colour": colour_hex.get(group["level"], colour_hex[""]),
    }


def level_counts(qs) -> dict[str, int]:
    """Enterprises per level over the whole filtered scope (the legend), counted in the database."""
    rows = qs.order_by().values("risk_level").annotate(n=Count("pk", distinct=True))
    return {row["risk_level"] or "": row["n"] for row in rows}


def highest_colour(colours) -> str:
    """A town area takes the highest colour among its risk points (R-RISK-1 order, R-RISK-5 applied to an
    area): red over orange over yellow over blue; no assessed point, no colour."""
    top = ""
    for colour in colours:
        if RANK.get(colour or "", 0) > RANK[top]:
            top = colour
    return top


def inside(point: tuple[float, float], ring: list) -> bool:
    """Ray casting: is (lat, lng) inside the polygon [[lat, lng], …]?"""
    lat, lng = point
    result = False
    for (lat1, lng1), (lat2, lng2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (lng1 > lng) != (lng2 > lng) and lat < (lat2 - lat1) * (lng - lng1) / (lng2 - lng1) + lat1:
            result = not result
    return result


def label_point(boundary: list, lat, lng) -> list[float] | None:
    """Where the town's name goes: its centre when that lies inside its area, else the vertices' mean
    when that does, else the middle of the widest east-west chord through that latitude."""
    if lat is not None and lng is not None and (not boundary or inside((float(lat), float(lng)), boundary)):
        return [float(lat), float(lng)]
    if len(boundary) < 3:
        return None
    mean = (sum(p[0] for p in boundary) / len(boundary), sum(p[1] for p in boundary) / len(boundary))
    if inside(mean, boundary):
        return [round(mean[0], 6), round(mean[1], 6)]
    return _chord_middle(boundary, mean[0])


def _chord_middle(boundary: list, lat: float) -> list[float]:
    crossings = sorted(
        lng1 + (lat - lat1) * (lng2 - lng1) / (lat2 - lat1)
        for (lat1, lng1), (lat2, lng2) in zip(boundary, boundary[1:] + boundary[:1], strict=True)
        if (lat1 > lat) != (lat2 > lat)
    )
    pairs = list(zip(crossings[::2], crossings[1::2], strict=False)) or [(boundary[0][1], boundary[0][1])]
    west, east = max(pairs, key=lambda pair: pair[1] - pair[0])
    return [round(lat, 6), round((west + east) / 2, 6)]
