"""The four-colour map of the cockpit: the towns' areas as an SVG drawn on the server, each filled with the
colour of its highest risk point and linking to the list of its risk points (the same count).

Drawn on the server rather than with Leaflet: the wall display swaps this part every minute (HTMX) and
needs no script, no tiles and no network for it; the figures come from risk.selectors.town_colours, the
same scoped reads as the risk map."""

from __future__ import annotations

import math

from django.core.cache import cache
from django.utils.translation import get_language

from cockpit.selectors import scope_key
from core.choices import RiskColour
from core.scoping import scope_of
from risk.selectors import COLOUR_HEX, town_colours

WIDTH = 400.0  # SVG user units; the picture scales to its box
MAP_CACHE_SECONDS = 300


def _projector(towns: list[dict]):
    lats = [p[0] for t in towns for p in t["boundary"]]
    lngs = [p[1] for t in towns for p in t["boundary"]]
    south, north, west, east = min(lats), max(lats), min(lngs), max(lngs)
    shrink = math.cos(math.radians((south + north) / 2))  # a degree of longitude is shorter here
    scale = WIDTH / max((east - west) * shrink, 1e-9)
    height = (north - south) * scale

    def project(lat: float, lng: float) -> tuple[float, float]:
        return round((lng - west) * shrink * scale, 1), round((north - lat) * scale, 1)

    return project, round(height, 1)


def cached_town_colours(user) -> list[dict]:
    """`town_colours` for the user's scope, kept a few minutes: it groups every active risk point, and each
    open screen asks again every minute. Colours move only when a point is assessed or retired."""
    key = f"cockpit:townmap:{scope_key(scope_of(user))}:{get_language()}"
    towns = cache.get(key)
    if towns is None:
        towns = town_colours(user)
        cache.set(key, towns, MAP_CACHE_SECONDS)
    return towns


def town_map(user) -> dict:
    towns = [t for t in cached_town_colours(user) if len(t["boundary"]) >= 3]
    if not towns:
        return {"towns": [], "viewbox": "", "legend": []}
    project, height = _projector(towns)
    shapes = []
    for town in towns:
        label = project(*town["label_at"]) if town["label_at"] else project(*town["boundary"][0])
        shapes.append(
            {
                **{k: town[k] for k in ("id", "name", "level", "points", "url", "in_scope")},
                "fill": COLOUR_HEX[town["level"]] if town["level"] else "#ffffff",
                "path": " ".join(f"{x},{y}" for x, y in (project(*p) for p in town["boundary"])),
                "label_x": label[0],
                "label_y": label[1],
            }
        )
    counts = {c.value: sum(1 for t in towns if t["level"] == c.value) for c in RiskColour}
    legend = [
        {"colour": c.value, "label": c.label, "hex": COLOUR_HEX[c.value], "towns": counts[c.value]}
        for c in RiskColour
    ]
    return {"towns": shapes, "viewbox": f"-6 -6 {WIDTH + 12:.0f} {height + 12:.0f}", "legend": legend}
