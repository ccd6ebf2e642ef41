"""Accountability proposals (R-ACCT-4): fired by the facts, decided by an official, never applied alone."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.choices import (
    Decision,
    Measure,
    MeasureState,
    ProposalState,
    TargetKind,
    Trigger,
)
from accountability.models import CitedHazard, Commitment, MeasureRecord, Proposal
from accountability.policy import POLICY
from audit.services import record
from core.choices import Role
from core.documents import official_number
from core.errors import Conflict, InvalidInput
from core.forms import bind
from core.jobs import job_cursor, save_cursor
from core.workflow import Transition, Workflow, record_created

API_PATHS = {"hazard": "/api/v1/hazards/{}/", "accident": "/api/v1/accidents/{}/"}


def overdue_days() -> int:
    return int(getattr(settings, "ACCOUNTABILITY_OVERDUE_DAYS", 30))


def general_overdue_count() -> int:
    return int(getattr(settings, "ACCOUNTABILITY_GENERAL_OVERDUE_COUNT", 3))


def fact(kind: str, obj) -> dict:
    return {"kind": kind, "id": obj.pk, "title": str(obj), "href": API_PATHS[kind].format(obj.pk)}


# --- proposing --------------------------------------------------------------------------------------


def target_key(kind: str, *, town=None, department=None, enterprise=None) -> str:
    unit = {TargetKind.TOWN: town, TargetKind.DEPARTMENT: department, TargetKind.ENTERPRISE: enterprise}[kind]
    return f"{kind}:{unit.pk}"


def propose(
    *,
    trigger,
    kind,
    cause: str,
    measure,
    facts: list[dict],
    reason: str = "",
    town=None,
    department=None,
    enterprise=None,
) -> Proposal | None:
    """One proposal per target and cause: None when it was proposed before (the unique constraint holds it
    even when two runs race). Written by the system (no actor); the district is told."""
    if enterprise is not None:
        town = enterprise.town
    key = target_key(kind, town=town, department=department, enterprise=enterprise)
    if Proposal.objects.filter(trigger=trigger, target_key=key, cause=cause).exists():
        return None
    try:
        with transaction.atomic():
            proposal = Proposal.objects.create(
                trigger=trigger,
                target_kind=kind,
                target_key=key,
                town=town if kind != TargetKind.DEPARTMENT else None,
                department=department,
                enterprise=enterprise,
                cause=cause,
                measure=measure,
                facts=facts,
                reason=reason,
            )
            record_created(
                proposal, "accountability.proposal", actor=None, data={"trigger": trigger, "cause": cause}
            )
    except IntegrityError:
        return None
    _tell_deciders(proposal)
    return proposal


def _tell_deciders(proposal: Proposal) -> None:
    from notifications.recipients import Audience, resolve
    from notifications.services import notify

    notify(
        recipients=resolve([Audience.DISTRICT]),
        kind="accountability.proposal",
        title=_("Accountability proposal to decide: %(target)s") % {"target": proposal.target},
        body=str(proposal.get_trigger_display()),
        url=proposal.get_absolute_url(),
        target=proposal,
        dedup_key=f"accountability.proposal:{proposal.pk}",
    )


def _departments_of(sector_id):
    from registry.models import Department

    return Department.objects.filter(is_active=True, sectors=sector_id).order_by("code")


def _departments_by_sector() -> dict[str, list]:
    """Every active department by the sectors it supervises, read once per run (one query)."""
    from registry.models import Department

    by_sector: dict[str, list] = {}
    links = (
        Department.sectors.through.objects.filter(department__is_active=True)
        .select_related("department")
        .order_by("department__code")
    )
    for link in links:
        by_sector.setdefault(link.sector_id, []).append(link.department)
    return by_sector


TRIGGER_JOB = "accountability.run_triggers"
TRIGGER_BATCH = 500  # overdue hazards per transaction


def fire_hazard_triggers(today: dt.date, *, batch_size: int = TRIGGER_BATCH) -> int:
    """R-ACCT-4: a major hazard overdue past N days, or three general ones, for a town or a department.

    The overdue hazards are walked in id order, `batch_size` at a time, each batch in its own transaction
    with the job's cursor (issue 17: a run that dies resumes after its last committed batch the same day).
    A batch reads what was proposed before for its targets in one query, whatever its size; only a new
    proposal costs its own writes (the proposal, its audit event, the district's notification)."""
    from hazards.choices import Level, State
    from hazards.models import Hazard

    limit = today - dt.timedelta(days=overdue_days())
    overdue = (
        Hazard.objects.filter(state=State.RECTIFYING, deadline__lt=limit)
        .select_related("town", "sector", "enterprise")
        .order_by("pk")
    )
    run = _TriggerRun(_departments_by_sector())
    after = _resume_after(today)
    while True:
        batch = list(overdue.filter(pk__gt=after)[:batch_size])
        if not batch:
            break
        with transaction.atomic():
            run.major([h for h in batch if h.level == Level.MAJOR])
            run.general([h for h in batch if h.level != Level.MAJOR])
            after = batch[-1].pk
            save_cursor(TRIGGER_JOB, f"{today.isoformat()}:{after}")
    save_cursor(TRIGGER_JOB, "")
    return run.created


def _resume_after(today: dt.date) -> int:
    """The last hazard id a run of today committed before it stopped; 0 to start from the beginning."""
    day, _sep, last = job_cursor(TRIGGER_JOB).partition(":")
    return int(last) if day == today.isoformat() and last.isdigit() else 0


class _TriggerRun:
    """One run over the overdue hazards. General hazards wait per target until there are enough of them for
    a proposal; those still waiting when a run dies are taken up by the next run (the cursor is per day and
    cleared at the end of every run)."""

    def __init__(self, departments: dict[str, list]):
        self.departments = departments
        self.reason = _("Overdue by more than %(days)s days.") % {"days": overdue_days()}
        self.waiting: dict[str, list] = {}  # target key → general hazards not yet cited for it
        self.units: dict[str, tuple] = {}
        self.created = 0

    def targets(self, hazard) -> list[tuple]:
        units = [(TargetKind.TOWN, hazard.town)]
        units += [(TargetKind.DEPARTMENT, d) for d in self.departments.get(hazard.sector_id, [])]
        return [(target_key(kind, **{kind: unit}), kind, unit) for kind, unit in units]

    def major(self, hazards: list) -> None:
        wanted = [(key, kind, unit, h) for h in hazards for key, kind, unit in self.targets(h)]
        causes = {f"hazard:{h.pk}" for h in hazards}
        done = set(
            Proposal.objects.filter(trigger=Trigger.MAJOR_HAZARD_OVERDUE, cause__in=causes).values_list(
                "target_key", "cause"
            )
        )
        for key, kind, unit, hazard in wanted:
            cause = f"hazard:{hazard.pk}"
            if (key, cause) not in done:
                self.fire(Trigger.MAJOR_HAZARD_OVERDUE, kind, unit, cause, [fact("hazard", hazard)])

    def general(self, hazards: list) -> None:
        pairs = [(key, kind, unit, h) for h in hazards for key, kind, unit in self.targets(h)]
        cited = self.cited({key for key, _kind, _unit, _h in pairs}, {h.pk for h in hazards})
        for key, kind, unit, hazard in pairs:
            # Each hazard counts towards one such proposal per target: re-runs and later hazards add no twin.
            if hazard.pk not in cited.get(key, set()):
                self.waiting.setdefault(key, []).append(hazard)
                self.units[key] = (kind, unit)
        needed = general_overdue_count()
        for key, waiting in self.waiting.items():
            kind, unit = self.units[key]
            while len(waiting) >= needed:
                group, waiting[:] = waiting[:needed], waiting[needed:]
                cause = "hazards:" + ",".join(str(h.pk) for h in group)
                facts = [fact("hazard", h) for h in group]
                proposal = self.fire(Trigger.GENERAL_HAZARDS_OVERDUE, kind, unit, cause, facts)
                if proposal is not None:
                    cite = [CitedHazard(proposal=proposal, target_key=key, hazard_id=h.pk) for h in group]
                    CitedHazard.objects.bulk_create(cite, ignore_conflicts=True)

    @staticmethod
    def cited(keys: set[str], hazard_ids: set[int]) -> dict[str, set[int]]:
        """Which of these hazards a general-hazards proposal of each target already cites (one query over
        the batch's hazards, however many proposals were made before)."""
        cited: dict[str, set[int]] = {}
        rows = CitedHazard.objects.filter(target_key__in=keys, hazard_id__in=hazard_ids).values_list(
            "target_key", "hazard_id"
        )
        for key, hazard_id in rows:
            cited.setdefault(key, set()).add(hazard_id)
        return cited

    def fire(self, trigger, kind, unit, cause, facts) -> Proposal | None:
        proposal = _propose(trigger, kind, unit, cause, facts, self.reason)
        self.created += proposal is not None
        return proposal


def _propose(trigger, kind, unit, cause, facts, reason, measure=Measure.INTERVIEW) -> Proposal | None:
    return propose(
        trigger=trigger, kind=kind, cause=cause, measure=measure, facts=facts, reason=reason, **{kind: unit}
    )


def _fire(trigger, kind, unit, cause, facts, reason, measure=Measure.INTERVIEW) -> int:
    return int(_propose(trigger, kind, unit, cause, facts, reason, measure) is not None)


def check_accident(accident) -> int:
    """The triggers of one accident: a late unit report → a circular; larger or above → interviews of the
    town's and the sector department's leaders. Safe to call again with the same accident."""
    from accidents.choices import LEVEL_RANK, Level, Step

    created = 0
    unit_report = next((d for d in accident.deadlines.all() if d.step == Step.UNIT_TO_DISTRICT), None)
    late = unit_report is not None and (
        unit_report.late_flagged_at is not None
        or (unit_report.done_at and unit_report.done_at > unit_report.due_at)
    )
    cause = f"accident:{accident.pk}"
    if late:
        kind, unit = (
            (TargetKind.ENTERPRISE, accident.enterprise)
            if accident.enterprise_id
            else (TargetKind.TOWN, accident.town)
        )
        created += _fire(
            Trigger.LATE_ACCIDENT_REPORT,
            kind,
            unit,
            cause,
            [fact("accident", accident)],
            _("The accident was reported to the district after the time allowed."),
            Measure.CIRCULAR,
        )
    if LEVEL_RANK[accident.level] >= LEVEL_RANK[Level.LARGER]:
        reason = _("%(level)s in the area.") % {"level": accident.get_level_display()}
        targets = [(TargetKind.TOWN, accident.town)] + [
            (TargetKind.DEPARTMENT, d) for d in _departments_of(accident.sector_id)
        ]
        for kind, unit in targets:
            created += _fire(Trigger.LARGER_ACCIDENT, kind, unit, cause, [fact("accident", accident)], reason)
    return created


def fire_accident_triggers(since: dt.datetime) -> int:
    from django.db.models import Q

    from accidents.choices import Level
    from accidents.models import Accident

    accidents = (
        Accident.objects.filter(occurred_at__gte=since)
        .filter(
            Q(level__in=[Level.LARGER, Level.MAJOR, Level.ESPECIALLY_MAJOR])
            | Q(deadlines__late_flagged_at__isnull=False)
        )
        .distinct()
        .select_related("town", "enterprise__town", "sector")
        .prefetch_related("deadlines")
    )
    return sum(check_accident(a) for a in accidents)


def run_triggers(*, now: dt.datetime | None = None) -> dict:
    """The periodic job's work: idempotent, so running it twice (or late) proposes nothing twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "hazards": fire_hazard_triggers(today),
        "accidents": fire_accident_triggers(now - dt.timedelta(days=366)),
    }


# --- deciding ---------------------------------------------------------------------------------------


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Decision.choices)
    measure = forms.ChoiceField(
        label=gettext_lazy("Measure decided (when changing it)"),
        choices=[("", "—"), *Measure.choices],
        required=False,
        help_text=gettext_lazy("Required when the decision is to change the measure."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note or reason"),
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text=gettext_lazy("Required when dismissing: the reason."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == Decision.CHANGE and not data.get("measure"):
            self.add_error("measure", gettext_lazy("Choose the measure decided instead."))
        if data.get("decision") == Decision.DISMISS and not (data.get("note") or "").strip():
            self.add_error("note", gettext_lazy("Give the reason for dismissing the proposal."))
        return data


PROPOSAL_FLOW = Workflow(
    model=Proposal,
    name="accountability.proposal",
    transitions=[
        # The state it ends in depends on the decision (decided or dismissed): set in `_decide`.
        Transition(
            "decide",
            (ProposalState.PROPOSED,),
            None,
            {Role.DISTRICT_ADMIN},
            label=gettext_lazy("Decide"),
            form=DecideForm,
            verb="decided",
            # What the decision needs: the measure when changing it, the reason when dismissing.
            rule_fields=("measure", "note"),
        ),
    ],
    page_url_name="accountability:proposal_action",
)


def _measure_kind(measure: str) -> str:
    return {Measure.INTERVIEW: "accountability.interview", Measure.CIRCULAR: "accountability.circular"}.get(
        measure, "accountability.measure"
    )


def decide_proposal(proposal, *, actor, version, data=None):
    """Accept, change the measure, or dismiss with a reason; a decided proposal answers 409."""

    def prepare(step):
        decision = step.data["decision"]
        measure = step.data.get("measure") if decision == Decision.CHANGE else step.obj.measure
        dismissed = decision == Decision.DISMISS
        step.changes.update(
            state=ProposalState.DISMISSED if dismissed else ProposalState.DECIDED,
            decision=decision,
            decided_measure="" if dismissed else measure,
            decision_note=step.data.get("note", ""),
            decided_at=timezone.now(),
            decided_by=step.actor,
        )
        step.audit_data.update(decision=decision, measure=measure, to_state=step.changes["state"])

    def after(step):
        proposal = step.obj
        if proposal.state != ProposalState.DECIDED:
            return
        MeasureRecord.objects.create(
            proposal=proposal,
            target_kind=proposal.target_kind,
            town=proposal.town,
            department=proposal.department,
            enterprise=proposal.enterprise,
            measure=proposal.decided_measure,
            document_number=official_number(_measure_kind(proposal.decided_measure)),
            created_by=step.actor,
        )

    return PROPOSAL_FLOW.perform(
        proposal,
        "decide",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        after=after,
        notify=_tell_target,
    )


def _tell_target(step) -> None:
    """The unit a measure was decided on is told (its officials, or the enterprise's own users)."""
    from notifications.recipients import Audience, resolve
    from notifications.services import notify

    proposal = step.obj
    if proposal.state != ProposalState.DECIDED:
        return
    if proposal.target_kind == TargetKind.DEPARTMENT:
        sectors = list(proposal.department.sectors.values_list("code", flat=True))
        recipients = [
            u
            for u in resolve([Audience.DEPARTMENT], sector_codes=sectors)
            if u.department_id == proposal.department_id
        ]
    elif proposal.target_kind == TargetKind.ENTERPRISE:
        recipients = resolve(
            [Audience.ENTERPRISE, Audience.TOWN],
            enterprise_id=proposal.enterprise_id,
            town_id=proposal.town_id,
        )
    else:
        recipients = resolve([Audience.TOWN], town_id=proposal.town_id)
    record = MeasureRecord.objects.filter(proposal=proposal).first()
    notify(
        recipients=recipients,
        kind="accountability.measure",
        title=_("Accountability measure decided: %(measure)s")
        % {"measure": proposal.get_decided_measure_display()},
        body=str(proposal.get_trigger_display()),
        url=record.get_absolute_url() if record else proposal.get_absolute_url(),
        target=proposal,
        dedup_key=f"accountability.decided:{proposal.pk}",
    )


# --- carrying out the decided measure -----------------------------------------------------------------


class RecordForm(forms.Form):
    held_on = forms.DateField(label=gettext_lazy("Held or issued on"))
    participants = forms.CharField(label=gettext_lazy("Participants"), max_length=300, required=False)
    minutes = forms.CharField(label=gettext_lazy("Minutes or text"), widget=forms.Textarea, max_length=20000)


class CloseForm(forms.Form):
    closing_note = forms.CharField(
        label=gettext_lazy("Follow-up conclusion"),
        widget=forms.Textarea,
        max_length=4000,
        help_text=gettext_lazy("The measure closes once every commitment made under it is done."),
    )


MEASURE_FLOW = Workflow(
    model=MeasureRecord,
    name="accountability.measure",
    transitions=[
        Transition(
            "record",
            (MeasureState.OPEN,),
            MeasureState.CARRIED_OUT,
            {Role.DISTRICT_ADMIN},
            label=gettext_lazy("Record the minutes or text"),
            form=RecordForm,
            verb="recorded",
        ),
        Transition(
            "close",
            (MeasureState.CARRIED_OUT,),
            MeasureState.CLOSED,
            {Role.DISTRICT_ADMIN},
            label=gettext_lazy("Close after follow-up"),
            form=CloseForm,
            verb="closed",
            # A rule of the measure: no commitment left open.
            rule_fields=("closing_note",),
        ),
    ],
    page_url_name="accountability:measure_action",
)


def record_measure(measure, *, actor, version, data=None):
    def prepare(step):
        step.changes.update({k: step.data.get(k, "") for k in ("held_on", "participants", "minutes")})

    return MEASURE_FLOW.perform(measure, "record", actor=actor, version=version, data=data, prepare=prepare)


def close_measure(measure, *, actor, version, data=None):
    def prepare(step):
        if step.obj.commitments.filter(done_on__isnull=True).exists():
            raise InvalidInput.field("closing_note", _("Commitments are still open; follow them up first."))
        step.changes["closing_note"] = step.data["closing_note"]

    return MEASURE_FLOW.perform(measure, "close", actor=actor, version=version, data=data, prepare=prepare)


class CommitmentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Commitment"), max_length=300)
    due_on = forms.DateField(label=gettext_lazy("Due on"))


def add_commitment(*, actor, measure: MeasureRecord, data) -> Commitment:
    with transaction.atomic():
        POLICY.require(actor, "add_commitment", obj=measure)
        if measure.state == MeasureState.CLOSED:
            raise Conflict(_("The measure is closed."))
        form = bind(CommitmentForm, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        commitment = Commitment.objects.create(record=measure, **form.cleaned_data)
        record(
            measure,
            "accountability.measure.commitment_added",
            actor=actor,
            data={"commitment": commitment.pk},
        )
    return commitment


class CompleteForm(forms.Form):
    done_on = forms.DateField(label=gettext_lazy("Done on"))
    follow_up_note = forms.CharField(label=gettext_lazy("Follow-up"), max_length=300, required=False)


def complete_commitment(*, actor, commitment: Commitment, data) -> Commitment:
    """The follow-up of a commitment: done on a date (a conditional update: done once)."""
    with transaction.atomic():
        POLICY.require(actor, "follow_up", obj=commitment.record)
        form = bind(CompleteForm, data)
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        if not Commitment.objects.filter(pk=commitment.pk, done_on__isnull=True).update(**form.cleaned_data):
            raise Conflict(_("This commitment is already followed up."))
        commitment.refresh_from_db()
        record(
            commitment.record,
            "accountability.measure.commitment_done",
            actor=actor,
            data={"commitment": commitment.pk},
        )
    return commitment
