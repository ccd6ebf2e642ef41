"""Scoped reads that shape pages and the API: stock, shortfalls, the readiness score, plans and drills due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import calendar
from emergency import rules
from emergency.choices import PlanVersionState, StocktakeState, TeamKind, WarehouseLevel
from emergency.models import (
    Drill,
    Movement,
    Plan,
    RescueTeam,
    ReserveNorm,
    StockBatch,
    Stocktake,
    SupplyItem,
    Warehouse,
    last_drill_of,
)

# The readiness score's three parts (points): coverage of the norms, fresh stock, the monthly count.
COVERAGE_POINTS = Decimal(60)
FRESH_POINTS = Decimal(20)
COUNT_POINTS = Decimal(20)


def _round(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def stock_rows(user, *, warehouse=None, item=None):
    """API.md: rows {warehouse, item, quantity} summed over the batches the user sees."""
    qs = StockBatch.objects.visible_to(user)
    if warehouse:
        qs = qs.filter(warehouse_id=warehouse)
    if item:
        qs = qs.filter(item_id=item)
    return qs.values("warehouse", "item").annotate(quantity=Sum("quantity")).order_by("warehouse", "item")


def town_stock(town_id: int, *, today: dt.date) -> dict[int, int]:
    """Usable (unexpired) stock per item in the town's own reserves (town-level warehouses)."""
    return towns_stock([town_id], today=today).get(town_id, {})


def towns_stock(town_ids, *, today: dt.date) -> dict[int, dict[int, int]]:
    """`town_stock` of several towns in one query: {town: {item: quantity}}."""
    rows = (
        StockBatch.objects.filter(
            warehouse__town_id__in=town_ids, warehouse__level=WarehouseLevel.TOWN, warehouse__is_active=True
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values("warehouse__town_id", "item")
        .annotate(total=Sum("quantity"))
    )
    stock: dict[int, dict[int, int]] = {}
    for row in rows:
        stock.setdefault(row["warehouse__town_id"], {})[row["item"]] = row["total"] or 0
    return stock


def town_norms(town_id: int) -> dict[int, int]:
    """The town's norms: the district's own figures, else SL 298-2004 defaults carried by the catalogue."""
    return towns_norms([town_id])[town_id]


def towns_norms(town_ids) -> dict[int, dict[int, int]]:
    """`town_norms` of several towns in two queries: {town: {item: norm}}."""
    defaults = {item.pk: item.default_norm for item in SupplyItem.objects.filter(default_norm__gt=0)}
    norms = {town_id: dict(defaults) for town_id in town_ids}
    for norm in ReserveNorm.objects.filter(town_id__in=town_ids, warehouse__isnull=True):
        norms[norm.town_id][norm.item_id] = norm.quantity
    return {town_id: {k: v for k, v in own.items() if v > 0} for town_id, own in norms.items()}


def shortfall(norm: int, quantity: int) -> int:
    return max(norm - quantity, 0)


def warehouse_norms(town_id: int) -> list[ReserveNorm]:
    """The norms the district set for single warehouses of the town (active ones), with their warehouse."""
    return towns_warehouse_norms([town_id]).get(town_id, [])


def towns_warehouse_norms(town_ids) -> dict[int, list[ReserveNorm]]:
    """`warehouse_norms` of several towns in one query: {town: [norm, …]}."""
    norms: dict[int, list[ReserveNorm]] = {}
    rows = (
        ReserveNorm.objects.filter(town_id__in=town_ids, warehouse__isnull=False, warehouse__is_active=True)
        .select_related("warehouse")
        .order_by("warehouse__name", "item_id")
    )
    for norm in rows:
        norms.setdefault(norm.town_id, []).append(norm)
    return norms


def warehouse_stock(warehouse_ids, *, today: dt.date) -> dict[tuple[int, int], int]:
    """Usable (unexpired) stock per (warehouse, item) of the given warehouses."""
    rows = (
        StockBatch.objects.filter(warehouse_id__in=warehouse_ids)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values("warehouse", "item")
        .annotate(total=Sum("quantity"))
    )
    return {(row["warehouse"], row["item"]): row["total"] or 0 for row in rows}


def _row(town, item, norm: int, quantity: int, warehouse=None) -> dict:
    return {
        "town": town,
        "warehouse": warehouse,
        "warehouse_id": warehouse.pk if warehouse else None,
        "item": item,
        "norm": norm,
        "quantity": quantity,
        "shortfall": shortfall(norm, quantity),
    }


def shortfalls(towns, *, today: dt.date | None = None, only_short: bool = False) -> list[dict]:
    """One row per town norm (the town's own reserves together) and one per warehouse norm (that warehouse
    alone): a town can meet its norm in total while a warehouse the district set a norm for is short.
    Read for all the towns at once: the same few queries for one town or the whole district."""
    today = today or timezone.localdate()
    towns = list(towns)
    ids = [town.pk for town in towns]
    items = {item.pk: item for item in SupplyItem.objects.all()}
    stock, norms = towns_stock(ids, today=today), towns_norms(ids)
    kept = towns_warehouse_norms(ids)
    held = warehouse_stock({n.warehouse_id for town_norms in kept.values() for n in town_norms}, today=today)
    rows = []
    for town in towns:
        own = stock.get(town.pk, {})
        for item_id, norm in sorted(norms[town.pk].items()):
            rows.append(_row(town, items[item_id], norm, own.get(item_id, 0)))
        for n in kept.get(town.pk, []):
            quantity = held.get((n.warehouse_id, n.item_id), 0)
            rows.append(_row(town, items[n.item_id], n.quantity, quantity, n.warehouse))
    return [r for r in rows if r["shortfall"]] if only_short else rows


def procurement_need(rows) -> list[dict]:
    """The rows that say what a town lacks in all: its town rows, and a warehouse row only for an item the
    town has no norm of its own for (otherwise the town row already counts the warehouse's units)."""
    town_items = {(r["town"].pk, r["item"].pk) for r in rows if r["warehouse"] is None}
    return [r for r in rows if r["warehouse"] is None or (r["town"].pk, r["item"].pk) not in town_items]


def _ratio(quantity: int, norm: int) -> Decimal:
    return min(Decimal(quantity) / Decimal(norm), Decimal(1))


@dataclass
class Readiness:
    town: object
    score: Decimal
    lines: list = field(default_factory=list)  # (label, points, max points, explanation)


def readiness(town, *, today: dt.date | None = None) -> Readiness:
    """The town's score out of 100, each point explained; the lines add up to the score exactly.

    Coverage (60): the mean of min(stock / norm, 1) over the town's normed items (its town reserves
    together) and the warehouse norms the district set (that warehouse's stock alone). Fresh stock (20): the share of the
    town's stock not expiring within 30 days. Count (20): the share of the town's warehouses counted within
    the stocktaking period (R-EMG-5)."""
    today = today or timezone.localdate()
    stock = town_stock(town.pk, today=today)
    norms = town_norms(town.pk)
    ratios = [_ratio(stock.get(i, 0), n) for i, n in norms.items()]
    short_items = sum(1 for i, n in norms.items() if stock.get(i, 0) < n)
    # A warehouse's own norm is one more normed line, read against that warehouse's stock alone.
    kept = [n for n in warehouse_norms(town.pk) if n.quantity > 0]
    held = warehouse_stock({n.warehouse_id for n in kept}, today=today)
    ratios += [_ratio(held.get((n.warehouse_id, n.item_id), 0), n.quantity) for n in kept]
    short_kept = sum(1 for n in kept if held.get((n.warehouse_id, n.item_id), 0) < n.quantity)
    coverage = _round(COVERAGE_POINTS * (sum(ratios) / len(ratios))) if ratios else COVERAGE_POINTS

    batches = StockBatch.objects.filter(
        warehouse__town_id=town.pk,
        warehouse__level=WarehouseLevel.TOWN,
        warehouse__is_active=True,
        quantity__gt=0,
    )
    total = batches.aggregate(n=Sum("quantity"))["n"] or 0
    soon = today + dt.timedelta(days=max(rules.expiry_alert_days()))
    stale = (
        batches.filter(expires_on__isnull=False, expires_on__lte=soon).aggregate(n=Sum("quantity"))["n"] or 0
    )
    fresh = _round(FRESH_POINTS * Decimal(total - stale) / Decimal(total)) if total else FRESH_POINTS

    warehouses = list(Warehouse.objects.filter(town_id=town.pk, level=WarehouseLevel.TOWN, is_active=True))
    since = today - dt.timedelta(days=rules.stocktake_days())
    counted = {
        s.warehouse_id
        for s in Stocktake.objects.filter(
            warehouse__in=warehouses, state=StocktakeState.CONFIRMED, confirmed_on__gte=since
        )
    }
    count = (
        _round(COUNT_POINTS * Decimal(len(counted)) / Decimal(len(warehouses))) if warehouses else Decimal(0)
    )

    lines = [
        (
            _("Reserves against the norms"),
            coverage,
            COVERAGE_POINTS,
            _(
                "mean coverage of %(lines)s norms: %(short)s of %(items)s town norms and %(kept_short)s of "
                "%(kept)s warehouse norms below the norm"
            )
            % {
                "lines": len(ratios),
                "short": short_items,
                "items": len(norms),
                "kept_short": short_kept,
                "kept": len(kept),
            },
        ),
        (
            _("Stock not near expiry"),
            fresh,
            FRESH_POINTS,
            _("%(stale)s of %(total)s units expire within %(days)s days")
            % {"stale": stale, "total": total, "days": max(rules.expiry_alert_days())},
        ),
        (
            _("Monthly count"),
            count,
            COUNT_POINTS,
            _("%(counted)s of %(all)s warehouses counted in the last %(days)s days")
            % {"counted": len(counted), "all": len(warehouses), "days": rules.stocktake_days()},
        ),
    ]
    return Readiness(town=town, score=sum((line[1] for line in lines), Decimal(0)), lines=lines)


def expiring(user, *, today: dt.date | None = None, days: int = 30):
    today = today or timezone.localdate()
    return (
        StockBatch.objects.visible_to(user)
        .filter(quantity__gt=0, expires_on__isnull=False, expires_on__lte=today + dt.timedelta(days=days))
        .select_related("warehouse", "item")
        .order_by("expires_on")
    )


@dataclass
class PlanStatus:
    plan: Plan
    current: object
    filing_due: dt.date | None
    filing_overdue: bool
    check_due: dt.date | None
    check_overdue: bool
    review_due: dt.date | None
    review_overdue: bool
    last_drill: dt.date | None
    next_drill_due: dt.date | None
    drill_overdue: bool

    @property
    def behind(self) -> bool:
        return self.filing_overdue or self.check_overdue or self.review_overdue or self.drill_overdue


UNREAD = object()  # the plan's last drill not read yet (None: read, and the plan has never been drilled)


def plan_status(plan: Plan, *, today: dt.date | None = None, last_drill=UNREAD) -> PlanStatus:
    today = today or timezone.localdate()
    current = plan.current()
    published_on = current.published_on if current else None
    if last_drill is UNREAD:
        last_drill = Drill.objects.exercising(plan).aggregate(last=Max("held_on"))["last"]
    review_since = plan.last_evaluated_on or published_on
    review = rules.review_due(review_since) if review_since else None
    drill_due = rules.drill_due(plan, last_drill, published_on)
    filing_due = current.filing_due if current and current.state == PlanVersionState.PUBLISHED else None
    check_due = current.check_due if current and current.state == PlanVersionState.FILED else None
    return PlanStatus(
        plan=plan,
        current=current,
        filing_due=filing_due,
        filing_overdue=bool(filing_due and filing_due < today),
        check_due=check_due,
        check_overdue=bool(check_due and check_due < today),
        review_due=review,
        review_overdue=bool(review and review < today) or plan.needs_revision,
        last_drill=last_drill,
        next_drill_due=drill_due,
        drill_overdue=bool(drill_due and drill_due < today),
    )


def plan_statuses(plans, *, today: dt.date | None = None) -> list[PlanStatus]:
    plans = list(
        plans.select_related("owner_enterprise", "owner_department", "owner_town", "town")
        .prefetch_related("versions", "owner_enterprise__sectors")
        .annotate(last_drill=last_drill_of(OuterRef("pk")))
    )
    with calendar.remembered():
        return [plan_status(p, today=today, last_drill=p.last_drill) for p in plans]


def compliance(user, *, today: dt.date | None = None) -> dict:
    """Who is behind, by town and by sector: plans with drills or reviews overdue."""
    by_town: dict[str, dict] = {}
    by_sector: dict[str, dict] = {}
    for status in plan_statuses(Plan.objects.visible_to(user), today=today):
        plan = status.plan
        town = str(plan.town.name) if plan.town else _("District")
        # Rows keyed by the sector's code, each with the name the page shows.
        sectors = (
            [(s.code, str(s)) for s in plan.owner_enterprise.sectors.all()]
            if plan.owner_enterprise
            else [("government", _("Government plans"))]
        )
        for bucket, key, name in [(by_town, town, town)] + [(by_sector, c, n) for c, n in sectors]:
            row = bucket.setdefault(key, {"name": name, "plans": 0, "drills_behind": 0, "reviews_behind": 0})
            row["plans"] += 1
            row["drills_behind"] += int(status.drill_overdue)
            row["reviews_behind"] += int(status.review_overdue)
    return {"by_town": by_town, "by_sector": by_sector}


def team_flags(teams, *, today: dt.date | None = None) -> list[tuple[RescueTeam, list[str]]]:
    """Each team with what keeps it below its norm: R-EMG-6 for micro fire stations (from the member
    records) and, for every team, certificates that have expired. Prefetch `people` for a list."""
    today = today or timezone.localdate()
    rows = []
    for team in teams:
        people = list(team.people.all())
        flags = rules.micro_fire_shortcomings(team, people) if team.kind == TeamKind.MICRO_FIRE else []
        expired = sum(1 for p in people if rules.certificate_state(p.certificate_expires, today) == "expired")
        if expired:
            flags.append(
                ngettext("%(n)s certificate expired", "%(n)s certificates expired", expired) % {"n": expired}
            )
        rows.append((team, flags))
    return rows


def expiring_certificates(teams, *, today: dt.date | None = None) -> dict[int, int]:
    """Per team id, how many certificates expire within the warning period (not yet expired)."""
    today = today or timezone.localdate()
    return {
        team.pk: sum(
            1
            for p in team.people.all()
            if rules.certificate_state(p.certificate_expires, today) == "expiring"
        )
        for team in teams
    }


def drills_of(user):
    return Drill.objects.visible_to(user).select_related("plan").order_by("-held_on")


def movement_events(user, movements) -> list[tuple[Movement, list[tuple[str, str]]]]:
    """Each movement with the events it was issued for, as links, only those the viewer may see (the
    keeper may have linked an accident or report beyond the viewer's scope)."""
    from accidents.models import Accident
    from duty.models import InfoReport

    accidents = Accident.objects.visible_to(user).filter(pk__in={m.accident_id for m in movements})
    reports = InfoReport.objects.visible_to(user).filter(pk__in={m.info_report_id for m in movements})
    seen = {("accident", a.pk): (str(a), reverse("accidents:detail", args=[a.pk])) for a in accidents}
    seen |= {("report", r.pk): (str(r), r.get_absolute_url()) for r in reports}
    return [
        (m, [seen[k] for k in (("accident", m.accident_id), ("report", m.info_report_id)) if k in seen])
        for m in movements
    ]
