"""The closed loop (R-HAZ-2): register, assign the five determinations, submit, accept or reject,
close, cancel. One function per transition; each runs role → state/version → input → write → audit →
notifications → risk refresh in one transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attachments.models import Attachment
from attachments.services import link_attachments
from core.choices import Role
from core.errors import InvalidInput, NotAllowed
from hazards import rollup, search
from hazards.choices import Category, EvidencePurpose, Level, Source, State
from hazards.documents import next_serial
from hazards.models import Hazard, MajorHazardCriterion, local_today
from hazards.rules import CREATE_ROLES
from hazards.services import common
from hazards.services.common import a_date, audit, check, money, raise_if, required_text, tell, write
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
    roles = actor.role_codes & CREATE_ROLES
    if not roles:
        raise NotAllowed(_("Your role may not register hazards."))
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
        errors["category"] = [_("Choose a category.")]
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
    if sector_obj is not None and not common.in_scope(
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
        legal_basis=legal_basis or (criterion.source if criterion else ""),
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
    audit(
        hazard,
        "reported",
        actor=actor,
        from_state="",
        data={
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


@transaction.atomic
def assign_rectification(
    *,
    actor,
    hazard: Hazard,
    version,
    measures="",
    responsible_person="",
    responsible_phone="",
    funds=None,
    deadline=None,
    contingency_plan="",
    plan: dict | None = None,
    plan_attachments=(),
) -> Hazard:
    """The five determinations (R-HAZ-3) → `rectifying`; a major hazard also needs its plan (R-HAZ-4)."""
    check(hazard, "assign", actor=actor, version=version)
    errors: dict = {}
    measures = required_text(errors, "measures", measures)
    responsible_person = required_text(errors, "responsible_person", responsible_person)
    funds_value = money(errors, "funds", funds, required=True)
    today = local_today()
    latest = today + dt.timedelta(days=common.deadline_days(hazard.level))
    deadline_value = a_date(errors, "deadline", deadline, required=False) or (
        None if "deadline" in errors else latest
    )
    if deadline_value is not None:
        if deadline_value < today:
            errors["deadline"] = [_("The deadline cannot be in the past.")]
        elif deadline_value > latest:
            # R-HAZ-6: an earlier date may be set; a later one needs an extension (R-HAZ-7).
            errors["deadline"] = [
                _("The deadline may be at most %(date)s; a later one needs an extension.") % {"date": latest}
            ]
    contingency_plan = (contingency_plan or "").strip()
    changes: dict = {}
    if common.is_major(hazard):
        if not contingency_plan:
            errors["contingency_plan"] = [_("A major hazard needs a contingency plan.")]
        plan_values = _plan_values(hazard, plan)
        for field, value in plan_values.items():
            if not value:
                errors.setdefault(field, []).append(_("A major hazard's treatment plan needs this part."))
        changes.update(plan_values)
        has_document = Attachment.objects.for_owner(hazard, EvidencePurpose.PLAN).exists() or bool(
            plan_attachments
        )
        if not has_document:
            errors["plan_attachments"] = [_("Attach the treatment plan document.")]
    raise_if(errors)
    linked = link_attachments(
        actor=actor, attachments=plan_attachments, owner=hazard, purpose=EvidencePurpose.PLAN
    )
    old = write(
        hazard,
        "assign",
        version=int(version),
        changes={
            **changes,
            "measures": measures,
            "responsible_person": responsible_person[:50],
            "responsible_phone": (responsible_phone or "").strip()[:20],
            "funds": funds_value,
            "deadline": deadline_value,
            "original_deadline": deadline_value,
            "contingency_plan": contingency_plan,
            "assigned_at": timezone.now(),
            "assigned_by": actor,
            "notice_serial": hazard.notice_serial or next_serial("notice"),
        },
    )
    audit(
        hazard,
        "assigned",
        actor=actor,
        from_state=old,
        data={
            "measures": measures,
            "responsible_person": responsible_person,
            "funds": funds_value,
            "deadline": deadline_value,
            "contingency_plan": bool(contingency_plan),
            "plan_attachments": [a.pk for a in linked],
        },
    )
    tell(
        hazard,
        [Audience.ENTERPRISE],
        actor=actor,
        kind="hazard.assigned",
        title=_("Rectify by %(date)s: %(title)s") % {"date": deadline_value, "title": hazard.title},
        body=measures,
    )
    common.refresh_risk(hazard)
    return hazard


def _plan_values(hazard: Hazard, plan: dict | None) -> dict:
    plan = plan or {}
    return {field: (str(plan.get(field) or getattr(hazard, field) or "")).strip() for field in PLAN_FIELDS}


@transaction.atomic
def submit_rectification(
    *, actor, hazard: Hazard, version, rectification_note="", cost=None, attachments=()
) -> Hazard:
    """The responsible side reports the work done, with "after" evidence → `submitted`."""
    check(hazard, "submit", actor=actor, version=version)
    errors: dict = {}
    note = required_text(errors, "rectification_note", rectification_note)
    cost_value = money(errors, "cost", cost, required=False)
    if not list(attachments):
        errors["attachments"] = [_("Attach at least one photo or document of the rectified state.")]
    raise_if(errors)
    linked = link_attachments(
        actor=actor, attachments=attachments, owner=hazard, purpose=EvidencePurpose.AFTER
    )
    now = timezone.now()
    old = write(
        hazard,
        "submit",
        version=int(version),
        changes={
            "rectification_note": note,
            "cost": cost_value,
            "submitted_at": now,
            "submitted_on": local_today(now),
            "submitted_by": actor,
        },
    )
    audit(
        hazard,
        "submitted",
        actor=actor,
        from_state=old,
        data={"rectification_note": note, "cost": cost_value, "attachments": [a.pk for a in linked]},
    )
    audiences = [Audience.TOWN] + ([Audience.DEPARTMENT] if common.is_major(hazard) else [])
    tell(
        hazard,
        audiences,
        actor=actor,
        kind="hazard.submitted",
        title=_("Rectification to accept: %(title)s") % {"title": hazard.title},
        body=note,
        users=[hazard.reported_by],
    )
    common.refresh_risk(hazard)
    return hazard


@transaction.atomic
def accept_rectification(*, actor, hazard: Hazard, version, note="") -> Hazard:
    """Acceptance (验收): never by the submitter, only with "after" evidence on record (R-HAZ-5)."""
    check(hazard, "accept", actor=actor, version=version)
    if (
        not Attachment.objects.for_owner(hazard, EvidencePurpose.AFTER).exists()
        or not hazard.rectification_note
    ):
        raise InvalidInput.field(
            "attachments", _("Acceptance needs the rectification note and after-photos.")
        )
    old = write(
        hazard,
        "accept",
        version=int(version),
        changes={
            "accepted_at": timezone.now(),
            "accepted_by": actor,
            "acceptance_note": (note or "").strip(),
            "acceptance_serial": hazard.acceptance_serial or next_serial("acceptance"),
        },
    )
    audit(hazard, "accepted", actor=actor, from_state=old, data={"note": (note or "").strip()})
    closers = [Audience.DEPARTMENT, Audience.DISTRICT] if common.is_major(hazard) else [Audience.TOWN]
    tell(
        hazard,
        [Audience.ENTERPRISE, *closers],
        actor=actor,
        kind="hazard.accepted",
        title=_("Rectification accepted: %(title)s") % {"title": hazard.title},
        users=[hazard.submitted_by],
    )
    common.refresh_risk(hazard)
    return hazard


@transaction.atomic
def reject_rectification(*, actor, hazard: Hazard, version, reason="") -> Hazard:
    """Not good enough: back to `rectifying` with a reason (R-HAZ-2)."""
    check(hazard, "reject", actor=actor, version=version)
    errors: dict = {}
    reason = required_text(errors, "reason", reason, _("Give the reason for rejecting."))
    raise_if(errors)
    old = write(
        hazard,
        "reject",
        version=int(version),
        changes={"reject_reason": reason, "rejections": hazard.rejections + 1},
    )
    audit(hazard, "rejected", actor=actor, from_state=old, data={"reason": reason})
    tell(
        hazard,
        [Audience.ENTERPRISE],
        actor=actor,
        kind="hazard.rejected",
        title=_("Rectification rejected: %(title)s") % {"title": hazard.title},
        body=reason,
        users=[hazard.submitted_by],
    )
    common.refresh_risk(hazard)
    return hazard


@transaction.atomic
def close_hazard(*, actor, hazard: Hazard, version, note="") -> Hazard:
    """Closure (销号). Major: supervising department or district; listed: the listing authority only."""
    check(hazard, "close", actor=actor, version=version)
    was_listed = hazard.listed
    old = write(
        hazard,
        "close",
        version=int(version),
        # R-HAZ-8: closing a listed hazard takes it off the list (摘牌); the listing facts stay on record.
        changes={
            "closed_at": timezone.now(),
            "closed_by": actor,
            "close_note": (note or "").strip(),
            "listed": False,
        },
    )
    audit(
        hazard,
        "closed",
        actor=actor,
        from_state=old,
        data={"note": (note or "").strip(), "delisted": was_listed},
    )
    audiences = [Audience.ENTERPRISE, Audience.TOWN]
    if common.is_major(hazard):
        audiences += [Audience.DEPARTMENT, Audience.DISTRICT]
    tell(
        hazard,
        audiences,
        actor=actor,
        kind="hazard.closed",
        title=_("Hazard closed: %(title)s") % {"title": hazard.title},
        users=[hazard.reported_by],
    )
    common.refresh_risk(hazard)
    return hazard


@transaction.atomic
def cancel_hazard(*, actor, hazard: Hazard, version, reason="") -> Hazard:
    """A duplicate or not a hazard: `cancelled`, with the reason (R-HAZ-2)."""
    check(hazard, "cancel", actor=actor, version=version)
    errors: dict = {}
    reason = required_text(errors, "reason", reason, _("Give the reason for cancelling."))
    raise_if(errors)
    old = write(
        hazard,
        "cancel",
        version=int(version),
        changes={"cancelled_at": timezone.now(), "cancelled_by": actor, "cancel_reason": reason},
    )
    audit(hazard, "cancelled", actor=actor, from_state=old, data={"reason": reason})
    tell(
        hazard,
        [Audience.ENTERPRISE, Audience.TOWN],
        actor=actor,
        kind="hazard.cancelled",
        title=_("Hazard cancelled: %(title)s") % {"title": hazard.title},
        body=reason,
        users=[hazard.reported_by],
    )
    common.refresh_risk(hazard)
    return hazard
