"""District settings of the hazard module: the major-hazard criteria library (R-HAZ-9) and the default
deadlines (R-HAZ-6). District administrators only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import diff, record
from core.choices import Role
from core.errors import InvalidInput, NotAllowed
from hazards.models import DeadlinePolicy, MajorHazardCriterion, local_today
from hazards.services.common import a_date, raise_if, required_text
from registry.models import Sector


def _district_admin(actor) -> None:
    if Role.DISTRICT_ADMIN not in actor.role_codes:
        raise NotAllowed(_("Only district administrators edit these settings."))


@transaction.atomic
def save_criterion(
    *, actor, criterion: MajorHazardCriterion | None = None, sector, item, text, source, is_active=True
) -> MajorHazardCriterion:
    _district_admin(actor)
    errors: dict = {}
    item = required_text(errors, "item", item)
    text = required_text(errors, "text", text)
    source = required_text(errors, "source", source)
    sector_obj = sector if isinstance(sector, Sector) else Sector.objects.filter(pk=sector).first()
    if sector_obj is None:
        errors["sector"] = [_("Choose a sector.")]
    if sector_obj is not None and item:
        clash = MajorHazardCriterion.objects.filter(sector=sector_obj, item=item)
        if criterion is not None:
            clash = clash.exclude(pk=criterion.pk)
        if clash.exists():
            errors["item"] = [_("This sector already has an item with this number.")]
    raise_if(errors)
    before = {}
    if criterion is None:
        criterion = MajorHazardCriterion()
    else:
        before = {f: getattr(criterion, f) for f in ("sector_id", "item", "text", "source", "is_active")}
    criterion.sector = sector_obj
    criterion.item = item[:20]
    criterion.text = text
    criterion.source = source[:200]
    criterion.is_active = bool(is_active)
    criterion.save()
    after = {f: getattr(criterion, f) for f in ("sector_id", "item", "text", "source", "is_active")}
    record(
        criterion,
        "hazards.criterion.updated" if before else "hazards.criterion.created",
        actor=actor,
        data=diff(before, after),
    )
    return criterion


@transaction.atomic
def set_deadline_policy(*, actor, level: str, days, source: str, effective_from=None) -> DeadlinePolicy:
    _district_admin(actor)
    errors: dict = {}
    source = required_text(errors, "source", source)
    try:
        days_value = int(days)
        if not 1 <= days_value <= 365:
            raise ValueError
    except (TypeError, ValueError):
        errors["days"] = [_("Enter a whole number of days between 1 and 365.")]
        days_value = 0
    effective = a_date(errors, "effective_from", effective_from, required=False) or local_today()
    policy = DeadlinePolicy.objects.filter(level=level).first()
    if policy is None:
        raise InvalidInput.field("level", _("Choose a level."))
    raise_if(errors)
    before = {"days": policy.days, "source": policy.source, "effective_from": policy.effective_from}
    policy.days, policy.source, policy.effective_from, policy.updated_by = (
        days_value,
        source,
        effective,
        actor,
    )
    policy.save()
    record(
        policy,
        "hazards.deadlinepolicy.updated",
        actor=actor,
        data=diff(before, {"days": days_value, "source": source, "effective_from": effective}),
    )
    return policy
