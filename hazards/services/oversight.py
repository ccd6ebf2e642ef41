"""Major-hazard oversight and time: the treatment plan (R-HAZ-4), listed supervision (R-HAZ-8),
monthly progress notes, extensions (R-HAZ-7) and the written explanation of an overdue listed hazard."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.services import link_attachments
from audit.services import record
from core.choices import Role
from core.errors import Conflict, InvalidInput, NotAllowed
from hazards.choices import EvidencePurpose, ExtensionState
from hazards.models import Extension, Hazard, ProgressNote, local_today
from hazards.services import common
from hazards.services.common import a_date, audit, check, raise_if, required_text, tell, write
from notifications.recipients import Audience
from registry.models import Department

# R-HAZ-7 (setting): a listed hazard's extension is asked at least this many working days before.
LISTED_EXTENSION_NOTICE_WORKING_DAYS = 20


@transaction.atomic
def save_treatment_plan(*, actor, hazard: Hazard, version, plan: dict, attachments=()) -> Hazard:
    """R-HAZ-4: the six parts of a major hazard's treatment plan, and its document."""
    check(hazard, "plan", actor=actor, version=version)
    from hazards.services.loop import PLAN_FIELDS

    values = {field: str(plan.get(field) or "").strip() for field in PLAN_FIELDS}
    errors: dict = {}
    for field, value in values.items():
        if not value:
            errors[field] = [_("A major hazard's treatment plan needs this part.")]
    raise_if(errors)
    linked = link_attachments(
        actor=actor, attachments=attachments, owner=hazard, purpose=EvidencePurpose.PLAN
    )
    old = write(hazard, "plan", version=int(version), changes=values)
    audit(hazard, "plan_saved", actor=actor, from_state=old, data={"attachments": [a.pk for a in linked]})
    return hazard


@transaction.atomic
def supervise_hazard(
    *,
    actor,
    hazard: Hazard,
    version,
    authority="",
    due_date=None,
    document_number="",
    supervising_department=None,
) -> Hazard:
    """R-HAZ-8: put a major hazard under listed supervision (挂牌督办)."""
    check(hazard, "supervise", actor=actor, version=version)
    if hazard.listed:
        raise Conflict(_("This hazard is already under listed supervision."))
    errors: dict = {}
    authority = required_text(errors, "authority", authority)
    due = a_date(errors, "due_date", due_date, required=True)
    if due is not None and due < local_today():
        errors["due_date"] = [_("The due date cannot be in the past.")]
    department = _supervising_department(actor, hazard, supervising_department, errors)
    raise_if(errors)
    by_department = Role.DISTRICT_ADMIN not in actor.role_codes
    old = write(
        hazard,
        "supervise",
        version=int(version),
        changes={
            "listed": True,
            "listing_authority": authority[:100],
            "listing_department": actor.department if by_department else None,
            "supervising_department": department,
            "listing_document": (document_number or "").strip()[:60],
            "listing_due_date": due,
            "listed_at": timezone.now(),
            "listed_by": actor,
        },
    )
    audit(
        hazard,
        "supervised",
        actor=actor,
        from_state=old,
        data={
            "authority": authority,
            "due_date": due,
            "document_number": hazard.listing_document,
            "supervising_department": department.pk if department else None,
        },
    )
    tell(
        hazard,
        [Audience.ENTERPRISE, Audience.TOWN, Audience.DEPARTMENT, Audience.DISTRICT],
        actor=actor,
        kind="hazard.supervised",
        title=_("Listed supervision: %(title)s") % {"title": hazard.title},
        body=_("Listed by %(authority)s, due %(date)s") % {"authority": authority, "date": due},
    )
    return hazard


def _supervising_department(actor, hazard: Hazard, chosen, errors: dict) -> Department | None:
    candidates = Department.objects.filter(sectors=hazard.sector_id, is_active=True)
    if chosen not in (None, ""):
        pk = chosen.pk if isinstance(chosen, Department) else chosen
        found = candidates.filter(pk=pk).first() if str(pk).isdigit() else None
        if found is None:
            errors["supervising_department"] = [_("Choose a department that supervises this sector.")]
        return found
    if actor.department_id and candidates.filter(pk=actor.department_id).exists():
        return actor.department
    return candidates.order_by("code").first()


@transaction.atomic
def add_progress_note(*, actor, hazard: Hazard, month=None, text="") -> ProgressNote:
    """R-HAZ-8: the monthly progress of a listed hazard. Notes do not change the hazard's version."""
    check(hazard, "progress", actor=actor, version=hazard.version)
    errors: dict = {}
    if not hazard.listed:
        raise Conflict(_("Progress notes are kept for listed hazards."))
    text = required_text(errors, "text", text)
    month_value = a_date(errors, "month", month, required=False) or local_today()
    if month_value > local_today():
        errors["month"] = [_("The month cannot be in the future.")]
    raise_if(errors)
    note = ProgressNote.objects.create(
        hazard=hazard, month=month_value.replace(day=1), text=text, written_at=timezone.now(), author=actor
    )
    record(hazard, "hazards.hazard.progress_noted", actor=actor, data={"month": note.month, "text": text})
    return note


@transaction.atomic
def explain_delay(*, actor, hazard: Hazard, version, text="") -> Hazard:
    """R-HAZ-8: an overdue listed hazard needs a written explanation."""
    check(hazard, "explain", actor=actor, version=version)
    errors: dict = {}
    text = required_text(errors, "overdue_explanation", text)
    raise_if(errors)
    old = write(hazard, "explain", version=int(version), changes={"overdue_explanation": text})
    audit(hazard, "delay_explained", actor=actor, from_state=old, data={"text": text})
    tell(
        hazard,
        [Audience.TOWN, Audience.DEPARTMENT, Audience.DISTRICT],
        actor=actor,
        kind="hazard.delay_explained",
        title=_("Delay explained: %(title)s") % {"title": hazard.title},
        body=text,
    )
    return hazard


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days (Monday–Friday) after `start` up to and including `end`."""
    days = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


@transaction.atomic
def request_extension(*, actor, hazard: Hazard, version, new_deadline=None, reason="") -> Extension:
    """R-HAZ-7: the responsible side asks for a later deadline, with a reason, before the current one passes."""
    check(hazard, "request_extension", actor=actor, version=version)
    if hazard.extensions.filter(state=ExtensionState.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."))
    errors: dict = {}
    reason = required_text(errors, "reason", reason)
    new = a_date(errors, "new_deadline", new_deadline, required=True)
    today = local_today()
    if hazard.deadline is None or hazard.deadline < today:
        errors.setdefault("new_deadline", []).append(
            _("An extension must be asked before the deadline passes.")
        )
    elif (
        hazard.listed and working_days_between(today, hazard.deadline) < LISTED_EXTENSION_NOTICE_WORKING_DAYS
    ):
        errors.setdefault("new_deadline", []).append(
            _("A listed hazard's extension must be asked at least %(days)d working days before the deadline.")
            % {"days": LISTED_EXTENSION_NOTICE_WORKING_DAYS}
        )
    if new is not None and hazard.deadline is not None and new <= hazard.deadline:
        errors.setdefault("new_deadline", []).append(
            _("The new deadline must be later than the current one.")
        )
    raise_if(errors)
    # Asking bumps the version: whoever decides sees the request they decide on.
    write(hazard, "request_extension", version=int(version), changes={})
    try:
        with transaction.atomic():
            extension = Extension.objects.create(
                hazard=hazard,
                old_deadline=hazard.deadline,
                new_deadline=new,
                reason=reason,
                requested_at=timezone.now(),
                requested_by=actor,
            )
    except IntegrityError:
        raise Conflict(_("An extension request is already waiting for a decision."))
    audit(
        hazard,
        "extension_requested",
        actor=actor,
        from_state=hazard.state,
        data={"old_deadline": hazard.deadline, "new_deadline": new, "reason": reason},
    )
    audiences = [Audience.TOWN] + ([Audience.DEPARTMENT] if common.is_major(hazard) else [])
    tell(
        hazard,
        audiences,
        actor=actor,
        kind="hazard.extension_requested",
        title=_("Extension requested: %(title)s") % {"title": hazard.title},
        body=reason,
    )
    return extension


@transaction.atomic
def decide_extension(*, actor, hazard: Hazard, version, approve: bool, note="", deadline=None) -> Extension:
    """R-HAZ-7: whoever may accept decides; both dates and the decision stay on the record. `deadline`
    grants another date than the one requested (later than the current deadline)."""
    check(hazard, "decide_extension", actor=actor, version=version)
    extension = hazard.extensions.select_for_update().filter(state=ExtensionState.PENDING).first()
    if extension is None:
        raise Conflict(_("There is no extension request waiting for a decision."))
    if extension.requested_by_id == actor.pk:
        raise NotAllowed(_("Someone else decides on your own request."))
    note = (note or "").strip()
    if not approve and not note:
        raise InvalidInput.field("note", _("Give the reason for refusing."))
    granted = extension.new_deadline
    if approve and deadline is not None:
        if deadline <= extension.old_deadline:
            raise InvalidInput.field(
                "deadline", _("The approved deadline must be later than the current one.")
            )
        granted = deadline
    changes = {"deadline": granted} if approve else {}
    write(hazard, "decide_extension", version=int(version), changes=changes)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    extension.decided_at = timezone.now()
    extension.decided_by = actor
    extension.decision_note = note
    extension.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])
    audit(
        hazard,
        "extension_approved" if approve else "extension_refused",
        actor=actor,
        from_state=hazard.state,
        data={
            "old_deadline": extension.old_deadline,
            "new_deadline": extension.new_deadline,
            "approved_deadline": granted if approve else None,
            "note": note,
        },
    )
    tell(
        hazard,
        [Audience.ENTERPRISE],
        actor=actor,
        kind="hazard.extension_decided",
        title=(_("Extension approved: %(title)s") if approve else _("Extension refused: %(title)s"))
        % {"title": hazard.title},
        body=note,
        users=[extension.requested_by],
    )
    return extension
