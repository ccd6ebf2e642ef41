"""Pieces every hazard service shares: the role/state/version gate, the conditional update, notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.errors import Conflict, InvalidInput, NotAllowed
from core.scoping import scope_of
from hazards import rollup
from hazards.choices import Level, State
from hazards.models import DeadlinePolicy, Hazard
from hazards.rules import TRANSITIONS, may, state_allows
from notifications.recipients import resolve
from notifications.services import notify

# R-HAZ-6 (setting): used when no DeadlinePolicy row exists; the data migration ships the same values.
# They are the district's defaults: order 16 sets no number of days.
DEFAULT_DEADLINE_DAYS = {Level.GENERAL: 15, Level.MAJOR: 90}


def deadline_days(level: str) -> int:
    policy = DeadlinePolicy.objects.filter(level=level).first()
    return policy.days if policy else DEFAULT_DEADLINE_DAYS[level]


def check(hazard: Hazard, action: str, *, actor, version) -> None:
    """API.md order after visibility: role (403), then state and version (409).

    Callers gate visibility (404) first; the scope is checked here again so that no caller can act on a
    hazard outside the actor's jurisdiction (found by the workflow state machine in security_tests).
    """
    out_of_scope = not in_scope(
        actor, town_id=hazard.town_id, sector_code=hazard.sector_id, enterprise_id=hazard.enterprise_id
    )
    if out_of_scope or not may(actor, action, hazard):
        raise NotAllowed(_("Your role may not do this on this hazard."))
    if not state_allows(action, hazard.state):
        raise Conflict(
            _("This is not possible while the hazard is “%(state)s”; reload the page.")
            % {"state": hazard.get_state_display()}
        )
    if version is None or int(version) != hazard.version:
        raise Conflict()


def write(hazard: Hazard, action: str, *, version: int, changes: dict) -> str:
    """The conditional UPDATE … WHERE version = v AND state = s: of two racing writers only one wins."""
    old_state = hazard.state
    before = rollup.key_of(hazard)
    target = TRANSITIONS[action].target or old_state
    updated = Hazard.objects.filter(pk=hazard.pk, version=version, state=old_state).update(
        state=target, version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise Conflict()
    hazard.refresh_from_db()
    rollup.moved(before, hazard)  # the statistics' counters, in the same transaction (issue 7)
    return old_state


def audit(hazard: Hazard, verb: str, *, actor, from_state: str, data: dict | None = None) -> None:
    record(
        hazard,
        f"hazards.hazard.{verb}",
        actor=actor,
        data={"from_state": from_state, "to_state": hazard.state, **(data or {})},
    )


def tell(
    hazard: Hazard, audiences, *, actor, kind: str, title: str, body: str = "", users=(), dedup_key=None
):
    recipients = {
        u.pk: u
        for u in resolve(
            audiences,
            town_id=hazard.town_id,
            sector_codes=[hazard.sector_id],
            enterprise_id=hazard.enterprise_id,
        )
    }
    for user in users:
        if user is not None and user.is_active:
            recipients[user.pk] = user
    if actor is not None:
        recipients.pop(actor.pk, None)
    return notify(
        recipients=recipients.values(),
        kind=kind,
        title=title,
        body=body,
        url=hazard.get_absolute_url(),
        target=hazard,
        dedup_key=dedup_key,
    )


def refresh_risk(hazard: Hazard) -> None:
    """R-RISK-6: a hazard on a risk point, or a major hazard, changes the enterprise's risk picture."""
    if hazard.risk_point_id or hazard.level == Level.MAJOR:
        from risk.services import refresh_enterprise_risk

        refresh_enterprise_risk(enterprise_id=hazard.enterprise_id)


def in_scope(actor, *, town_id, sector_code, enterprise_id) -> bool:
    scope = scope_of(actor)
    return (
        scope.district
        or town_id in scope.town_ids
        or sector_code in scope.sector_codes
        or enterprise_id in scope.enterprise_ids
    )


def required_text(errors: dict, field: str, value, message=None) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors.setdefault(field, []).append(message or _("This field is required."))
    return text


def money(errors: dict, field: str, value, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter an amount in yuan."))
        return None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        errors.setdefault(field, []).append(_("Enter an amount of zero or more yuan."))
        return None
    return amount.quantize(Decimal("0.01"))


def a_date(errors: dict, field: str, value, *, required: bool) -> dt.date | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def raise_if(errors: dict) -> None:
    if errors:
        raise InvalidInput(errors=errors)


def is_major(hazard: Hazard) -> bool:
    return hazard.level == Level.MAJOR


def running(hazard: Hazard) -> bool:
    return hazard.state in (State.RECTIFYING, State.SUBMITTED)
