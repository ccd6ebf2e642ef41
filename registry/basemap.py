"""The district's own base map for the maps without network: a GeoJSON FeatureCollection (WGS 84,
[longitude, latitude]) of the district's outline, its towns, rivers and roads, each feature's `kind` one the
map draws (risk/static/risk/basemap.js). The district's surveying office supplies it; until one is imported
the maps draw the schematic shipped in static. Every feature is checked before anything is kept, so a bad
file changes nothing."""

from __future__ import annotations

import hashlib
import json

from django.utils.translation import gettext as _

from registry.boundaries import load_json, refuse

MAX_BYTES = 20 * 1024 * 1024  # a district's simplified roads and rivers are a few MB
MAX_POSITIONS = 300_000  # every vertex is drawn on every screen of every phone
KINDS = ("district", "town", "river", "motorway", "trunk", "primary")
GEOMETRIES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
# China's extent: a file in another datum's order ([lat, lng]) or projection falls outside it.
LNG, LAT = (73.0, 136.0), (3.0, 54.0)


def _positions(coordinates):
    """Every [lng, lat] of a geometry's nested coordinate lists."""
    if (
        isinstance(coordinates, list)
        and len(coordinates) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in coordinates[:2])
    ):
        yield coordinates
        return
    if not isinstance(coordinates, list) or not coordinates:
        raise ValueError
    for part in coordinates:
        yield from _positions(part)


def _feature_problem(number: int, feature) -> tuple[str, int]:
    """What is wrong with one feature ("" if nothing) and how many positions it has."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    properties = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") not in GEOMETRIES:
        return _("Feature %(n)s has no point, line or area geometry.") % {"n": number}, 0
    kind = (properties or {}).get("kind") if isinstance(properties, dict) else None
    if kind not in KINDS:
        return _("Feature %(n)s: its kind must be one of %(kinds)s.") % {
            "n": number,
            "kinds": "、".join(KINDS),
        }, 0
    try:
        positions = list(_positions(geometry.get("coordinates")))
    except (ValueError, RecursionError):
        return _("Feature %(n)s has coordinates that are not numbers.") % {"n": number}, 0
    if any(not (LNG[0] <= p[0] <= LNG[1] and LAT[0] <= p[1] <= LAT[1]) for p in positions):
        return _("Feature %(n)s lies outside China: coordinates must be WGS 84 [longitude, latitude].") % {
            "n": number
        }, 0
    return "", len(positions)


def parse_base_map(raw: bytes) -> tuple[bytes, int, str]:
    """(the file as kept, the number of features, its SHA-256); InvalidInput naming the first ten problems."""
    if len(raw) > MAX_BYTES:
        raise refuse(_("The file is larger than 20 MB; simplify the base map first."))
    data = load_json(raw)
    problems, positions = [], 0
    for number, feature in enumerate(data["features"], start=1):
        problem, count = _feature_problem(number, feature)
        positions += count
        if problem:
            problems.append(problem)
    if problems:
        raise refuse(problems[0], *problems[1:10])
    if positions > MAX_POSITIONS:
        raise refuse(_("The base map has more than 300,000 points; simplify it first."))
    kept = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return kept, len(data["features"]), hashlib.sha256(kept).hexdigest()
