"""Hazard counters kept in step with the loop (issue 7): `HazardTally` rows per town, sector, level, state,
on-time and late flags and, for rectifying hazards, deadline.

`common.write()` moves a hazard from its old key to its new one and `report_hazard` adds it, inside the
transition's own transaction, so the counters are exactly as committed as the rows. The statistics read
them instead of counting hazards, and the API list takes its total from them when the filter allows
(scope by town or sector; filters on state, town, sector, level, open); everything else counts rows.
Overdue depends on today's date: it is the rectifying hazards whose deadline (`due`) is before today
plus the submissions that came late. So that rectifying rows do not pile up one per past deadline,
`compact()` (a periodic job) folds the deadlines already passed into one `TALLY_PASSED` row per group;
a later move off such a hazard lands as a negative row under its own deadline, which is still before
today, so every sum stays exact. `rebuild()` recomputes everything from the rows (bulk loads, a repair).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import connection, transaction
from django.db.models import BooleanField, Case, DateField, F, Q, Sum, Value, When
from django.db.models import Count as CountRows

from core.jobs import periodic_job
from core.scoping import scope_of, scope_q
from hazards.choices import OPEN_STATES, Level, State
from hazards.models import TALLY_NO_DUE, TALLY_PASSED, Hazard, HazardTally, local_today

Key = tuple[int, str, str, str, bool, bool, dt.date]
COLUMNS = ("town_id", "sector", "level", "state", "on_time", "late", "due")
RECTIFIED = (State.ACCEPTED, State.CLOSED)


def on_time(hazard) -> bool:
    return bool(hazard.submitted_on and hazard.deadline and hazard.submitted_on <= hazard.deadline)


def late(hazard) -> bool:
    return bool(hazard.submitted_on and hazard.deadline and hazard.submitted_on > hazard.deadline)


def due(hazard) -> dt.date:
    return hazard.deadline if hazard.state == State.RECTIFYING and hazard.deadline else TALLY_NO_DUE


def key_of(hazard) -> Key:
    return (
        hazard.town_id,
        hazard.sector_id,
        hazard.level,
        hazard.state,
        on_time(hazard),
        late(hazard),
        due(hazard),
    )


def added(hazard) -> None:
    _apply([(key_of(hazard), 1)])


def moved(before: Key, hazard) -> None:
    after = key_of(hazard)
    if after != before:
        _apply([(before, -1), (after, 1)])


def _apply(deltas: list[tuple[Key, int]]) -> None:
    # One upsert per key, always in key order: two transitions touching the same two rows lock them in
    # the same order and cannot deadlock.
    table = HazardTally._meta.db_table
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    placeholders = ", ".join(["%s"] * (len(COLUMNS) + 1))
    sql = (
        f'INSERT INTO "{table}" ({columns}, "n") VALUES ({placeholders}) '
        f'ON CONFLICT ({columns}) DO UPDATE SET "n" = "{table}"."n" + excluded."n"'
    )
    with connection.cursor() as cursor:
        for key, delta in sorted(deltas):
            cursor.execute(sql, [*key, delta])


@transaction.atomic
def rebuild() -> int:
    """Recompute every counter from the hazards (idempotent)."""
    HazardTally.objects.all().delete()
    both = Q(submitted_on__isnull=False, deadline__isnull=False)
    rows = (
        Hazard.objects.order_by()
        .annotate(
            punctual=Case(
                When(both & Q(submitted_on__lte=F("deadline")), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            tardy=Case(
                When(both & Q(submitted_on__gt=F("deadline")), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            due_on=Case(
                When(state=State.RECTIFYING, deadline__isnull=False, then=F("deadline")),
                default=Value(TALLY_NO_DUE),
                output_field=DateField(),
            ),
        )
        .values("town_id", "sector_id", "level", "state", "punctual", "tardy", "due_on")
        .annotate(n=CountRows("id"))
    )
    tallies = [
        HazardTally(
            town_id=r["town_id"],
            sector=r["sector_id"],
            level=r["level"],
            state=r["state"],
            on_time=r["punctual"],
            late=r["tardy"],
            due=r["due_on"],
            n=r["n"],
        )
        for r in rows
    ]
    HazardTally.objects.bulk_create(tallies, batch_size=1000)
    return len(tallies)


def _scoped(user):
    """The tallies the user may see, or None when the scope cannot be said in towns and sectors alone.

    A tally row holds hazards of one town and one sector, so a scope of towns or sectors, or of both (a
    hazard in one of the towns or in one of the sectors, `scope_q`'s union), selects whole rows: the sum
    is exact. An enterprise's own scope is not a town or a sector."""
    scope = scope_of(user)
    if scope.is_empty:
        return HazardTally.objects.none()
    if scope.enterprise_ids:
        return None
    q = scope_q(scope, town="town_id", sector="sector", enterprise=None)
    qs = HazardTally.objects.all()
    return qs if q is None else qs.filter(q)


LIST_PARAMS = {"state", "town", "sector", "level", "open", "overdue", "page", "page_size", "format"}


def overdue_tallies(today: dt.date) -> Q:
    """R-HAZ-6 overdue (HazardQuerySet.overdue_q) said of tallies: rectifying past the deadline, or submitted
    late. Each tally row holds hazards of one state, due date and late flag, so the rule splits them exactly."""
    return Q(state=State.RECTIFYING, due__lt=today, due__gt=TALLY_NO_DUE) | Q(
        state=State.SUBMITTED, late=True
    )


def list_count(user, params) -> int | None:
    """The total of the API list for these (already validated) query parameters, from the tallies; None
    when the filter needs a real count."""
    if set(params) - LIST_PARAMS:
        return None
    qs = _scoped(user)
    if qs is None:
        return None
    states = [s for s in params.getlist("state") if s]
    if states:
        qs = qs.filter(state__in=states)
    if params.get("open") == "true":
        qs = qs.filter(state__in=OPEN_STATES)
    elif params.get("open") == "false":
        qs = qs.exclude(state__in=OPEN_STATES)
    if params.get("town"):
        qs = qs.filter(town_id=params["town"])
    if params.get("sector"):
        qs = qs.filter(sector=params["sector"])
    if params.get("level"):
        qs = qs.filter(level=params["level"])
    if params.get("overdue") == "true":
        qs = qs.filter(overdue_tallies(local_today()))
    elif params.get("overdue") == "false":
        qs = qs.exclude(overdue_tallies(local_today()))
    return qs.aggregate(total=Sum("n"))["total"] or 0


def grouped(user, field: str, *, now=None) -> dict | None:
    """The statistics per `town_id` or `sector_id`: found, open, rectified, overdue, major_open, on_time."""
    qs = _scoped(user)
    if qs is None:
        return None
    tally_field = "town_id" if field == "town_id" else "sector"
    today = local_today(now)
    rows = (
        qs.order_by()
        .values(tally_field)
        .annotate(
            found=Sum("n", filter=~Q(state=State.CANCELLED), default=0),
            open=Sum("n", filter=Q(state__in=OPEN_STATES), default=0),
            rectified=Sum("n", filter=Q(state__in=RECTIFIED), default=0),
            major_open=Sum("n", filter=Q(state__in=OPEN_STATES, level=Level.MAJOR), default=0),
            on_time=Sum("n", filter=Q(state__in=RECTIFIED, on_time=True), default=0),
            overdue=Sum("n", filter=overdue_tallies(today), default=0),
            total=Sum("n", default=0),
        )
    )
    # A group appears when it holds any hazard at all, as with a count over the rows.
    return {r[tally_field]: r for r in rows if r["total"] > 0}


def by(user, field: str, *, overdue: bool, now=None) -> dict | None:
    """Hazards per `state`, `town_id` or `sector` (overdue ones, or open ones) from the counters; None when
    the scope needs the rows. The home page's chart, whose bars link to the lists these numbers count."""
    qs = _scoped(user)
    if qs is None:
        return None
    qs = qs.filter(overdue_tallies(local_today(now))) if overdue else qs.filter(state__in=OPEN_STATES)
    rows = qs.order_by().values(field).annotate(total=Sum("n"))
    return {row[field]: row["total"] for row in rows if row["total"]}


def summary(user, *, now=None) -> dict | None:
    """The home page's counts (open, overdue, due within `days`, major open) from the counters."""
    from hazards.selectors import DUE_SOON_DAYS

    qs = _scoped(user)
    if qs is None:
        return None
    today = local_today(now)
    return qs.aggregate(
        open=Sum("n", filter=Q(state__in=OPEN_STATES), default=0),
        overdue=Sum(
            "n",
            filter=Q(state=State.RECTIFYING, due__lt=today, due__gt=TALLY_NO_DUE)
            | Q(state=State.SUBMITTED, late=True),
            default=0,
        ),
        due_soon=Sum(
            "n",
            filter=Q(
                state=State.RECTIFYING, due__gte=today, due__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
            ),
            default=0,
        ),
        major_open=Sum("n", filter=Q(state__in=OPEN_STATES, level=Level.MAJOR), default=0),
    )


@periodic_job("hazards.compact_tally", every=dt.timedelta(hours=6))
@transaction.atomic
def compact(now=None) -> dict:
    """Fold the rectifying rows whose deadline has passed into one `TALLY_PASSED` row per group.

    Idempotent. The rows are locked first, so a transition moving one of them waits and then writes a
    fresh row: nothing is lost between the read and the delete.
    """
    today = local_today(now)
    rows = list(
        HazardTally.objects.select_for_update()
        .filter(state=State.RECTIFYING, due__gt=TALLY_PASSED, due__lt=today)
        .order_by("pk")
    )
    merged: Counter = Counter()
    for row in rows:
        merged[(row.town_id, row.sector, row.level, row.state, row.on_time, row.late, TALLY_PASSED)] += row.n
    HazardTally.objects.filter(pk__in=[row.pk for row in rows]).delete()
    _apply([(key, n) for key, n in merged.items() if n])
    return {"folded": len(rows)}
