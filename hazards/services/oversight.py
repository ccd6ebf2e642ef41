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
from core.workflow import Step
from hazards.choices import EvidencePurpose, ExtensionState
from hazards.models import Extension, Hazard, ProgressNote, local_today
from hazards.rules import FLOW
from hazards.services import common
from hazards.services.common import tell
from notifications.recipients import Audience
from registry.models import Department

# R-HAZ-7 (setting): a listed hazard's extension is asked at least this many working days before.
LISTED_EXTENSION_NOTICE_WORKING_DAYS = 20


def save_treatment_plan(
    *, actor, hazard: Hazard, version, data=None, plan: dict | None = None, attachments=None
) -> Hazard:
    """R-HAZ-4: the six parts of a major hazard's treatment plan, and its document."""
    data = common.given(data, **(plan or {}), attachments=attachments)
    return FLOW.perform(hazard, "plan", actor=actor, version=version, data=data, prepare=_plan_rules)


def _plan_rules(step: Step) -> None:
    from hazards.services.loop import PLAN_FIELDS

    linked = link_attachments(
        actor=step.actor, attachments=step.data["attachments"], owner=step.obj, purpose=EvidencePurpose.PLAN
    )
    step.changes.update({field: step.data[field].strip() for field in PLAN_FIELDS})
    step.audit_data["attachments"] = [a.pk for a in linked]


def supervise_hazard(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """R-HAZ-8: put a major hazard under listed supervision (挂牌督办)."""
    if isinstance(fields.get("supervising_department"), Department):
        fields["supervising_department"] = fields["supervising_department"].pk
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "supervise", actor=actor, version=version, data=data, prepare=_supervise_rules, notify=_listed
    )


def _supervise_rules(step: Step) -> None:
    hazard, actor, data = step.obj, step.actor, step.data
    if hazard.listed:
        raise Conflict(_("This hazard is already under listed supervision."))
    errors: dict = {}
    due = data["due_date"]
    if due < local_today():
        errors["due_date"] = [_("The due date cannot be in the past.")]
    department = _supervising_department(actor, hazard, data["supervising_department"], errors)
    common.raise_if(errors)
    by_department = Role.DISTRICT_ADMIN not in actor.role_codes
    authority = data["authority"].strip()
    step.changes.update(
        listed=True,
        listing_authority=authority,
        listing_department=actor.department if by_department else None,
        supervising_department=department,
        listing_document=data["document_number"].strip(),
        listing_due_date=due,
        listed_at=timezone.now(),
        listed_by=actor,
    )
    step.audit_data.update(
        authority=authority,
        due_date=due,
        document_number=data["document_number"].strip(),
        supervising_department=department.pk if department else None,
    )


def _listed(step: Step) -> None:
    hazard = step.obj
    tell(
        hazard,
        [Audience.ENTERPRISE, Audience.TOWN, Audience.DEPARTMENT, Audience.DISTRICT],
        actor=step.actor,
        kind="hazard.supervised",
        title=_("Listed supervision: %(title)s") % {"title": hazard.title},
        body=_("Listed by %(authority)s, due %(date)s")
        % {"authority": hazard.listing_authority, "date": hazard.listing_due_date},
    )


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
def add_progress_note(*, actor, hazard: Hazard, data=None, **fields) -> ProgressNote:
    """R-HAZ-8: the monthly progress of a listed hazard. Notes do not change the hazard's version, so
    this follows the workflow's chain by hand: the table's check, the action's form, the write, the audit."""
    FLOW.check(hazard, "progress", actor=actor, version=hazard.version)
    if not hazard.listed:
        raise Conflict(_("Progress notes are kept for listed hazards."))
    data = FLOW.validate("progress", common.given(data, **fields))
    month = data["month"] or local_today()
    if month > local_today():
        raise InvalidInput.field("month", _("The month cannot be in the future."))
    text = data["text"].strip()
    note = ProgressNote.objects.create(
        hazard=hazard, month=month.replace(day=1), text=text, written_at=timezone.now(), author=actor
    )
    record(hazard, "hazards.hazard.progress_noted", actor=actor, data={"month": note.month, "text": text})
    return note


def explain_delay(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """R-HAZ-8: an overdue listed hazard needs a written explanation."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "explain", actor=actor, version=version, data=data, prepare=_explain_rules, notify=_explained
    )


def _explain_rules(step: Step) -> None:
    text = step.data["text"].strip()
    step.changes["overdue_explanation"] = text
    step.audit_data["text"] = text


def _explained(step: Step) -> None:
    hazard = step.obj
    tell(
        hazard,
        [Audience.TOWN, Audience.DEPARTMENT, Audience.DISTRICT],
        actor=step.actor,
        kind="hazard.delay_explained",
        title=_("Delay explained: %(title)s") % {"title": hazard.title},
        body=hazard.overdue_explanation,
    )


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days (Monday–Friday) after `start` up to and including `end`."""
    days = 0
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def request_extension(*, actor, hazard: Hazard, version, data=None, **fields) -> Extension:
    """R-HAZ-7: the responsible side asks for a later deadline, with a reason, before the current one passes.
    Asking bumps the version: whoever decides sees the request they decide on."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard,
        "request_extension",
        actor=actor,
        version=version,
        data=data,
        prepare=_extension_rules,
        after=_extension_asked,
        notify=_extension_told,
    )


def _extension_rules(step: Step) -> None:
    hazard = step.obj
    if hazard.extensions.filter(state=ExtensionState.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for a decision."))
    errors: list = []
    new = step.data["new_deadline"]
    today = local_today()
    if hazard.deadline is None or hazard.deadline < today:
        errors.append(_("An extension must be asked before the deadline passes."))
    elif (
        hazard.listed and working_days_between(today, hazard.deadline) < LISTED_EXTENSION_NOTICE_WORKING_DAYS
    ):
        errors.append(
            _("A listed hazard's extension must be asked at least %(days)d working days before the deadline.")
            % {"days": LISTED_EXTENSION_NOTICE_WORKING_DAYS}
        )
    if hazard.deadline is not None and new <= hazard.deadline:
        errors.append(_("The new deadline must be later than the current one."))
    if errors:
        raise InvalidInput(errors={"new_deadline": errors})
    reason = step.data["reason"].strip()
    step.audit_data.update(old_deadline=hazard.deadline, new_deadline=new, reason=reason)


def _extension_asked(step: Step) -> None:
    try:
        with transaction.atomic():
            step.result = Extension.objects.create(
                hazard=step.obj,
                old_deadline=step.obj.deadline,
                new_deadline=step.data["new_deadline"],
                reason=step.data["reason"].strip(),
                requested_at=timezone.now(),
                requested_by=step.actor,
            )
    except IntegrityError:
        raise Conflict(_("An extension request is already waiting for a decision."))


def _extension_told(step: Step) -> None:
    hazard = step.obj
    audiences = [Audience.TOWN] + ([Audience.DEPARTMENT] if common.is_major(hazard) else [])
    tell(
        hazard,
        audiences,
        actor=step.actor,
        kind="hazard.extension_requested",
        title=_("Extension requested: %(title)s") % {"title": hazard.title},
        body=step.result.reason,
    )


def decide_extension(*, actor, hazard: Hazard, version, data=None, **fields) -> Extension:
    """R-HAZ-7: whoever may accept decides; both dates and the decision stay on the record."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard,
        "decide_extension",
        actor=actor,
        version=version,
        data=data,
        prepare=_decision_rules,
        after=_decision_recorded,
        notify=_decision_told,
    )


def _decision_rules(step: Step) -> None:
    hazard, actor = step.obj, step.actor
    extension = hazard.extensions.filter(state=ExtensionState.PENDING).first()
    if extension is None:
        raise Conflict(_("There is no extension request waiting for a decision."))
    if extension.requested_by_id == actor.pk:
        raise NotAllowed(_("Someone else decides on your own request."))
    approve, note = step.data["approve"], step.data["note"].strip()
    if not approve and not note:
        raise InvalidInput.field("note", _("Give the reason for refusing."))
    granted = extension.new_deadline
    deadline = step.data.get("deadline")
    if approve and deadline is not None:
        # The decider may grant another date than the one asked for, later than the current deadline.
        if deadline <= extension.old_deadline:
            raise InvalidInput.field(
                "deadline", _("The approved deadline must be later than the current one.")
            )
        granted = deadline
    if approve:
        step.changes["deadline"] = granted
    step.result = extension
    step.verb = "extension_approved" if approve else "extension_refused"
    step.audit_data.update(
        old_deadline=extension.old_deadline,
        new_deadline=extension.new_deadline,
        approved_deadline=granted if approve else None,
        note=note,
    )


def _decision_recorded(step: Step) -> None:
    # The request is a row of its own (not a workflow object): its decision is written once, here.
    extension = step.result
    extension.state = ExtensionState.APPROVED if step.data["approve"] else ExtensionState.REFUSED
    extension.decided_at = timezone.now()
    extension.decided_by = step.actor
    extension.decision_note = step.data["note"].strip()
    extension.save(update_fields=["state", "decided_at", "decided_by", "decision_note"])


def _decision_told(step: Step) -> None:
    hazard, extension = step.obj, step.result
    tell(
        hazard,
        [Audience.ENTERPRISE],
        actor=step.actor,
        kind="hazard.extension_decided",
        title=(
            _("Extension approved: %(title)s") if step.data["approve"] else _("Extension refused: %(title)s")
        )
        % {"title": hazard.title},
        body=extension.decision_note,
        users=[extension.requested_by],
    )
