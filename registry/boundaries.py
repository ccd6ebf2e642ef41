"""Town and street boundaries from GeoJSON: the shapes the four-colour map fills with each town's colour.

The file is a FeatureCollection in WGS 84 (GeoJSON's [longitude, latitude] order), one Polygon or
MultiPolygon per town or street, its statistical division code in `properties.code`. A town's boundary is
kept as one outer ring [[lat, lng], …] (the map draws a simple polygon; holes and islands of a
MultiPolygon are dropped, the largest part is kept). Everything is checked before anything is written, so a
bad file changes nothing. The demo district's approximate outlines ship in registry/data/.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext as _

from core.errors import InvalidInput

DEMO_BOUNDARIES = Path(__file__).resolve().parent / "data" / "pengjiang_towns.geojson"
MAX_BYTES = 5 * 1024 * 1024  # a district's towns, simplified, are far below this
MAX_POINTS = 5000  # per town: the map draws every vertex on every screen


def refuse(message, *details) -> InvalidInput:
    """A refused file: the first problem as the message, every problem listed on the file field."""
    return InvalidInput(message, errors={"file": [str(message), *map(str, details)]})


def load_json(raw: bytes | str) -> dict:
    if len(raw) > MAX_BYTES:
        raise refuse(_("The file is larger than 5 MB; simplify the boundaries first."))
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise refuse(_("The file is not valid GeoJSON (JSON could not be read).")) from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise refuse(_("The file must be a GeoJSON FeatureCollection."))
    if not isinstance(data.get("features"), list) or not data["features"]:
        raise refuse(_("The file holds no features."))
    return data


def _area(ring: list) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _outer_ring(geometry) -> list | None:
    """The largest outer ring of a Polygon or MultiPolygon, as [[lng, lat], …]; None if not one."""
    if not isinstance(geometry, dict):
        return None
    if geometry.get("type") == "Polygon":
        polygons = [geometry.get("coordinates")]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry.get("coordinates")
    else:
        return None
    rings = [p[0] for p in polygons or [] if isinstance(p, list) and p and isinstance(p[0], list)]
    return max(rings, key=_area_safe, default=None)


def _area_safe(ring) -> float:
    try:
        return _area([(float(p[0]), float(p[1])) for p in ring])
    except (TypeError, ValueError, IndexError):
        return -1.0


def _ring_to_boundary(ring: list) -> list[list[float]] | None:
    """[[lng, lat], …] (closed or not) → [[lat, lng], …] without the closing point; None if invalid."""
    points = []
    for position in ring:
        if not (isinstance(position, list) and len(position) >= 2):
            return None
        lng, lat = position[0], position[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lng, lat)):
            return None
        if not (-90 <= lat <= 90 and -180 <= lng <= 180):
            return None
        points.append([round(float(lat), 6), round(float(lng), 6)])
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if not 3 <= len(points) <= MAX_POINTS:
        return None
    return points


def parse_boundaries(data: dict, known_codes: set[str]) -> dict[str, list[list[float]]]:
    """{code: boundary} for every feature, or InvalidInput naming every feature that is wrong."""
    problems: list[str] = []
    found: dict[str, list[list[float]]] = {}
    for number, feature in enumerate(data["features"], start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = str((properties or {}).get("code") or "").strip()
        ring = _outer_ring(feature.get("geometry")) if isinstance(feature, dict) else None
        boundary = _ring_to_boundary(ring) if ring is not None else None
        if not code:
            problems.append(_("Feature %(n)s has no code in its properties.") % {"n": number})
        elif code not in known_codes:
            problems.append(
                _("Feature %(n)s: %(code)s is not the code of a town or street.")
                % {"n": number, "code": code}
            )
        elif code in found:
            problems.append(_("Feature %(n)s: %(code)s appears twice.") % {"n": number, "code": code})
        elif boundary is None:
            problems.append(
                _(
                    "Feature %(n)s (%(code)s): the geometry must be a Polygon or MultiPolygon of valid coordinates."
                )
                % {"n": number, "code": code}
            )
        else:
            found[code] = boundary
    if problems:
        raise InvalidInput(problems[0], errors={"file": [str(p) for p in problems]})
    return found


def demo_boundaries() -> dict:
    """The shipped approximate outlines of the demo district, {code: [[lat, lng], …]}."""
    data = load_json(DEMO_BOUNDARIES.read_bytes())
    codes = {str(f["properties"]["code"]) for f in data["features"]}
    return parse_boundaries(data, codes)
