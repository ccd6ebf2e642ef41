"""The cockpit's panels from the modules above the registry: who is on duty now, the assessment ranking and
the towns' preparedness readiness.

The cockpit is the top layer, so it reads the duty and accountability modules directly (their selectors,
which go through the one scoping layer). The ranking is recomputed at most every ten minutes, once for
every reader: it reads every item of the assessment."""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from accountability.selectors import default_year, scorecard, visible_unit_ids
from cockpit.periodic import AreaViewer
from core.masking import phone_for
from duty.selectors import board_rooms
from emergency import selectors as emergency_selectors
from emergency.towns import visible_towns

RANKING_CACHE_SECONDS = 600
READY_SCORE = 80  # below it a town's line is marked: a fifth of its reserve, freshness or counting is missing


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
    """The towns' assessment of the current year, ranked; each line links to its scorecard.

    The scores and ranks are the same for every reader (each town is ranked among all towns, whoever
    looks), so they are computed once for the whole district and cached; each reader then keeps the towns
    it may see, as `scorecard` does."""
    year = default_year(timezone.localdate())
    allowed = visible_unit_ids(user, "town")
    rows = [row for row in _district_ranking(year) if allowed is None or row["unit_id"] in allowed]
    return {"year": year, "rows": rows[:limit]}


def _district_ranking(year: int) -> list[dict]:
    key = f"cockpit:ranking:{year}:{get_language()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    _card, lines = scorecard(AreaViewer(None), year=year, kind="town")
    rows = [
        {
            "unit_id": line.unit_id,
            "name": getattr(line.unit, "display_name", str(line.unit)),
            "score": float(line.score),
            "rank": line.rank,
            "vetoed": line.vetoed,
            "url": f"/accountability/assessment/town/{line.unit_id}/?year={year}",
        }
        for line in sorted(lines, key=lambda line: line.rank)
    ]
    cache.set(key, rows, RANKING_CACHE_SECONDS)
    return rows


def readiness(user) -> list[dict]:
    """Each town the user follows with its preparedness readiness score (out of 100), weakest first; each
    line opens the town's preparedness page, where every point of the score is explained. A score is the
    same whoever reads it, so it is computed once per town for every reader and kept ten minutes."""
    rows = [dict(_town_readiness(town), name=town.display_name) for town in visible_towns(user)]
    return sorted(rows, key=lambda row: (row["score"], row["name"]))


def _town_readiness(town) -> dict:
    key = f"cockpit:readiness:{town.pk}:{timezone.localdate().isoformat()}"
    row = cache.get(key)
    if row is None:
        score = float(emergency_selectors.readiness(town).score)
        row = {"score": score, "url": f"/emergency/?town={town.pk}", "weak": score < READY_SCORE}
        cache.set(key, row, RANKING_CACHE_SECONDS)
    return row
