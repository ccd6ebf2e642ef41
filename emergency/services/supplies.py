"""Supplies: warehouses, stock movements by batch, monthly stocktaking, reserve norms (R-EMG-5, R-EMG-8).

Stock never goes negative, also when two people issue the last units at once: every decrease is one
conditional UPDATE (`quantity = quantity - n WHERE quantity >= n`); the loser gets 409 and its whole
movement is rolled back, and a CHECK constraint refuses a negative quantity underneath.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Conflict, InvalidInput
from core.workflow import Transition, Workflow, edit, record_created
from emergency.choices import MovementKind, StocktakeState, WarehouseLevel
from emergency.forms import MovementForm, NormForm, NormQuantityForm, NoteForm, WarehouseForm
from emergency.models import (
    Movement,
    MovementLine,
    ReserveNorm,
    StockBatch,
    Stocktake,
    StocktakeLine,
    Warehouse,
)
from emergency.policy import POLICY
from emergency.services.common import audit, require_reach, validate


def _today() -> dt.date:
    return timezone.localdate()


# --- Warehouses ------------------------------------------------------------------------------------


def create_warehouse(*, actor, data) -> Warehouse:
    POLICY.require(actor, "keep_records")
    cleaned = validate(WarehouseForm, data, actor=actor)
    level = cleaned["level"]
    enterprise = cleaned.get("enterprise") if level == WarehouseLevel.ENTERPRISE else None
    town = enterprise.town if enterprise else (cleaned.get("town") if level == WarehouseLevel.TOWN else None)
    if level == WarehouseLevel.DISTRICT:
        POLICY.require(actor, "bureau")
    elif enterprise is not None:
        require_reach(actor, "enterprise", enterprise=enterprise)
    else:
        require_reach(actor, "town", town_id=town.pk)
    with transaction.atomic():
        warehouse = Warehouse.objects.create(
            name=cleaned["name"],
            level=level,
            town=town,
            enterprise=enterprise,
            location=cleaned.get("location") or "",
            lat=cleaned.get("lat"),
            lng=cleaned.get("lng"),
            keeper=cleaned.get("keeper") or "",
            phone=cleaned.get("phone") or "",
        )
        audit(warehouse, "emergency.warehouse.created", actor=actor, data={"level": level})
    return warehouse


# --- Movements -------------------------------------------------------------------------------------


def _candidates(warehouse, item, batch):
    """The batches an issue draws from: the named one, or first-expiring-first-out."""
    if batch is not None:
        return [StockBatch.objects.get(pk=batch.pk)]
    qs = StockBatch.objects.filter(warehouse=warehouse, item=item, quantity__gt=0)
    # Batches without an expiry date go last.
    return sorted(qs, key=lambda b: (b.expires_on is None, b.expires_on or dt.date.max, b.pk))


def _plan_draw(batches, quantity: int, *, today, confirm_expired: bool) -> list[tuple[StockBatch, int]]:
    fresh = [b for b in batches if not b.is_expired(today)]
    expired = [b for b in batches if b.is_expired(today)]
    pool = fresh + (expired if confirm_expired else [])
    available = sum(b.quantity for b in batches)
    if available < quantity:
        raise Conflict(_("Only %(available)s in stock; nothing was changed.") % {"available": available})
    if sum(b.quantity for b in pool) < quantity:
        raise InvalidInput.field(
            "confirm_expired",
            _("This issue needs expired stock (expired batches: %(batches)s); confirm to issue it.")
            % {"batches": ", ".join(b.batch_no or str(b.pk) for b in expired)},
        )
    draw, left = [], quantity
    for batch in pool:
        if not left:
            break
        take = min(batch.quantity, left)
        if take:
            draw.append((batch, take))
            left -= take
    return draw


def _decrease(batch: StockBatch, take: int) -> None:
    """The conditional UPDATE: of two issues of the last units exactly one changes the row."""
    try:
        matched = StockBatch.objects.filter(pk=batch.pk, quantity__gte=take).update(
            quantity=F("quantity") - take
        )
    except IntegrityError:  # the CHECK constraint, should a path ever skip the condition
        matched = 0
    if matched != 1:
        raise Conflict(_("The stock changed meanwhile and is not enough; nothing was changed."))


def record_movement(*, actor, data) -> Movement:
    """One movement (in, out, transfer, return) with its reason and person (R-EMG-5)."""
    POLICY.require(actor, "keep_records")
    cleaned = validate(MovementForm, data, actor=actor)
    kind, warehouse, item = cleaned["kind"], cleaned["warehouse"], cleaned["item"]
    quantity, today = cleaned["quantity"], _today()
    target = cleaned.get("to_warehouse") if kind == MovementKind.TRANSFER else None
    expires_on = cleaned.get("expires_on")
    if kind in (MovementKind.IN, MovementKind.RETURN) and expires_on is None and item.shelf_life_days:
        expires_on = today + dt.timedelta(days=item.shelf_life_days)
    with transaction.atomic():
        movement = Movement.objects.create(
            kind=kind,
            warehouse=warehouse,
            to_warehouse=target,
            item=item,
            quantity=quantity,
            reason=cleaned["reason"],
            person=actor,
            accident=cleaned.get("accident"),
            info_report=cleaned.get("info_report"),
            expired_confirmed=bool(cleaned.get("confirm_expired")),
        )
        lines = []
        if kind in (MovementKind.IN, MovementKind.RETURN):
            batch = cleaned.get("batch")
            if batch is not None:
                StockBatch.objects.filter(pk=batch.pk).update(quantity=F("quantity") + quantity)
            else:
                batch = StockBatch.objects.create(
                    warehouse=warehouse,
                    item=item,
                    batch_no=cleaned.get("batch_no") or "",
                    quantity=quantity,
                    received_on=today,
                    expires_on=expires_on,
                )
            lines.append(MovementLine(movement=movement, batch=batch, delta=quantity))
        else:
            batches = _candidates(warehouse, item, cleaned.get("batch"))
            draw = _plan_draw(
                batches, quantity, today=today, confirm_expired=bool(cleaned.get("confirm_expired"))
            )
            for batch, take in draw:
                _decrease(batch, take)
                lines.append(MovementLine(movement=movement, batch=batch, delta=-take))
                if target is not None:
                    arrived = StockBatch.objects.create(
                        warehouse=target,
                        item=item,
                        batch_no=batch.batch_no,
                        quantity=take,
                        received_on=today,
                        expires_on=batch.expires_on,
                    )
                    lines.append(MovementLine(movement=movement, batch=arrived, delta=take))
        MovementLine.objects.bulk_create(lines)
        audit(
            movement,
            f"emergency.movement.{kind}",
            actor=actor,
            data={
                "warehouse": warehouse.pk,
                "to_warehouse": target.pk if target else None,
                "item": item.code,
                "quantity": quantity,
                "reason": cleaned["reason"],
                "batches": [(line.batch_id, line.delta) for line in lines],
            },
        )
    return movement


# --- Stocktaking (R-EMG-5) ---------------------------------------------------------------------------


def start_stocktake(*, actor, warehouse, month: dt.date | None = None) -> Stocktake:
    """Open this month's count of a warehouse: one line per batch with its book quantity."""
    POLICY.require(actor, "keep_records")
    require_reach(actor, "warehouse", town_id=warehouse.town_id, enterprise=warehouse.enterprise)
    month = (month or _today()).replace(day=1)
    with transaction.atomic():
        if Stocktake.objects.filter(warehouse=warehouse, month=month).exists():
            raise Conflict(_("This month's count of the warehouse is already open or done."))
        stocktake = Stocktake.objects.create(warehouse=warehouse, month=month, counted_by=actor)
        batches = StockBatch.objects.filter(warehouse=warehouse, quantity__gt=0)
        StocktakeLine.objects.bulk_create(
            StocktakeLine(stocktake=stocktake, batch=b, expected=b.quantity, counted=b.quantity)
            for b in batches
        )
        record_created(stocktake, "emergency.stocktake", actor=actor, data={"month": month.isoformat()})
    return stocktake


def record_counts(stocktake: Stocktake, *, actor, counts: dict) -> Stocktake:
    """`counts`: {line id: {"counted": n, "explanation": "…"}}; a difference needs its explanation."""
    POLICY.require(actor, "keep_records")
    if stocktake.state != StocktakeState.DRAFT:
        raise Conflict()
    lines = {line.pk: line for line in stocktake.lines.all()}
    errors: dict = {}
    for key, values in counts.items():
        line = lines.get(int(key))
        if line is None:
            continue
        try:
            counted = int(values.get("counted"))
        except (TypeError, ValueError):
            counted = -1
        if counted < 0:
            errors[f"line-{line.pk}"] = [_("Enter the counted quantity (0 or more).")]
            continue
        explanation = (values.get("explanation") or "").strip()[:200]
        if counted != line.expected and not explanation:
            errors[f"line-{line.pk}"] = [_("Explain the difference between the book and the count.")]
            continue
        line.counted, line.explanation = counted, explanation
    if errors:
        raise InvalidInput(errors=errors)
    with transaction.atomic():
        StocktakeLine.objects.bulk_update(lines.values(), ["counted", "explanation"])
        audit(stocktake, "emergency.stocktake.counted", actor=actor, data={"lines": len(counts)})
    return stocktake


def _apply_count(step) -> None:
    """The book follows the count; a batch that moved while counting is a conflict (count it again)."""
    stocktake = step.obj
    differences = []
    for line in stocktake.lines.select_related("batch"):
        if line.counted != line.expected and not line.explanation:
            raise InvalidInput.field(
                f"line-{line.pk}", _("Explain the difference between the book and the count.")
            )
        if line.counted == line.expected:
            continue
        matched = StockBatch.objects.filter(pk=line.batch_id, quantity=line.expected).update(
            quantity=line.counted
        )
        if matched != 1:
            raise Conflict(_("Stock moved while it was counted; count this batch again."))
        differences.append((line, line.counted - line.expected))
    for line, delta in differences:
        movement = Movement.objects.create(
            kind=MovementKind.COUNT,
            warehouse=stocktake.warehouse,
            item=line.batch.item,
            quantity=abs(delta),
            reason=line.explanation,
            person=step.actor,
        )
        MovementLine.objects.create(movement=movement, batch=line.batch, delta=delta)
    step.changes["confirmed_on"] = _today()
    step.audit_data["differences"] = [(line.batch_id, delta, line.explanation) for line, delta in differences]


STOCKTAKE_FLOW = Workflow(
    model=Stocktake,
    name="emergency.stocktake",
    page_url_name="emergency:stocktake_transition",
    transitions=[
        Transition(
            "confirm",
            sources=(StocktakeState.DRAFT,),
            target=StocktakeState.CONFIRMED,
            roles=POLICY.roles("keep_records"),
            label=gettext_lazy("Confirm the count"),
            form=NoteForm,
        ),
    ],
)


def confirm_stocktake(stocktake, *, actor, version, data=None) -> Stocktake:
    return STOCKTAKE_FLOW.perform(
        stocktake, "confirm", actor=actor, version=version, data=data, prepare=_apply_count
    )


# --- Norms -----------------------------------------------------------------------------------------


def set_norm(*, actor, data) -> ReserveNorm:
    """The district sets a town's (or a warehouse's) reserve norm for an item; setting it again replaces it."""
    POLICY.require(actor, "set_norms")
    cleaned = validate(NormForm, data, actor=actor)
    town, warehouse, item = cleaned["town"], cleaned.get("warehouse"), cleaned["item"]
    quantity = cleaned["quantity"]
    with transaction.atomic():
        norm, _created = ReserveNorm.objects.update_or_create(
            town=town, warehouse=warehouse, item=item, defaults={"quantity": quantity}
        )
        audit(norm, "emergency.norm.set", actor=actor, data={"item": item.code, "quantity": quantity})
    return norm


def change_norm(norm: ReserveNorm, *, actor, version, data) -> ReserveNorm:
    """A new figure for an existing norm (town, warehouse and item stay)."""
    POLICY.require(actor, "set_norms")
    quantity = validate(NormQuantityForm, data)["quantity"]
    with transaction.atomic():
        edit(
            norm,
            "emergency.norm.changed",
            actor=actor,
            version=version,
            changes={"quantity": quantity},
        )
    return norm
