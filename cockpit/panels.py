"""The cockpit's panels from the modules above the registry: who is on duty now, and the assessment ranking.

The cockpit is the top layer, so it reads the duty and accountability modules directly (their selectors,
which go through the one scoping layer). The ranking is recomputed at most every ten minutes per scope:
it reads every item of the assessment."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from accountability.selectors import default_year, scorecard
from cockpit.selectors import scope_key
from core.masking import phone_for
from core.scoping import scope_of
from duty.selectors import board_rooms

RANKING_CACHE_SECONDS = 600


def on_duty_now(user) -> list[dict]:
    """Every room the user sees with its leader and officers on duty at this moment (phones by role)."""
    rows = []
    for entry in board_rooms(user):
        people = [
            {"name": s.person.display_name, "phone": phone_for(user, s.person.phone), "leader": leader}
            for leader, shifts in ((True, entry["leaders"]), (False, entry["officers"]))
            for s in shifts
        ]
        rows.append({"room": entry["room"], "people": people, "uncovered": not entry["leaders"]})
    return rows


def ranking(user, *, limit: int = 8) -> dict:
    """The towns' assessment of the current year, ranked; each line links to its scorecard."""
    year = default_year(timezone.localdate())
    key = f"cockpit:ranking:{year}:{scope_key(scope_of(user))}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    _card, lines = scorecard(user, year=year, kind="town")
    rows = [
        {
            "name": getattr(line.unit, "display_name", str(line.unit)),
            "score": float(line.score),
            "rank": line.rank,
            "vetoed": line.vetoed,
            "url": f"/accountability/assessment/town/{line.unit_id}/?year={year}",
        }
        for line in sorted(lines, key=lambda line: line.rank)[:limit]
    ]
    result = {"year": year, "rows": rows}
    cache.set(key, result, RANKING_CACHE_SECONDS)
    return result
