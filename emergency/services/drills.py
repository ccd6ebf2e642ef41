"""Drills and their improvement actions (R-EMG-4, R-EMG-8: AQ/T 9009 evaluation → actions with owners)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput
from core.workflow import Transition, Workflow, record_created
from emergency.choices import ActionState, DrillState
from emergency.forms import ActionForm, DrillRecordForm, EvaluateForm, NoteForm
from emergency.models import Drill, ImprovementAction
from emergency.policy import POLICY
from emergency.services.common import audit, require_reach, validate


def record_drill(*, actor, data) -> Drill:
    POLICY.require(actor, "keep_records")
    cleaned = validate(DrillRecordForm, data, actor=actor)
    plan, others = cleaned["plan"], list(cleaned.get("other_plans") or [])
    for field, each in [("plan", plan)] + [("other_plans", p) for p in others]:
        require_reach(actor, field, town_id=each.town_id, enterprise=each.owner_enterprise)
    if cleaned["held_on"] > timezone.localdate():
        raise InvalidInput.field(
            "held_on", _("A drill cannot be recorded before it is held (the date is in the future).")
        )
    with transaction.atomic():
        drill = Drill.objects.create(
            plan=plan,
            held_on=cleaned["held_on"],
            form=cleaned["form"],
            participants=cleaned.get("participants") or 0,
            scenario=cleaned.get("scenario") or "",
        )
        drill.other_plans.set(others)
        record_created(
            drill,
            "emergency.drill",
            actor=actor,
            data={
                "plan": plan.pk,
                "other_plans": [p.pk for p in others],
                "held_on": drill.held_on.isoformat(),
            },
        )
    return drill


def _evaluate(step) -> None:
    step.changes["evaluation"] = step.data["evaluation"]


DRILL_FLOW = Workflow(
    model=Drill,
    name="emergency.drill",
    page_url_name="emergency:drill_transition",
    transitions=[
        Transition(
            "evaluate",
            (DrillState.HELD,),
            DrillState.EVALUATED,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Record the evaluation"),
            form=EvaluateForm,
        ),
    ],
)


def evaluate_drill(drill, *, actor, version, data=None):
    return DRILL_FLOW.perform(drill, "evaluate", actor=actor, version=version, data=data, prepare=_evaluate)


def add_improvement_action(drill: Drill, *, actor, data) -> ImprovementAction:
    """A problem of the evaluation report becomes an action with an owner and a deadline."""
    POLICY.require(actor, "keep_records")
    require_reach(actor, "drill", town_id=drill.plan.town_id, enterprise=drill.plan.owner_enterprise)
    cleaned = validate(ActionForm, data)
    if cleaned["deadline"] < drill.held_on:
        raise InvalidInput.field("deadline", _("The deadline comes after the drill."))
    with transaction.atomic():
        action = ImprovementAction.objects.create(drill=drill, **cleaned)
        record_created(action, "emergency.improvementaction", actor=actor, data={"drill": drill.pk})
    return action


def _note(step) -> None:
    step.changes["note"] = step.data.get("note") or ""


ACTION_FLOW = Workflow(
    model=ImprovementAction,
    name="emergency.improvementaction",
    page_url_name="emergency:action_transition",
    transitions=[
        Transition(
            "complete",
            (ActionState.OPEN,),
            ActionState.DONE,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Mark done"),
            form=NoteForm,
        ),
        Transition(
            "verify",
            (ActionState.DONE,),
            ActionState.VERIFIED,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Verify"),
            form=NoteForm,
        ),
        Transition(
            "reopen",
            (ActionState.DONE,),
            ActionState.OPEN,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Reopen"),
            form=NoteForm,
            style="secondary",
        ),
    ],
)


def complete_action(action, *, actor, version, data=None):
    return ACTION_FLOW.perform(action, "complete", actor=actor, version=version, data=data, prepare=_note)


def verify_action(action, *, actor, version, data=None):
    return ACTION_FLOW.perform(action, "verify", actor=actor, version=version, data=data, prepare=_note)


def reopen_action(action, *, actor, version, data=None):
    return ACTION_FLOW.perform(action, "reopen", actor=actor, version=version, data=data, prepare=_note)


def raise_action_as_hazard(action: ImprovementAction, *, actor) -> ImprovementAction:
    """A drill's problem that is a hazard of the enterprise enters the hazard loop (R-EMG-8), once."""
    from core.choices import Role
    from core.errors import Conflict
    from hazards.choices import Source
    from hazards.services import report_hazard

    plan = action.drill.plan
    if plan.owner_enterprise_id is None:
        raise InvalidInput.field("hazard", _("Only an enterprise's drill problem enters the hazard loop."))
    with transaction.atomic():
        fresh = ImprovementAction.objects.select_for_update().get(pk=action.pk)
        if fresh.hazard_id is not None:
            raise Conflict(_("This problem is already a hazard."))
        source = (
            Source.SELF_INSPECTION
            if Role.ENTERPRISE_USER in actor.role_codes
            else Source.GOVERNMENT_INSPECTION
        )
        hazard = report_hazard(
            actor=actor,
            enterprise=plan.owner_enterprise,
            title=fresh.problem[:200],
            category="management",
            source=source,
            description=_("Found in the drill of %(date)s on the plan “%(plan)s”.")
            % {"date": action.drill.held_on.isoformat(), "plan": plan.title},
            origin_type="emergency.improvementaction",
            origin_id=fresh.pk,
        )
        ImprovementAction.objects.filter(pk=fresh.pk).update(hazard=hazard, version=F("version") + 1)
        audit(fresh, "emergency.improvementaction.hazard_raised", actor=actor, data={"hazard": hazard.pk})
    fresh.refresh_from_db()
    return fresh
