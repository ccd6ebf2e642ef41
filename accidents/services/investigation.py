"""The investigation of an accident (R-ACC-5) up to its closure, which turns it into a case."""

from __future__ import annotations

import datetime as dt

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accidents import rules
from accidents.forms import (
    AttachReportForm,
    ExtensionForm,
    FindingForm,
    InvestigationForm,
    MeasureForm,
    MeasureToHazardForm,
)
from accidents.models import (
    Accident,
    Finding,
    Investigation,
    Measure,
)
from accidents.policy import POLICY
from accidents.services import chain
from accidents.services.reporting import FLOW
from core.errors import Conflict, InvalidInput
from core.workflow import Transition, Workflow
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


# Every change of an open investigation (R-ACC-5), at the version the investigator read. Its events are
# read in the accident's history. The closing of the accident bumps the version too, so an edit racing it
# is refused rather than landing on a closed investigation.
INVESTIGATION_FLOW = Workflow(
    model=Investigation,
    name="accidents.investigation",
    state_field=None,
    audit_on=lambda investigation: investigation.accident,
    transitions=[
        Transition(
            "update",
            (),
            None,
            POLICY.roles("investigate"),
            form=InvestigationForm,
            button=False,
            path="investigation",
            verb="updated",
        ),
        Transition(
            "extend",
            (),
            None,
            POLICY.roles("investigate"),
            form=ExtensionForm,
            button=False,
            path="investigation/extend",
            verb="extended",
        ),
        Transition(
            "add_finding",
            (),
            None,
            POLICY.roles("investigate"),
            form=FindingForm,
            button=False,
            path="investigation/findings",
            event="accidents.finding.added",
        ),
        Transition(
            "add_measure",
            (),
            None,
            POLICY.roles("investigate"),
            form=MeasureForm,
            button=False,
            path="investigation/measures",
            event="accidents.measure.added",
        ),
        Transition(
            "measure_to_hazard",
            (),
            None,
            POLICY.roles("investigate"),
            form=MeasureToHazardForm,
            button=False,
            path="investigation/measure-hazard",
            event="accidents.measure.to_hazard",
        ),
        Transition(
            "attach_report",
            (),
            None,
            POLICY.roles("investigate"),
            form=AttachReportForm,
            button=False,
            path="investigation/report",
            verb="report_attached",
        ),
    ],
)


def _still_open(step) -> None:
    if step.obj.closed_at is not None:
        raise Conflict(_("The investigation is closed."))


def update_investigation(investigation: Investigation, *, actor, version, data) -> Investigation:
    """The team and the causes as the investigation learns them."""

    def prepare(step):
        _still_open(step)
        step.changes = {key: step.data[key].strip() for key in INVESTIGATION_TEXT_FIELDS}
        before = {key: getattr(step.obj, key) for key in INVESTIGATION_TEXT_FIELDS}
        step.audit_data["changes"] = {
            key: [before[key], value] for key, value in step.changes.items() if before[key] != value
        }

    return INVESTIGATION_FLOW.perform(
        investigation, "update", actor=actor, version=version, data=data, prepare=prepare
    )


def extend_investigation(investigation: Investigation, *, actor, version, data) -> Investigation:
    """R-ACC-5: one extension of at most 60 days."""

    def prepare(step):
        _still_open(step)
        if step.obj.extended:
            raise Conflict(_("The investigation deadline can be extended only once."))
        deadline = step.obj.deadline + dt.timedelta(days=step.data["days"])
        reason = step.data["reason"].strip()
        step.changes = {"deadline": deadline, "extended": True, "extension_reason": reason}
        step.audit_data.update(
            changes={"deadline": [step.obj.deadline, deadline], "extended": [False, True]}, reason=reason
        )

    return INVESTIGATION_FLOW.perform(
        investigation, "extend", actor=actor, version=version, data=data, prepare=prepare
    )


def add_finding(investigation: Investigation, *, actor, version, data) -> Finding:
    """A responsibility finding: who, which responsibility, which measure is proposed."""

    def after(step):
        fields = {k: step.data[k].strip() for k in ("party", "position", "note")}
        step.result = Finding.objects.create(
            investigation=step.obj,
            responsibility=step.data["responsibility"],
            measure=step.data["measure"],
            **fields,
        )
        step.audit_data.update(
            {k: step.data[k] for k in ("responsibility", "measure")}, party=fields["party"]
        )

    return INVESTIGATION_FLOW.perform(
        investigation,
        "add_finding",
        actor=actor,
        version=version,
        data=data,
        prepare=_still_open,
        after=after,
    )


def add_measure(investigation: Investigation, *, actor, version, data) -> Measure:
    """A rectification measure, for an enterprise the investigator sees (or the accident's own)."""

    def prepare(step):
        _still_open(step)
        enterprise = step.data.get("enterprise")
        if (
            enterprise is not None
            and not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
        ):
            raise InvalidInput.field("enterprise", _("Choose an enterprise in your area."))

    def after(step):
        text = step.data["text"].strip()
        step.result = Measure.objects.create(
            investigation=step.obj, text=text, enterprise=step.data.get("enterprise")
        )
        step.audit_data["measure"] = text

    return INVESTIGATION_FLOW.perform(
        investigation, "add_measure", actor=actor, version=version, data=data, prepare=prepare, after=after
    )


def measure_to_hazard(investigation: Investigation, *, actor, version, data):
    """A rectification measure enters the hazard loop (source `accident_followup`); once."""

    def prepare(step):
        _still_open(step)
        measure = Measure.objects.filter(pk=step.data["measure_pk"], investigation=step.obj).first()
        if measure is None:
            raise InvalidInput.field("measure_pk", _("Choose a measure of this investigation."))
        if measure.hazard_id:
            raise Conflict(_("This measure is already in the hazard loop."))
        if measure.enterprise_id is None and step.obj.accident.enterprise_id is None:
            raise InvalidInput.field(
                "enterprise", _("Choose the enterprise that must carry out the measure.")
            )
        step.before = measure

    return INVESTIGATION_FLOW.perform(
        investigation,
        "measure_to_hazard",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        after=_register_hazard,
    )


def _register_hazard(step) -> None:
    from hazards.services import report_hazard

    measure, accident = step.before, step.obj.accident
    enterprise = measure.enterprise or accident.enterprise
    hazard = report_hazard(
        actor=step.actor,
        enterprise=enterprise,
        title=measure.text[:120],
        category=step.data["category"],
        source="accident_followup",
        level=step.data["level"],
        sector=accident.sector,
        description=_("Rectification measure of the investigation of accident “%(title)s”.")
        % {"title": accident.title},
        origin_type="accidents.accident",
        origin_id=accident.pk,
    )
    Measure.objects.filter(pk=measure.pk).update(hazard_id=hazard.pk, enterprise=enterprise)
    step.audit_data.update(measure=measure.pk, hazard=hazard.pk)
    step.result = hazard


REPORT_PURPOSE = "investigation_report"


def report_documents(investigation: Investigation):
    from attachments.models import Attachment

    return Attachment.objects.for_owner(investigation, REPORT_PURPOSE)


def attach_investigation_report(investigation: Investigation, *, actor, version, data) -> list:
    """The investigation report's files (uploaded first: `attachments` are their ids)."""

    def after(step):
        from attachments.services import link_attachments

        step.result = link_attachments(
            actor=actor, attachments=step.data["attachments"], owner=step.obj, purpose=REPORT_PURPOSE
        )
        step.audit_data["attachments"] = [a.pk for a in step.result]

    return INVESTIGATION_FLOW.perform(
        investigation,
        "attach_report",
        actor=actor,
        version=version,
        data=data,
        prepare=_still_open,
        after=after,
    )


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

    # A new version: an edit of the investigation read before the closing is refused (INVESTIGATION_FLOW).
    Investigation.objects.filter(accident=step.obj, closed_at__isnull=True).update(
        closed_at=step.obj.closed_at, version=F("version") + 1
    )
    chain.open_evaluation_step(step.obj)  # R-ACC-8: the one-year evaluation starts at the closing
    step.result = case_from_accident(actor=step.actor, accident=step.obj)
