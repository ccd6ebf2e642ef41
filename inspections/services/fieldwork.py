"""Field inspections: start (or resume) a draft, save item by item, photos, finish, failed items → hazards."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from audit.services import record
from core.errors import Conflict, InvalidInput, NotAllowed
from inspections import rules
from inspections.choices import (
    CampaignKind,
    HazardCategory,
    HazardLevel,
    Outcome,
    Result,
)
from inspections.documents import next_serial
from inspections.models import ChecklistTemplate, Inspection, InspectionTask, ItemResult
from inspections.policy import POLICY
from inspections.services.common import add_error, raise_if, safe_id
from registry.models import Enterprise

OFFLINE_START_WINDOW = dt.timedelta(hours=24)
CLOCK_SKEW = dt.timedelta(minutes=5)

PHOTO_PURPOSE = "inspection"
MAX_TEXT = 2000


def _current_version(template: ChecklistTemplate) -> ChecklistTemplate:
    return ChecklistTemplate.objects.filter(family=template.family, is_current=True).first() or template


def items_to_answer(template: ChecklistTemplate) -> list:
    """The items an inspection started now would hold (the checklist's current version), in number order."""
    return list(_current_version(template).items.select_related("criterion").order_by("number"))


def start_inspection(
    *,
    actor,
    task: InspectionTask | None = None,
    enterprise: Enterprise | None = None,
    template: ChecklistTemplate | None = None,
    version=None,
    started_at=None,
) -> Inspection:
    """Open the task's inspection: the draft in progress is resumed, never duplicated. Starting a task is
    TASK_FLOW's "start" with the task's version (API.md names none: the one the caller read). `started_at`:
    when the inspector pressed start without signal (the start is sent when the signal returns)."""
    POLICY.require(actor, "inspect", _("Your role may not inspect."))
    if task is None:
        return _start_unplanned(actor, enterprise, template)
    existing = Inspection.objects.filter(task=task).first()
    if existing is not None:
        return existing
    started_at = _offline_start(started_at)
    try:
        return _start_task(actor, task, rules.known_version(task, version), started_at)
    except Conflict:
        # Two inspectors opened the task at once: the loser of the task's conditional UPDATE resumes the
        # winner's draft.
        existing = Inspection.objects.filter(task=task).first()
        if existing is None:
            raise
        return existing


@transaction.atomic
def _start_unplanned(actor, enterprise: Enterprise | None, template: ChecklistTemplate | None) -> Inspection:
    errors: dict = {}
    if enterprise is None or not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        add_error(errors, "enterprise", _("Choose an enterprise in your area."))
    if template is None:
        add_error(errors, "template", _("Choose a checklist."))
    raise_if(errors)
    return _open_draft(actor, None, enterprise, template)


def _offline_start(value) -> dt.datetime | None:
    """The moment an inspection was started without signal: within the day's work the phone keeps (24 hours)
    and not ahead of the server's clock (a phone a few minutes fast is taken as now)."""
    if value in (None, ""):
        return None
    try:
        moment = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    except ValueError:  # well formed but not a date (month 13)
        moment = None
    now = timezone.now()
    if (
        moment is None
        or timezone.is_naive(moment)
        or not (now - OFFLINE_START_WINDOW <= moment <= now + CLOCK_SKEW)
    ):
        raise InvalidInput(errors={"started_at": [_("The start time must be within the last 24 hours.")]})
    return min(moment, now)


def _start_task(actor, task: InspectionTask, version, started_at=None) -> Inspection:
    def after(step):
        step.result = _open_draft(actor, step.obj, step.obj.enterprise, step.obj.template, started_at)
        step.audit_data["inspection"] = step.result.pk

    return rules.TASK_FLOW.perform(task, "start", actor=actor, version=version, after=after)


def _open_draft(
    actor, task, enterprise: Enterprise, template: ChecklistTemplate, started_at=None
) -> Inspection:
    """The draft with one pending result per item of the checklist's current version."""
    version = _current_version(template)
    inspection = Inspection.objects.create(
        started_at=started_at or timezone.now(),
        task=task,
        enterprise=enterprise,
        town_id=enterprise.town_id,
        template=version,
        inspector=actor,
        place=(enterprise.address or "")[:200],
    )
    ItemResult.objects.bulk_create(
        ItemResult(inspection=inspection, item=item) for item in version.items.all()
    )
    record(
        inspection,
        "inspections.inspection.started",
        actor=actor,
        data={"task": getattr(task, "pk", None), "template": version.pk, "version": version.version},
    )
    return inspection


class AnswerChanged(Conflict):
    """409: the answer changed on the server after the client read it; `current` is the server's answer,
    which the inspector keeps or overrides (never overwritten silently)."""

    def __init__(self, current: ItemResult):
        self.current = current
        super().__init__(_("Someone else changed this answer meanwhile: keep yours or take theirs."))

    def as_dict(self) -> dict:
        row = self.current
        return {
            "detail": str(self.message),
            "current": {"result": row.result, "note": row.note, "updated_at": row.updated_at.isoformat()},
        }


def _read_time(based_on) -> dt.datetime:
    if isinstance(based_on, dt.datetime):
        return based_on
    try:
        read = dt.datetime.fromisoformat(str(based_on).strip())
    except ValueError:
        raise InvalidInput.field("based_on", _("Send the time of the answer you read.")) from None
    return read if timezone.is_aware(read) else timezone.make_aware(read, dt.UTC)


def _check_unchanged(row: ItemResult, based_on, result: str, note: str) -> None:
    """An answer captured offline carries the `updated_at` it was based on: when the server's answer has
    changed since (and differs from this one), saving it would overwrite someone's work unseen. Without
    `based_on` (older clients) the last save wins, as before."""
    if based_on in (None, "") or (row.result, row.note) == (result, note):
        return
    if _read_time(based_on) != row.updated_at:
        raise AnswerChanged(row)


def _draft_version(inspection: Inspection, version):
    """The version an answer or the details are written under. A client that sends the version it read has
    it compared (stale: 409). Without one — API.md names none, and the page's autosave and the offline
    queue send none — it is the current one, read under the inspection's row lock: two inspectors answering
    different items at once are no conflict, so their saves queue on the row instead of refusing each
    other; the conditional UPDATE still refuses a draft finished meanwhile."""
    if version not in (None, ""):
        return version
    Inspection.objects.select_for_update().filter(pk=inspection.pk).values_list("pk", flat=True).first()
    inspection.refresh_from_db()
    return inspection.version


def _check_draft_writer(actor, inspection: Inspection) -> None:
    """A photo belongs to an answer: the answer's role, scope, guard and state (403, 409), nothing written."""
    rules.INSPECTION_FLOW.check(inspection, "answer", actor=actor, version=inspection.version)


@transaction.atomic
def save_item_result(
    *, actor, inspection: Inspection, item_id: int, result: str, note: str = "", based_on=None, version=None
) -> ItemResult:
    """The autosave of one item (HTMX on the phone, offline queue, or the API): a draft survives a lost
    connection; a conflicting change made meanwhile is refused with AnswerChanged (409). Recorded on the
    draft (INSPECTION_FLOW "answer"), so a finish based on an older reading is refused."""

    def prepare(step):
        errors: dict = {}
        if result not in Result.values:
            add_error(errors, "result", _("Choose pass, fail or not applicable."))
        text = (note or "").strip()
        if len(text) > MAX_TEXT:
            add_error(errors, "note", _("The note is too long."))
        raise_if(errors)
        # The item's row lock keeps two saves of the same answer from both passing `_check_unchanged`.
        row = (
            ItemResult.objects.select_for_update()
            .filter(inspection=inspection, item_id=safe_id(item_id))
            .first()
        )
        if row is None:
            raise InvalidInput.field("item", _("This item is not on the inspection's checklist."))
        _check_unchanged(row, based_on, result, text)
        if row.hazard_id and result != Result.FAIL:
            raise Conflict(_("A hazard was already registered for this item; it stays failed."))
        ItemResult.objects.filter(pk=row.pk).update(result=result, note=text, updated_at=timezone.now())
        row.refresh_from_db()
        step.audit_data.update(item=row.item_id, result=result)
        step.result = row

    return rules.INSPECTION_FLOW.perform(
        inspection, "answer", actor=actor, version=_draft_version(inspection, version), prepare=prepare
    )


@transaction.atomic
def update_inspection_details(
    *,
    actor,
    inspection: Inspection,
    place: str = "",
    people_present: str = "",
    co_inspectors: str = "",
    summary: str = "",
    rectification_days=None,
    version=None,
) -> Inspection:
    """Place, people, summary and the rectification period of a draft (INSPECTION_FLOW "update_details")."""

    def prepare(step):
        changes = _clean_details(place, people_present, co_inspectors, summary, rectification_days)
        step.changes.update(changes)
        step.audit_data["fields"] = sorted(changes)

    return rules.INSPECTION_FLOW.perform(
        inspection,
        "update_details",
        actor=actor,
        version=_draft_version(inspection, version),
        prepare=prepare,
    )


def _clean_details(place, people_present, co_inspectors, summary, rectification_days) -> dict:
    errors: dict = {}
    changes = {
        "place": (place or "").strip(),
        "people_present": (people_present or "").strip(),
        "co_inspectors": (co_inspectors or "").strip(),
        "summary": (summary or "").strip(),
    }
    limits = {"place": 200, "people_present": 300, "co_inspectors": 200, "summary": MAX_TEXT}
    for field, limit in limits.items():
        if len(changes[field]) > limit:
            add_error(errors, field, _("Too long (at most %(n)d characters).") % {"n": limit})
    if rectification_days not in (None, ""):
        try:
            days = int(rectification_days)
            if not 1 <= days <= 365:
                raise ValueError
            changes["rectification_days"] = days
        except (TypeError, ValueError):
            add_error(errors, "rectification_days", _("Enter a number of days between 1 and 365."))
    raise_if(errors)
    return changes


@transaction.atomic
def add_item_photo(*, actor, inspection: Inspection, item_id: int, upload, lat=None, lng=None, taken_at=None):
    """Photos go through the shared attachments store, linked to the item result."""
    from attachments.services import link_attachments, store_attachment

    _check_draft_writer(actor, inspection)
    row = ItemResult.objects.filter(inspection=inspection, item_id=safe_id(item_id)).first()
    if row is None:
        raise InvalidInput.field("item", _("This item is not on the inspection's checklist."))
    attachment = store_attachment(actor=actor, upload=upload, lat=lat, lng=lng, taken_at=taken_at)
    if not attachment.is_image:
        raise InvalidInput.field("file", _("Only JPEG or PNG photos are accepted here."))
    link_attachments(actor=actor, attachments=[attachment], owner=row, purpose=PHOTO_PURPOSE)
    record(
        inspection,
        "inspections.inspection.photo_added",
        actor=actor,
        data={"item": item_id, "attachment": attachment.pk},
    )
    return attachment


def hazard_source(inspection: Inspection) -> str:
    from hazards.choices import Source

    campaign = inspection.task.campaign if inspection.task_id else None
    if campaign is None:
        return Source.GOVERNMENT_INSPECTION
    if campaign.kind == CampaignKind.FOLLOWUP:
        return Source.ACCIDENT_FOLLOWUP
    return Source.CAMPAIGN


def key_criterion(item):
    """R-INSP-5: the criterion a failed item registers a major hazard under — its linked criterion while
    that is in force; None for every other item (a general hazard)."""
    if item.criterion_id is None:
        return None
    criterion = item.criterion
    return criterion if criterion.is_active else None


def item_prefill(item) -> dict:
    """What a failed item puts into its hazard before its note and place are known: the finish page, and
    the field page's finish without signal, offer these for the inspector to confirm."""
    criterion = key_criterion(item)
    return {
        "title": (_("Not met: %(requirement)s") % {"requirement": item.requirement.rstrip("。.")})[:200],
        "category": item.category,
        "level": HazardLevel.MAJOR if criterion else HazardLevel.GENERAL,
        "criterion": criterion,
        "legal_basis": item.legal_basis,
    }


def hazard_prefill(result: ItemResult) -> dict:
    """What a failed item puts into its hazard: category, level, legal basis, the note, the place."""
    return {
        **item_prefill(result.item),
        "description": result.note or result.item.requirement,
        "location": result.inspection.place,
    }


def _copy_photos(result: ItemResult, hazard, actor) -> None:
    """The item's photos become the hazard's "before" evidence (same stored files, new links)."""
    from attachments.models import Attachment

    now = timezone.now()
    for photo in Attachment.objects.for_owner(result, PHOTO_PURPOSE):
        Attachment.objects.create(
            file=photo.file.name,
            name=photo.name,
            size=photo.size,
            content_type=photo.content_type,
            sha256=photo.sha256,
            uploaded_at=photo.uploaded_at,
            uploaded_by=photo.uploaded_by,
            lat=photo.lat,
            lng=photo.lng,
            taken_at=photo.taken_at,
            owner_type=hazard._meta.label_lower,
            owner_id=hazard.pk,
            purpose="before",
            linked_at=now,
        )


@transaction.atomic
def confirm_item_hazard(*, actor, result: ItemResult, overrides: dict | None = None):
    """A failed item becomes exactly one hazard in the loop (idempotent: the item keeps the hazard id)."""
    from hazards.models import Hazard
    from hazards.services import report_hazard

    POLICY.require(actor, "inspect", _("Your role may not register hazards."))
    row = (
        # Lock only the item result: PostgreSQL cannot lock the nullable side of the outer join.
        ItemResult.objects.select_for_update(of=("self",))
        .select_related("item__criterion", "inspection__task__campaign")
        .get(pk=result.pk)
    )
    if row.hazard_id:
        existing = Hazard.objects.filter(pk=row.hazard_id).first()
        if existing is not None:
            return existing
    if row.result != Result.FAIL:
        raise Conflict(_("Only a failed item becomes a hazard."))
    data = hazard_prefill(row)
    errors: dict = {}
    for field, value in (overrides or {}).items():
        if field in ("title", "description", "location") and value not in (None, ""):
            data[field] = str(value).strip()
    category = (overrides or {}).get("category") or data["category"]
    level = (overrides or {}).get("level") or data["level"]
    if category not in HazardCategory.values:
        add_error(errors, "category", _("Choose a category."))
    if level not in HazardLevel.values:
        add_error(errors, "level", _("Choose a level."))
    criterion = data["criterion"]
    if level == HazardLevel.MAJOR and criterion is None:
        # R-INSP-5: a major hazard rests on a criterion; the hazard page lets an officer cite one later.
        add_error(
            errors, "level", _("Only an item linked to a major-hazard criterion registers a major hazard.")
        )
    if not data["title"]:
        add_error(errors, "title", _("This field is required."))
    raise_if(errors)
    inspection = row.inspection
    if not Enterprise.objects.visible_to(actor).filter(pk=inspection.enterprise_id).exists():
        # The hazard loop registers findings of enterprises in the registrar's own area only.
        raise NotAllowed(
            _("This enterprise is outside your area: a town or department officer confirms its hazards.")
        )
    sector = inspection.template.sector_id
    if sector and not inspection.enterprise.sectors.filter(pk=sector).exists():
        sector = None
    hazard = report_hazard(
        actor=actor,
        enterprise=inspection.enterprise,
        title=data["title"][:200],
        category=category,
        level=level,
        source=hazard_source(inspection),
        sector=sector,
        description=data["description"],
        location=data["location"],
        discovered_at=row.updated_at,
        discoverer=actor.display_name,
        legal_basis=data["legal_basis"],
        criterion=criterion if level == HazardLevel.MAJOR else None,
        origin_type="inspections.itemresult",
        origin_id=row.pk,
    )
    _copy_photos(row, hazard, actor)
    ItemResult.objects.filter(pk=row.pk).update(hazard_id=hazard.pk)
    record(
        inspection,
        "inspections.inspection.hazard_registered",
        actor=actor,
        data={"item": row.item_id, "hazard": hazard.pk},
    )
    return hazard


def finish_inspection(
    *,
    actor,
    inspection: Inspection,
    version,
    not_operating: bool = False,
    hazards: dict | None = None,
    seen: dict | None = None,
) -> Inspection:
    """Finish: every item answered; each failed item is registered as a hazard (the inspector's
    confirmed values in `hazards[result_id]`, the item's prefill otherwise); record numbers issued.
    `seen` ({item_id: result}) is what a finish confirmed without signal was based on: its own queued
    answers have moved the version since, so the answers themselves must still be the ones confirmed."""
    to_register: list = []  # the failed rows, read in `prepare`, registered as hazards in `after`

    def prepare(step):
        results = list(step.obj.results.select_related("item__criterion").order_by("item__number"))
        _check_seen(results, seen)
        _check_finishable(step.obj, results, not_operating)
        failed = [r for r in results if r.result == Result.FAIL]
        outcome = (
            Outcome.NOT_OPERATING
            if not_operating
            else Outcome.PROBLEMS_FOUND
            if failed
            else Outcome.COMPLIANT
        )
        # R-HAZ-13: the inspector's department issues both documents when it numbers in its own series.
        record_serial, department = next_serial("record", actor=actor)
        step.changes.update(
            outcome=outcome,
            finished_at=timezone.now(),
            record_serial=record_serial,
            issuing_department=department,
        )
        if outcome == Outcome.PROBLEMS_FOUND:
            step.changes["order_serial"] = next_serial("order", actor=actor)[0]
        step.audit_data.update(outcome=outcome, failed=len(failed))
        to_register.extend([] if not_operating else failed)

    def after(step):
        overrides = hazards or {}
        step.audit_data["hazards"] = [
            confirm_item_hazard(actor=actor, result=row, overrides=overrides.get(row.pk)).pk
            for row in to_register
        ]
        if step.obj.task_id:
            # The task is done with its inspection: its own transition, its version as read here.
            task = InspectionTask.objects.get(pk=step.obj.task_id)
            rules.TASK_FLOW.perform(task, "complete", actor=actor, version=task.version)

    if version is None and seen:
        version = inspection.version  # the answers seen, checked in `prepare`, stand in for the version
    return rules.INSPECTION_FLOW.perform(
        inspection, "finish", actor=actor, version=version, prepare=prepare, after=after
    )


def _check_seen(results: list, seen: dict | None) -> None:
    """A finish confirmed without signal stands only on the answers the inspector saw when confirming."""
    if seen is None:
        return
    changed = [r.item.number for r in results if seen.get(r.item_id, Result.PENDING) != r.result]
    if changed:
        raise Conflict(
            _(
                "The answers on the server differ from the ones confirmed without signal (items "
                "%(numbers)s): check them and finish again."
            )
            % {"numbers": "、".join(map(str, changed))}
        )


def _check_finishable(inspection: Inspection, results: list, not_operating: bool) -> None:
    """Every item answered and the place recorded, unless the enterprise was not operating."""
    if not_operating:
        return
    errors: dict = {}
    pending = [r.item.number for r in results if r.result == Result.PENDING]
    if pending:
        add_error(
            errors,
            "items",
            _("Answer every item first (still open: %(numbers)s).")
            % {"numbers": "、".join(map(str, pending))},
        )
    if not inspection.place:
        add_error(errors, "place", _("Record the place inspected."))
    raise_if(errors)
