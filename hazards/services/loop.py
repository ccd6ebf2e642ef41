"""The closed loop (R-HAZ-2): register, assign the five determinations, submit, accept or reject,
close, cancel. One function per transition; each runs role → state/version → input → write → audit →
notifications → risk refresh in one transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from attachments.models import Attachment
from attachments.services import link_attachments
from audit.services import record
from core.choices import Role
from core.errors import InvalidInput, NotAllowed
from core.scoping import in_scope
from core.workflow import Step
from hazards import rollup, search
from hazards.choices import Category, EvidencePurpose, Level, Source, State
from hazards.documents import next_serial
from hazards.models import Hazard, MajorHazardCriterion, local_today
from hazards.policy import CREATE_ROLES, POLICY
from hazards.rules import FLOW
from hazards.services import common
from hazards.services.common import raise_if, required_text, tell
from notifications.recipients import Audience
from registry.models import Enterprise, Sector

PLAN_FIELDS = (
    "plan_goal",
    "plan_methods",
    "plan_resources",
    "plan_organisation",
    "plan_schedule",
    "plan_safety",
)


@transaction.atomic
def report_hazard(
    *,
    actor,
    enterprise,
    title,
    category,
    source,
    level=Level.GENERAL,
    sector=None,
    description="",
    location="",
    area="",
    equipment="",
    process="",
    discovered_at=None,
    discoverer="",
    criterion=None,
    legal_basis="",
    attachments=(),
    origin_type="",
    origin_id=None,
    risk_point=None,
) -> Hazard:
    """Register a hazard in state `reported` (R-HAZ-2, roles R-HAZ-5).

    An enterprise user registers only its own enterprise's self-inspection findings. Choosing a
    major-hazard criterion makes the hazard major (R-HAZ-1, R-HAZ-9); a major hazard is reported to the
    supervising department and the district at once (R-HAZ-10).
    """
    POLICY.require(actor, "report", _("Your role may not register hazards."))
    roles = actor.role_codes & CREATE_ROLES
    errors: dict = {}
    if isinstance(enterprise, int | str):
        enterprise = Enterprise.objects.filter(pk=enterprise).first()
    if enterprise is None or not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise InvalidInput.field("enterprise", _("Choose an enterprise in your area."))
    official = roles - {Role.ENTERPRISE_USER}
    if not official:
        if actor.enterprise_id != enterprise.pk:
            raise NotAllowed(_("An enterprise registers hazards of its own enterprise only."))
        if source != Source.SELF_INSPECTION:
            errors["source"] = [_("An enterprise registers its own findings as self-inspection.")]
    title = required_text(errors, "title", title)
    if category not in Category.values:
        errors["category"] = [pgettext("hazard", "Choose a category.")]
    if source not in Source.values:
        errors.setdefault("source", []).append(_("Choose a source."))
    if level not in Level.values:
        errors["level"] = [_("Choose a level.")]
    sector_obj = _sector(enterprise, sector, errors)
    if criterion is not None and not isinstance(criterion, MajorHazardCriterion):
        criterion = MajorHazardCriterion.objects.filter(pk=criterion).first()
        if criterion is None:
            errors["criterion"] = [_("Choose an item of the criteria library.")]
    if criterion is not None and not criterion.is_active:
        errors["criterion"] = [_("This criterion is no longer in force.")]
    if criterion is not None:
        level = Level.MAJOR  # R-HAZ-1: matching a criterion item makes the hazard major
    now = timezone.now()
    if discovered_at is None:
        discovered_at = now
    elif isinstance(discovered_at, dt.datetime) and discovered_at > now + dt.timedelta(minutes=5):
        errors["discovered_at"] = [_("The discovery time cannot be in the future.")]
    if risk_point is not None:
        from risk.models import RiskPoint

        if not isinstance(risk_point, RiskPoint):
            risk_point = RiskPoint.objects.filter(pk=risk_point).first()
        if risk_point is None or risk_point.enterprise_id != enterprise.pk:
            errors["risk_point"] = [_("Choose a risk point of this enterprise.")]
    if sector_obj is not None and not in_scope(
        actor, town_id=enterprise.town_id, sector_code=sector_obj.pk, enterprise_id=enterprise.pk
    ):
        errors.setdefault("sector", []).append(_("Choose a sector you supervise."))
    raise_if(errors)

    hazard = Hazard.objects.create(
        enterprise=enterprise,
        town_id=enterprise.town_id,
        sector=sector_obj,
        risk_point=risk_point,
        title=title[:200],
        category=category,
        level=level,
        source=source,
        description=description or "",
        location=(location or "")[:200],
        search_words=search.words_of(title[:200], description or "", (location or "")[:200]),
        area=(area or "")[:100],
        equipment=(equipment or "")[:100],
        process=(process or "")[:100],
        discovered_at=discovered_at,
        discoverer=(discoverer or actor.display_name)[:50],
        criterion=criterion,
        legal_basis=legal_basis or (criterion.citation if criterion else ""),  # R-HAZ-13: name, article, item
        origin_type=origin_type or "",
        origin_id=origin_id,
        state=State.REPORTED,
        reported_at=now,
        reported_by=actor,
        escalated_at=now if level == Level.MAJOR else None,
    )
    rollup.added(hazard)  # the statistics' counters, in the same transaction (issue 7)
    linked = link_attachments(
        actor=actor, attachments=attachments, owner=hazard, purpose=EvidencePurpose.BEFORE
    )
    record(
        hazard,
        "hazards.hazard.reported",
        actor=actor,
        data={
            "from_state": "",
            "to_state": hazard.state,
            "level": level,
            "source": source,
            "criterion": criterion.pk if criterion else None,
            "origin": f"{origin_type}:{origin_id}" if origin_type else "",
            "attachments": [a.pk for a in linked],
        },
    )
    tell(
        hazard,
        [Audience.TOWN, Audience.ENTERPRISE],
        actor=actor,
        kind="hazard.reported",
        title=_("New hazard: %(title)s") % {"title": hazard.title},
        body=str(enterprise),
    )
    if level == Level.MAJOR:
        _report_major_upward(hazard, actor=actor)
    common.refresh_risk(hazard)
    return hazard


def _sector(enterprise: Enterprise, sector, errors: dict) -> Sector | None:
    if sector in (None, ""):
        first = enterprise.sectors.order_by("order", "code").first()
        if first is None:
            errors["sector"] = [_("Choose a sector.")]
        return first
    if isinstance(sector, Sector):
        return sector
    found = Sector.objects.filter(pk=sector).first()
    if found is None:
        errors["sector"] = [_("Choose a sector.")]
    return found


def _report_major_upward(hazard: Hazard, *, actor) -> None:
    """R-HAZ-10: a major hazard goes to the supervising department and the district as soon as found."""
    tell(
        hazard,
        [Audience.DEPARTMENT, Audience.DISTRICT],
        actor=actor,
        kind="hazard.major_reported",
        title=_("Major hazard reported: %(title)s") % {"title": hazard.title},
        body=f"{hazard.enterprise} · {hazard.town}",
        dedup_key=f"hazard:{hazard.pk}:major-reported",
    )


def assign_rectification(
    *, actor, hazard: Hazard, version, data=None, plan: dict | None = None, **fields
) -> Hazard:
    """The five determinations (R-HAZ-3) → `rectifying`; a major hazard also needs its plan (R-HAZ-4).

    `data` is the input as a page or the API sent it; callers in code may name the fields instead
    (`measures=…, plan={…}, plan_attachments=[…]`). Either way `AssignInput` validates it."""
    data = common.given(data, **fields, **(plan or {}))
    return FLOW.perform(
        hazard, "assign", actor=actor, version=version, data=data, prepare=_assign_rules, notify=_assigned
    )


def _assign_rules(step: Step) -> None:
    hazard, data = step.obj, step.data
    errors: dict = {}
    today = local_today()
    latest = today + dt.timedelta(days=common.deadline_days(hazard.level))
    deadline = data["deadline"] or latest
    if deadline < today:
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    elif deadline > latest:
        # R-HAZ-6: an earlier date may be set; a later one needs an extension (R-HAZ-7).
        errors["deadline"] = [
            _("The deadline may be at most %(date)s; a later one needs an extension.") % {"date": latest}
        ]
    contingency_plan = data["contingency_plan"].strip()
    if common.is_major(hazard):
        if not contingency_plan:
            errors["contingency_plan"] = [_("A major hazard needs a contingency plan.")]
        plan_values = {f: (data[f] or getattr(hazard, f) or "").strip() for f in PLAN_FIELDS}
        for field, value in plan_values.items():
            if not value:
                errors.setdefault(field, []).append(_("A major hazard's treatment plan needs this part."))
        step.changes.update(plan_values)
        has_document = Attachment.objects.for_owner(hazard, EvidencePurpose.PLAN).exists() or bool(
            data["plan_attachments"]
        )
        if not has_document:
            errors["plan_attachments"] = [_("Attach the treatment plan document.")]
    common.raise_if(errors)
    try:
        linked = link_attachments(
            actor=step.actor, attachments=data["plan_attachments"], owner=hazard, purpose=EvidencePurpose.PLAN
        )
    except InvalidInput as exc:  # the message belongs to this action's field
        raise InvalidInput(errors={"plan_attachments": [m for ms in exc.errors.values() for m in ms]})
    measures, person = data["measures"].strip(), data["responsible_person"].strip()
    step.changes.update(
        measures=measures,
        responsible_person=person,
        responsible_phone=data["responsible_phone"].strip(),
        funds=data["funds"],
        deadline=deadline,
        original_deadline=deadline,
        contingency_plan=contingency_plan,
        assigned_at=timezone.now(),
        assigned_by=step.actor,
        **_numbered(hazard, "notice", step.actor),
    )
    step.audit_data.update(
        measures=measures,
        responsible_person=person,
        funds=data["funds"],
        deadline=deadline,
        contingency_plan=bool(contingency_plan),
        plan_attachments=[a.pk for a in linked],
    )


def _numbered(hazard: Hazard, kind: str, actor) -> dict:
    """A document's number and issuing department, once: a hazard assigned again keeps its notice's."""
    if getattr(hazard, f"{kind}_serial"):
        return {}
    number, department = next_serial(kind, actor=actor)
    return {f"{kind}_serial": number, f"{kind}_department": department}


def _assigned(step: Step) -> None:
    hazard = step.obj
    tell(
        hazard,
        [Audience.ENTERPRISE],
        actor=step.actor,
        kind="hazard.assigned",
        title=_("Rectify by %(date)s: %(title)s") % {"date": hazard.deadline, "title": hazard.title},
        body=hazard.measures,
    )
    common.refresh_risk(hazard)


def submit_rectification(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """The responsible side reports the work done, with "after" evidence → `submitted`."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "submit", actor=actor, version=version, data=data, prepare=_submit_rules, notify=_submitted
    )


def _submit_rules(step: Step) -> None:
    linked = link_attachments(
        actor=step.actor, attachments=step.data["attachments"], owner=step.obj, purpose=EvidencePurpose.AFTER
    )
    now = timezone.now()
    note = step.data["rectification_note"].strip()
    step.changes.update(
        rectification_note=note,
        cost=step.data["cost"],
        submitted_at=now,
        submitted_on=local_today(now),
        submitted_by=step.actor,
    )
    step.audit_data.update(
        rectification_note=note, cost=step.data["cost"], attachments=[a.pk for a in linked]
    )


def _submitted(step: Step) -> None:
    hazard = step.obj
    audiences = [Audience.TOWN] + ([Audience.DEPARTMENT] if common.is_major(hazard) else [])
    tell(
        hazard,
        audiences,
        actor=step.actor,
        kind="hazard.submitted",
        title=_("Rectification to accept: %(title)s") % {"title": hazard.title},
        body=hazard.rectification_note,
        users=[hazard.reported_by],
    )
    common.refresh_risk(hazard)


def accept_rectification(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """Acceptance (验收): never by the submitter, only with "after" evidence on record (R-HAZ-5)."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "accept", actor=actor, version=version, data=data, prepare=_accept_rules, notify=_accepted
    )


def _accept_rules(step: Step) -> None:
    hazard = step.obj
    if (
        not Attachment.objects.for_owner(hazard, EvidencePurpose.AFTER).exists()
        or not hazard.rectification_note
    ):
        raise InvalidInput.field(
            "attachments", _("Acceptance needs the rectification note and after-photos.")
        )
    note = step.data["note"].strip()
    step.changes.update(
        accepted_at=timezone.now(),
        accepted_by=step.actor,
        acceptance_note=note,
        **_numbered(hazard, "acceptance", step.actor),
    )
    step.audit_data["note"] = note


def _accepted(step: Step) -> None:
    hazard = step.obj
    closers = [Audience.DEPARTMENT, Audience.DISTRICT] if common.is_major(hazard) else [Audience.TOWN]
    tell(
        hazard,
        [Audience.ENTERPRISE, *closers],
        actor=step.actor,
        kind="hazard.accepted",
        title=_("Rectification accepted: %(title)s") % {"title": hazard.title},
        users=[hazard.submitted_by],
    )
    common.refresh_risk(hazard)


def reject_rectification(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """Not good enough: back to `rectifying` with a reason (R-HAZ-2)."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "reject", actor=actor, version=version, data=data, prepare=_reject_rules, notify=_rejected
    )


def _reject_rules(step: Step) -> None:
    reason = step.data["reason"].strip()
    step.changes.update(reject_reason=reason, rejections=step.obj.rejections + 1)
    step.audit_data["reason"] = reason


def _rejected(step: Step) -> None:
    hazard = step.obj
    tell(
        hazard,
        [Audience.ENTERPRISE],
        actor=step.actor,
        kind="hazard.rejected",
        title=_("Rectification rejected: %(title)s") % {"title": hazard.title},
        body=hazard.reject_reason,
        users=[hazard.submitted_by],
    )
    common.refresh_risk(hazard)


def close_hazard(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """Closure (销号). Major: supervising department or district; listed: the listing authority only."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "close", actor=actor, version=version, data=data, prepare=_close_rules, notify=_closed
    )


def _close_rules(step: Step) -> None:
    note = step.data["note"].strip()
    # R-HAZ-8: closing a listed hazard takes it off the list (摘牌); the listing facts stay on record.
    step.changes.update(closed_at=timezone.now(), closed_by=step.actor, close_note=note, listed=False)
    step.audit_data.update(note=note, delisted=step.obj.listed)


def _closed(step: Step) -> None:
    from hazards.services.duties import after_close

    hazard = step.obj
    after_close(hazard, actor=step.actor)  # R-HAZ-12: closed inside the enterprise → the sample re-check
    audiences = [Audience.ENTERPRISE, Audience.TOWN]
    if common.is_major(hazard):
        audiences += [Audience.DEPARTMENT, Audience.DISTRICT]
    tell(
        hazard,
        audiences,
        actor=step.actor,
        kind="hazard.closed",
        title=_("Hazard closed: %(title)s") % {"title": hazard.title},
        users=[hazard.reported_by],
    )
    common.refresh_risk(hazard)


def cancel_hazard(*, actor, hazard: Hazard, version, data=None, **fields) -> Hazard:
    """A duplicate or not a hazard: `cancelled`, with the reason (R-HAZ-2)."""
    data = common.given(data, **fields)
    return FLOW.perform(
        hazard, "cancel", actor=actor, version=version, data=data, prepare=_cancel_rules, notify=_cancelled
    )


def _cancel_rules(step: Step) -> None:
    reason = step.data["reason"].strip()
    step.changes.update(cancelled_at=timezone.now(), cancelled_by=step.actor, cancel_reason=reason)
    step.audit_data["reason"] = reason


def _cancelled(step: Step) -> None:
    hazard = step.obj
    tell(
        hazard,
        [Audience.ENTERPRISE, Audience.TOWN],
        actor=step.actor,
        kind="hazard.cancelled",
        title=_("Hazard cancelled: %(title)s") % {"title": hazard.title},
        body=hazard.cancel_reason,
        users=[hazard.reported_by],
    )
    common.refresh_risk(hazard)
