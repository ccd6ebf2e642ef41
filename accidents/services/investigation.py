"""The investigation of an accident (R-ACC-5) up to its closure, which turns it into a case."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accidents import rules
from accidents.models import (
    Accident,
    Finding,
    Investigation,
    Measure,
)
from accidents.policy import require
from accidents.services import chain
from accidents.services.reporting import FLOW
from audit.services import record
from core.errors import Conflict, InvalidInput
from core.workflow import edit
from registry.models import Enterprise

# ---------------------------------------------------------------- investigation (R-ACC-5)
INVESTIGATION_TEXT_FIELDS = ("lead_unit", "team", "direct_causes", "indirect_causes", "lessons")


def open_investigation(accident: Accident, *, actor, version, data) -> Investigation:
    """R-ACC-5: the investigation team and the report's deadline; the accident moves to investigating.
    `data`: the lead unit and the team (the transition's form)."""

    def prepare(step):
        if Investigation.objects.filter(accident=step.obj).exists():
            raise Conflict(_("This accident is already under investigation or closed."))
        deadline = rules.investigation_deadline(step.obj.occurred_at)
        step.audit_data.update(lead_unit=step.data["lead_unit"], deadline=deadline)

    def after(step):
        step.result = Investigation.objects.create(
            accident=step.obj,
            lead_unit=step.data["lead_unit"],
            team=step.data["team"],
            deadline=step.audit_data["deadline"],
        )

    return FLOW.perform(
        accident, "open_investigation", actor=actor, version=version, data=data, prepare=prepare, after=after
    )


def _open_investigation_of(investigation: Investigation) -> Investigation:
    fresh = Investigation.objects.select_for_update().select_related("accident").get(pk=investigation.pk)
    if fresh.closed_at is not None:
        raise Conflict(_("The investigation is closed."))
    return fresh


@transaction.atomic
def update_investigation(*, actor, investigation: Investigation, data: dict, version) -> Investigation:
    """The team and the causes as the investigation learns them: an edit of the open investigation at the
    version the investigator read, recorded in its accident's history."""
    require(actor, "investigate")
    investigation = _open_investigation_of(investigation)
    changes = {
        key: (data.get(key) or "").strip() if key in data else getattr(investigation, key)
        for key in INVESTIGATION_TEXT_FIELDS
    }
    if not changes["lead_unit"]:
        raise InvalidInput.field("lead_unit", _("Name the unit that leads the investigation."))
    changes["lead_unit"] = changes["lead_unit"][:120]
    edit(
        investigation,
        "accidents.investigation.updated",
        actor=actor,
        version=version,
        changes=changes,
        audit_on=investigation.accident,
    )
    return investigation


@transaction.atomic
def extend_investigation(
    *, actor, investigation: Investigation, days: int, reason: str, version
) -> Investigation:
    """R-ACC-5: one extension of at most 60 days."""
    require(actor, "investigate")
    investigation = _open_investigation_of(investigation)
    if investigation.extended:
        raise Conflict(_("The investigation deadline can be extended only once."))
    days, reason = _extension(days, reason)
    edit(
        investigation,
        "accidents.investigation.extended",
        actor=actor,
        version=version,
        changes={"deadline": investigation.deadline + dt.timedelta(days=days), "extended": True},
        also={"extension_reason": reason[:200]},
        audit_on=investigation.accident,
        data={"reason": reason},
    )
    return investigation


def _extension(days, reason) -> tuple[int, str]:
    """The days (1 to the most R-ACC-5 allows) and the reason of an extension, or every error at once."""
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= rules.MAX_EXTENSION_DAYS:
        errors["days"] = [_("Extend by 1 to %(n)d days.") % {"n": rules.MAX_EXTENSION_DAYS}]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give the reason for the extension.")]
    if errors:
        raise InvalidInput(errors=errors)
    return days, reason


@transaction.atomic
def add_finding(
    *,
    actor,
    investigation: Investigation,
    party: str,
    responsibility: str,
    measure: str,
    position: str = "",
    note: str = "",
) -> Finding:
    from accidents.choices import AccountabilityMeasure, Responsibility

    require(actor, "investigate")
    investigation = _open_investigation_of(investigation)
    errors = {}
    party = (party or "").strip()
    if not party:
        errors["party"] = [_("Name the person or unit.")]
    if responsibility not in Responsibility.values:
        errors["responsibility"] = [_("Choose the responsibility.")]
    if measure not in AccountabilityMeasure.values:
        errors["measure"] = [_("Choose the proposed measure.")]
    if errors:
        raise InvalidInput(errors=errors)
    finding = Finding.objects.create(
        investigation=investigation,
        party=party[:120],
        position=(position or "").strip()[:120],
        responsibility=responsibility,
        measure=measure,
        note=(note or "").strip()[:300],
    )
    record(
        investigation.accident,
        "accidents.finding.added",
        actor=actor,
        data={
            "party": finding.party,
            "responsibility": responsibility,
            "measure": measure,
        },
    )
    return finding


@transaction.atomic
def add_measure(*, actor, investigation: Investigation, text: str, enterprise=None) -> Measure:
    require(actor, "investigate")
    investigation = _open_investigation_of(investigation)
    text = (text or "").strip()
    if not text:
        raise InvalidInput.field("text", _("Describe the measure."))
    if enterprise is not None and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise InvalidInput.field("enterprise", _("Choose an enterprise in your area."))
    measure = Measure.objects.create(investigation=investigation, text=text[:300], enterprise=enterprise)
    record(investigation.accident, "accidents.measure.added", actor=actor, data={"measure": measure.text})
    return measure


@transaction.atomic
def measure_to_hazard(*, actor, measure: Measure, category: str, level: str = "general"):
    """A rectification measure enters the hazard loop (source `accident_followup`)."""
    from hazards.services import report_hazard

    require(actor, "investigate")
    measure = Measure.objects.select_for_update().select_related("investigation__accident").get(pk=measure.pk)
    if measure.hazard_id:
        raise Conflict(_("This measure is already in the hazard loop."))
    accident = measure.investigation.accident
    enterprise = measure.enterprise or accident.enterprise
    if enterprise is None:
        raise InvalidInput.field("enterprise", _("Choose the enterprise that must carry out the measure."))
    hazard = report_hazard(
        actor=actor,
        enterprise=enterprise,
        title=measure.text[:120],
        category=category,
        source="accident_followup",
        level=level,
        sector=accident.sector,
        description=_("Rectification measure of the investigation of accident “%(title)s”.")
        % {"title": accident.title},
        origin_type="accidents.accident",
        origin_id=accident.pk,
    )
    measure.hazard_id = hazard.pk
    measure.enterprise = enterprise
    measure.save(update_fields=["hazard_id", "enterprise"])
    record(
        accident,
        "accidents.measure.to_hazard",
        actor=actor,
        data={"measure": measure.pk, "hazard": hazard.pk},
    )
    return hazard


REPORT_PURPOSE = "investigation_report"


def report_documents(investigation: Investigation):
    from attachments.models import Attachment

    return Attachment.objects.for_owner(investigation, REPORT_PURPOSE)


@transaction.atomic
def attach_investigation_report(*, actor, investigation: Investigation, upload=None, attachments=()) -> list:
    from attachments.services import link_attachments, store_attachment

    require(actor, "investigate")
    investigation = _open_investigation_of(investigation)
    items = list(attachments)
    if upload is not None:
        items.append(store_attachment(actor=actor, upload=upload))
    if not items:
        raise InvalidInput.field("file", _("Choose the investigation report file."))
    linked = link_attachments(actor=actor, attachments=items, owner=investigation, purpose=REPORT_PURPOSE)
    record(
        investigation.accident,
        "accidents.investigation.report_attached",
        actor=actor,
        data={
            "attachments": [a.pk for a in linked],
        },
    )
    return linked


def close_accident(accident: Accident, *, actor, version, data=None):
    """R-ACC-5: closing requires the investigation report; the closed accident becomes a case."""
    return FLOW.perform(
        accident,
        "close",
        actor=actor,
        version=version,
        data=data or {},
        prepare=_ready_to_close,
        after=_closed,
    )


def _ready_to_close(step) -> None:
    investigation = Investigation.objects.get(accident=step.obj)
    errors = {}
    if not report_documents(investigation).exists():
        errors["report"] = [_("Attach the investigation report before closing.")]
    if not investigation.direct_causes.strip():
        errors["direct_causes"] = [_("Record the direct causes before closing.")]
    if errors:
        raise InvalidInput(errors=errors)
    step.changes["closed_at"] = timezone.now()


def _closed(step) -> None:
    from accidents.library import case_from_accident

    # The investigation's edits check `closed_at` under their row lock: none lands after this.
    Investigation.objects.filter(accident=step.obj, closed_at__isnull=True).update(
        closed_at=step.obj.closed_at
    )
    chain.open_evaluation_step(step.obj)  # R-ACC-8: the one-year evaluation starts at the closing
    step.result = case_from_accident(actor=step.actor, accident=step.obj)
