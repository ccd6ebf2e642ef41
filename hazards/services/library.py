"""District settings of the hazard module: the major-hazard criteria library (R-HAZ-9) and the default
deadlines (R-HAZ-6). District administrators only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import diff, record
from core.errors import InvalidInput
from core.forms import clean
from core.workflow import edit, record_created
from hazards.forms import CriterionSourceForm
from hazards.models import CriterionSource, DeadlinePolicy, MajorHazardCriterion, local_today
from hazards.policy import POLICY
from hazards.services.common import a_date, raise_if, required_text
from registry.models import Sector


def _district_admin(actor) -> None:
    POLICY.require(actor, "edit_library", _("Only district administrators edit these settings."))


CRITERION_FIELDS = (
    "sector_id",
    "item",
    "text",
    "source",
    "source_document_id",
    "scope",
    "article",
    "clause",
    "verified",
    "note",
    "is_active",
)


def _provenance(criterion, given: dict, errors: dict) -> dict:
    unknown = set(given) - {"source_document", "scope", "article", "clause", "verified", "note"}
    if unknown:
        raise TypeError(f"Unknown criterion fields: {sorted(unknown)}")
    out = {
        "source_document": criterion.source_document if criterion else None,
        "scope": criterion.scope if criterion else "",
        "article": criterion.article if criterion else "",
        "clause": criterion.clause if criterion else "",
        "verified": criterion.verified if criterion else False,
        "note": criterion.note if criterion else "",
    }
    for name in ("scope", "article", "clause", "note"):
        if name in given:
            out[name] = (given[name] or "").strip()
    limits = {"scope": 200, "article": 40, "clause": 20, "note": 300}
    for name, limit in limits.items():
        if len(out[name]) > limit:
            errors[name] = [_("At most %(n)d characters.") % {"n": limit}]
    if "verified" in given:
        out["verified"] = bool(given["verified"])
    if "source_document" in given:
        document = given["source_document"]
        if document not in (None, "") and not isinstance(document, CriterionSource):
            document = CriterionSource.objects.filter(code=document).first()
            if document is None:
                errors["source_document"] = [_("Choose a source edition of the library.")]
        out["source_document"] = document or None
    return out


@transaction.atomic
def save_criterion(
    *,
    actor,
    criterion: MajorHazardCriterion | None = None,
    sector,
    item,
    text,
    source,
    is_active=True,
    **provenance,
) -> MajorHazardCriterion:
    """Create or edit one item of the library. `provenance` carries `source_document`, `scope`, `article`,
    `clause`, `verified` and `note`; left out, they keep their value. R-HAZ-9: only an item whose wording
    was checked against the source (`verified`) may be active."""
    _district_admin(actor)
    errors: dict = {}
    extra = _provenance(criterion, provenance, errors)
    if is_active and not extra["verified"]:
        errors["is_active"] = [
            _("Check the wording against the source and mark it verified before activating it.")
        ]
    if not (source or "").strip() and extra["source_document"] is not None:
        source = extra["source_document"].citation
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
        before = {f: getattr(criterion, f) for f in CRITERION_FIELDS}
    criterion.sector = sector_obj
    criterion.item = item[:20]
    criterion.text = text
    criterion.source = source[:200]
    criterion.is_active = bool(is_active)
    for name, value in extra.items():
        setattr(criterion, name, value)
    criterion.save()
    after = {f: getattr(criterion, f) for f in CRITERION_FIELDS}
    record(
        criterion,
        "hazards.criterion.updated" if before else "hazards.criterion.created",
        actor=actor,
        data=diff(before, after),
    )
    return criterion


@transaction.atomic
def save_source(*, actor, data, source: CriterionSource | None = None, version=None) -> CriterionSource:
    """Add an edition of a criteria document, or correct one (on the version the editor read). Its code
    names it in the library's workbook, so it does not change: a new edition is a new row (R-HAZ-9)."""
    _district_admin(actor)
    cleaned = clean(CriterionSourceForm, data)
    same_code = CriterionSource.objects.filter(code=cleaned["code"])
    if source is None and same_code.exists():
        raise InvalidInput.field("code", _("A source edition with this code exists already."))
    if source is not None and cleaned["code"] != source.code:
        raise InvalidInput.field(
            "code", _("The code of an edition does not change; add a new edition instead.")
        )
    if source is None:
        source = CriterionSource.objects.create(**cleaned)
        record_created(source, "hazards.criterionsource", actor=actor, data={"code": source.code})
        return source
    changes = {k: v for k, v in cleaned.items() if k != "code"}
    edit(source, "hazards.criterionsource.updated", actor=actor, version=version, changes=changes)
    return source


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
