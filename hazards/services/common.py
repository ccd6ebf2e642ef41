"""Pieces every hazard service shares: the input of an action, notices, the risk refresh."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.workflow import Step
from hazards import rollup
from hazards.choices import Level, State
from hazards.models import DeadlinePolicy, Hazard
from hazards.rules import FLOW, counters_moved
from notifications.recipients import resolve
from notifications.services import notify

# R-HAZ-6 (setting): used when no DeadlinePolicy row exists; the data migration ships the same values.
# They are the district's defaults: order 16 sets no number of days.
DEFAULT_DEADLINE_DAYS = {Level.GENERAL: 15, Level.MAJOR: 90}


def deadline_days(level: str) -> int:
    policy = DeadlinePolicy.objects.filter(level=level).first()
    return policy.days if policy else DEFAULT_DEADLINE_DAYS[level]


def write(hazard: Hazard, action: str, *, version: int, changes: dict) -> str:
    """The workflow's conditional UPDATE … WHERE version = v AND state = s, for one hazard.

    Services perform through `FLOW.perform`; this is the same write on its own (the race tests use it)."""
    step = Step(FLOW, FLOW[action], hazard, None, {}, hazard.state, changes=dict(changes))
    step.before = rollup.key_of(hazard)
    FLOW.write(step, version)
    counters_moved(step)
    return step.from_state


def given(data, **fields) -> dict:
    """The input of an action: the data a page or the API sent, or the keyword values a caller named.

    Keywords left at None are not sent, so the form's own default (or its "required") applies."""
    if data is not None:
        return dict(data)
    return {k: v for k, v in fields.items() if v is not None}


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


def required_text(errors: dict, field: str, value, message=None) -> str:
    text = (value or "").strip() if isinstance(value, str) else ""
    if not text:
        errors.setdefault(field, []).append(message or _("This field is required."))
    return text


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
