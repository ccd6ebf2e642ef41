"""Scoped reads of hazards: the gate, home-panel lists, statistics (everything starts at visible_to)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Count, F, Q

from core.choices import Role
from core.scoping import get_visible_or_404, scope_of
from hazards import rollup
from hazards.choices import OPEN_STATES, Level, State
from hazards.models import Hazard, local_today
from hazards.rules import TRANSITIONS, may
from registry.models import Department, Jurisdiction, Sector

DUE_SOON_DAYS = 7


def get_hazard_for_user(user, pk, *, for_write: bool = False) -> Hazard:
    """The gate: a hazard in the user's scope, or 404. `for_write` locks the row for the transition."""
    qs = Hazard.objects.for_list()
    if for_write:
        qs = qs.select_for_update(of=("self",))
    return get_visible_or_404(qs, user, pk=pk)


def needing_action(user, *, limit: int = 8) -> list[Hazard]:
    """Open hazards in scope whose next step this user may take (the home page's "my hazards")."""
    roles = user.role_codes
    states = {
        state
        for action in ("assign", "submit", "accept", "close")
        if roles & TRANSITIONS[action].roles
        for state in TRANSITIONS[action].sources
    }
    if not states:
        return []
    qs = (
        Hazard.objects.visible_to(user)
        .for_list()
        # Literal codes: the open-by-deadline partial indexes serve it (the open states are implied).
        .filter(state__states=states)
        .filter(state__states=OPEN_STATES)
        .order_by("deadline", "reported_at", "id")
    )
    if Role.ENTERPRISE_USER in roles and len(roles) == 1:
        qs = qs.filter(state__in=[State.REPORTED, State.RECTIFYING])
    result = []
    for hazard in first_by_deadline(qs, user, limit * 4):
        action = {
            State.REPORTED: "assign",
            State.RECTIFYING: "submit",
            State.SUBMITTED: "accept",
            State.ACCEPTED: "close",
        }[hazard.state]
        if may(user, action, hazard):
            result.append(hazard)
        if len(result) >= limit:
            break
    return result


def first_by_deadline(qs, user, limit: int) -> list[Hazard]:
    """The first `limit` hazards of `qs` in its (deadline, reported_at, id) order.

    For a scope of several towns or sectors (a department officer's sectors), each one is read apart and
    the parts merged: each part walks its partial index in deadline order and stops after `limit` rows,
    where one query would have the database sort every open hazard of the whole scope (seconds at a
    million hazards). The parts cover the scope exactly, so the result is the same.
    """
    scope = scope_of(user)
    parts = [("town_id", t) for t in sorted(scope.town_ids)]
    parts += [("sector_id", s) for s in sorted(scope.sector_codes)]
    if scope.district or scope.enterprise_ids or len(parts) < 2:
        return list(qs[:limit])
    found: dict[int, Hazard] = {}
    for field, value in parts:
        for hazard in qs.filter(**{field: value})[:limit]:
            found[hazard.pk] = hazard
    nulls_last = connection.features.nulls_order_largest  # how the database orders a missing deadline

    def key(h: Hazard):
        missing = h.deadline is None
        return (missing if nulls_last else not missing, h.deadline or dt.date.min, h.reported_at, h.pk)

    return sorted(found.values(), key=key)[:limit]


def due_soon(user, *, now: dt.datetime | None = None, limit: int = 8):
    return (
        Hazard.objects.visible_to(user)
        .due_within(DUE_SOON_DAYS, now)
        .for_list()
        .order_by("deadline", "id")[:limit]
    )


def overdue(user, *, now: dt.datetime | None = None, limit: int = 8):
    return Hazard.objects.visible_to(user).overdue(now).for_list().order_by("deadline", "id")[:limit]


def counts(user, *, now: dt.datetime | None = None) -> dict:
    # From the counters kept in step with the loop when the scope allows (issue 7); listed hazards are
    # few and have their own partial index.
    fast = rollup.summary(user, now=now)
    if fast is None:
        return counts_of(Hazard.objects.visible_to(user), now=now)
    fast["listed"] = Hazard.objects.visible_to(user).filter(listed=True).open().count()
    return fast


def counts_of(qs, *, now: dt.datetime | None = None) -> dict:
    today = local_today(now)
    return qs.aggregate(
        open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Hazard.objects.overdue_q(now)),
        due_soon=Count(
            "id",
            filter=Q(
                state=State.RECTIFYING,
                deadline__gte=today,
                deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
            ),
        ),
        major_open=Count("id", filter=Q(state__in=OPEN_STATES, level=Level.MAJOR)),
        listed=Count("id", filter=Q(state__in=OPEN_STATES, listed=True)),
    )


def _aggregates(now) -> dict:
    rectified = Q(state__in=[State.ACCEPTED, State.CLOSED])
    return {
        "found": Count("id", filter=~Q(state=State.CANCELLED)),
        "open": Count("id", filter=Q(state__in=OPEN_STATES)),
        "rectified": Count("id", filter=rectified),
        "overdue": Count("id", filter=Hazard.objects.overdue_q(now)),
        "major_open": Count("id", filter=Q(state__in=OPEN_STATES, level=Level.MAJOR)),
        "on_time": Count("id", filter=rectified & Q(submitted_on__lte=F("deadline"))),
    }


def _row(key, name, values: dict) -> dict:
    found, rectified = values["found"], values["rectified"]
    return {
        "key": key,
        "name": name,
        "found": found,
        "open": values["open"],
        "rectified": rectified,
        "overdue": values["overdue"],
        "major_open": values["major_open"],
        "rectification_rate": round(rectified / found, 4) if found else 0.0,
        "on_time_rate": round(values["on_time"] / rectified, 4) if rectified else 0.0,
    }


def hazard_stats(
    user,
    group_by: str,
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[dict]:
    """Found, open, rectified, overdue, major open and the two rates per town, sector or department
    (API.md), over the hazards the user can see, registered in the period when one is given."""
    qs = Hazard.objects.visible_to(user)
    if date_from:
        qs = qs.filter(reported_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(reported_at__date__lte=date_to)
    field = "town_id" if group_by == "town" else "sector_id"
    # The counters kept in step with the loop answer without counting rows (issue 7); a period or a
    # scope they cannot express counts the rows.
    grouped = None if (date_from or date_to) else rollup.grouped(user, field, now=now)
    if grouped is None:
        grouped = {row[field]: row for row in qs.values(field).annotate(**_aggregates(now)).order_by(field)}
    if group_by == "town":
        towns = Jurisdiction.objects.filter(pk__in=grouped).order_by("code")
        return [_row(t.pk, t.display_name, grouped[t.pk]) for t in towns]
    if group_by == "sector":
        sectors = Sector.objects.filter(pk__in=grouped)
        return [_row(s.pk, s.display_name, grouped[s.pk]) for s in sectors]
    rows = []
    keys = ("found", "open", "rectified", "overdue", "major_open", "on_time")
    for department in (
        Department.objects.filter(is_active=True, sectors__in=list(grouped))
        .distinct()
        .prefetch_related("sectors")
    ):
        totals = dict.fromkeys(keys, 0)
        for sector in department.sectors.all():
            for key in keys:
                totals[key] += grouped.get(sector.pk, {}).get(key, 0)
        rows.append(_row(department.pk, department.display_name, totals))
    return rows
