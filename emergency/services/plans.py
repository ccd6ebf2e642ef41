"""Emergency plans: versions, publication, filing within 20 working days, the bureau's check within 5,
evaluation every 3 years and revision on its triggers (R-EMG-1…3, R-EMG-8, R-TIME-1)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.choices import Role
from core.errors import Conflict, InvalidInput
from core.workflow import Transition, Workflow, record_created
from emergency import rules
from emergency.choices import ENTERPRISE_PLAN_TYPES, GOVERNMENT_PLAN_TYPES, OwnerKind, PlanVersionState
from emergency.forms import (
    CheckFilingForm,
    FileForm,
    PlanEvaluationForm,
    PlanForm,
    PublishForm,
    RevisionTriggerForm,
)
from emergency.models import Plan, PlanVersion
from emergency.policy import POLICY
from emergency.services.common import require_reach, validate

S = PlanVersionState


def _owner(cleaned, actor):
    enterprise, department, town = (
        cleaned.get(k) for k in ("owner_enterprise", "owner_department", "owner_town")
    )
    given = [x for x in (enterprise, department, town) if x is not None]
    if len(given) > 1:
        raise InvalidInput.field(
            "owner_enterprise", _("Name one owner: an enterprise, a department or a town.")
        )
    if enterprise is not None:
        require_reach(actor, "owner_enterprise", enterprise=enterprise)
        return OwnerKind.ENTERPRISE, enterprise.town_id
    if department is not None:
        if Role.DISTRICT_ADMIN not in actor.role_codes and actor.department_id != department.pk:
            raise InvalidInput.field(
                "owner_department",
                _("Select a valid choice. That choice is not one of the available choices."),
            )
        return OwnerKind.DEPARTMENT, None
    if town is not None:
        require_reach(actor, "owner_town", town_id=town.pk)
        return OwnerKind.TOWN, town.pk
    # No owner named: an enterprise user's own plan, a town officer's town plan.
    raise InvalidInput.field("owner_enterprise", _("Name the plan's owner."))


def _check_type(kind, plan_type) -> None:
    """R-EMG-1/R-EMG-8: an enterprise's plans follow GB/T 29639-2020, a government's (a town's or a
    department's) are overall, special or departmental."""
    if kind == OwnerKind.ENTERPRISE and plan_type not in ENTERPRISE_PLAN_TYPES:
        raise InvalidInput.field(
            "type", _("An enterprise's plan is comprehensive, special or on-site disposal.")
        )
    if kind != OwnerKind.ENTERPRISE and plan_type not in GOVERNMENT_PLAN_TYPES:
        raise InvalidInput.field("type", _("A government's plan is overall, special or departmental."))


def _check_dates(published_on, filed_on=None) -> None:
    today = timezone.localdate()
    if published_on is not None and published_on > today:
        raise InvalidInput.field("published_on", _("A publication date cannot be in the future."))
    if published_on is not None and filed_on is not None and published_on > filed_on:
        raise InvalidInput.field(
            "published_on",
            _("The plan cannot be published after it was filed (filed on %(date)s).") % {"date": filed_on},
        )


def create_plan(*, actor, data) -> Plan:
    POLICY.require(actor, "keep_records")
    cleaned = validate(PlanForm, data, actor=actor)
    kind, town_id = _owner(cleaned, actor)
    _check_type(kind, cleaned["type"])
    published_on = cleaned.get("published_on")
    _check_dates(published_on)
    with transaction.atomic():
        plan = Plan.objects.create(
            owner_kind=kind,
            owner_enterprise=cleaned.get("owner_enterprise"),
            owner_department=cleaned.get("owner_department"),
            owner_town=cleaned.get("owner_town"),
            town_id=town_id,
            type=cleaned["type"],
            title=cleaned["title"],
            hazard_types=cleaned.get("hazard_types") or "",
            crowded_place=bool(cleaned.get("crowded_place")),
        )
        first = PlanVersion.objects.create(
            plan=plan,
            number=1,
            state=S.PUBLISHED if published_on else S.DRAFT,
            published_on=published_on,
            filing_due=rules.filing_due(published_on) if published_on else None,
        )
        record_created(plan, "emergency.plan", actor=actor, data={"type": plan.type, "owner": kind})
        record_created(first, "emergency.planversion", actor=actor, data={"state": first.state})
    return plan


def _publish(step) -> None:
    published_on = step.data["published_on"]
    _check_dates(published_on, step.obj.filed_on)
    step.changes.update(published_on=published_on, filing_due=rules.filing_due(published_on))
    step.audit_data["filing_due"] = step.changes["filing_due"].isoformat()


def _file(step) -> None:
    filed_on = step.data["filed_on"]
    if filed_on > timezone.localdate():
        raise InvalidInput.field("filed_on", _("A filing date cannot be in the future."))
    if step.obj.published_on and filed_on < step.obj.published_on:
        raise InvalidInput.field(
            "filed_on",
            _("The plan cannot be published after it was filed (published on %(date)s).")
            % {"date": step.obj.published_on},
        )
    step.changes.update(
        filed_on=filed_on,
        filing_number=step.data.get("filing_number") or "",
        check_due=rules.check_due(filed_on),
    )


def _check(step) -> None:
    checked_on = step.data["checked_on"]
    if step.obj.filed_on and checked_on < step.obj.filed_on:
        raise InvalidInput.field("checked_on", _("The check comes after the filing."))
    step.changes.update(checked_on=checked_on, check_note=step.data.get("check_note") or "")


def _previous_superseded(step) -> None:
    """A newly published version restarts the plan's evaluation clock and keeps its documents."""
    from attachments.services import link_attachments

    documents = step.data.get("attachments") or []
    if documents:
        linked = link_attachments(
            actor=step.actor, attachments=documents, owner=step.obj, purpose="plan_document"
        )
        step.audit_data["documents"] = [a.pk for a in linked]
    # The plan's own version moves too: an evaluation sent against the plan as read before is stale.
    Plan.objects.filter(pk=step.obj.plan_id).update(
        last_evaluated_on=None, revision_trigger="", revision_reason="", version=F("version") + 1
    )


VERSION_FLOW = Workflow(
    model=PlanVersion,
    name="emergency.planversion",
    page_url_name="emergency:planversion_transition",
    transitions=[
        Transition(
            "publish",
            (S.DRAFT,),
            S.PUBLISHED,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Publish"),
            form=PublishForm,
        ),
        Transition(
            "file",
            (S.PUBLISHED,),
            S.FILED,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Record the filing"),
            form=FileForm,
            rule_fields=("filed_on",),  # not in the future, not before the version's publication
        ),
        Transition(
            "check_filing",
            (S.FILED,),
            S.CHECKED,
            POLICY.roles("bureau"),
            label=gettext_lazy("Check the filing"),
            form=CheckFilingForm,
            rule_fields=("checked_on",),  # not before the filing
        ),
    ],
)


def publish_plan_version(plan_version, *, actor, version, data=None):
    return VERSION_FLOW.perform(
        plan_version,
        "publish",
        actor=actor,
        version=version,
        data=data,
        prepare=_publish,
        after=_previous_superseded,
    )


def file_plan_version(plan_version, *, actor, version, data=None):
    return VERSION_FLOW.perform(plan_version, "file", actor=actor, version=version, data=data, prepare=_file)


def check_plan_filing(plan_version, *, actor, version, data=None):
    return VERSION_FLOW.perform(
        plan_version, "check_filing", actor=actor, version=version, data=data, prepare=_check
    )


def start_revision(plan: Plan, *, actor, changes: str = "") -> PlanVersion:
    """A new draft version (revision after a trigger of R-EMG-3)."""
    POLICY.require(actor, "keep_records")
    require_reach(actor, "plan", town_id=plan.town_id, enterprise=plan.owner_enterprise)
    open_draft = plan.versions.filter(state=PlanVersionState.DRAFT).order_by("-number").first()
    if open_draft is not None:
        raise Conflict(
            _("Version %(number)s is still a draft: finish or publish it before starting another revision.")
            % {"number": open_draft.number}
        )
    changes = (changes or "").strip()
    if not changes:
        raise InvalidInput.field("changes", _("Say what the revision changes."))
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    try:
        with transaction.atomic():  # two keepers starting at once: the (plan, number) constraint keeps one
            draft = PlanVersion.objects.create(plan=plan, number=number, changes=changes[:2000])
            record_created(draft, "emergency.planversion", actor=actor, data={"number": number})
    except IntegrityError:
        raise Conflict() from None
    return draft


def _check_evaluation_date(plan: Plan, evaluated_on) -> None:
    """An earlier date than the version's publication or the last evaluation would move the three-year
    clock backwards; a future one would start it before the evaluation happened."""
    current = plan.current()
    if evaluated_on > timezone.localdate():
        raise InvalidInput.field("evaluated_on", _("An evaluation date cannot be in the future."))
    if current is not None and current.published_on and evaluated_on < current.published_on:
        raise InvalidInput.field(
            "evaluated_on",
            _("The evaluation comes after the current version's publication (%(date)s).")
            % {"date": current.published_on},
        )
    if plan.last_evaluated_on and evaluated_on < plan.last_evaluated_on:
        raise InvalidInput.field(
            "evaluated_on",
            _("The evaluation comes after the last one (%(date)s).") % {"date": plan.last_evaluated_on},
        )


def _evaluate(step) -> None:
    """R-EMG-3: the evaluation restarts the three-year clock from its own date; a trigger it finds marks
    the plan for revision and must say what changed (the trigger alone does not tell what to revise)."""
    plan, data = step.obj, step.data
    evaluated_on = data["evaluated_on"]
    _check_evaluation_date(plan, evaluated_on)
    if data.get("revision_trigger") and not data.get("revision_reason"):
        raise InvalidInput.field("revision_reason", _("Say what changed that requires the revision."))
    step.changes["last_evaluated_on"] = evaluated_on
    if data.get("revision_trigger"):
        step.changes.update(
            revision_trigger=data["revision_trigger"], revision_reason=data["revision_reason"]
        )
    step.audit_data.update(
        evaluated_on=evaluated_on.isoformat(),
        findings=data.get("findings") or "",
        revision_trigger=data.get("revision_trigger") or "",
        review_due=rules.review_due(evaluated_on).isoformat(),
    )


def _trigger(step) -> None:
    step.changes.update(
        revision_trigger=step.data["revision_trigger"], revision_reason=step.data["revision_reason"]
    )
    step.audit_data.update(
        revision_trigger=step.data["revision_trigger"], revision_reason=step.data["revision_reason"]
    )


# A plan has no state of its own (its versions carry publication and filing): its evaluation and its
# revision triggers are transitions without states, performed with the version the client read.
PLAN_FLOW = Workflow(
    model=Plan,
    name="emergency.plan",
    state_field=None,
    transitions=[
        Transition(
            "evaluate",
            (),
            None,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Record the evaluation"),
            form=PlanEvaluationForm,
            verb="evaluated",
            # not in the future nor before the publication or the last evaluation; a trigger needs its reason
            rule_fields=("evaluated_on", "revision_reason"),
        ),
        Transition(
            "record_trigger",
            (),
            None,
            POLICY.roles("keep_records"),
            label=gettext_lazy("Record a revision trigger"),
            form=RevisionTriggerForm,
            verb="revision_triggered",
            path="revision-trigger",
        ),
    ],
)


def record_evaluation(plan: Plan, *, actor, version, data=None) -> Plan:
    """R-EMG-3: the plan's evaluation; a trigger it names marks the plan for revision."""
    return PLAN_FLOW.perform(plan, "evaluate", actor=actor, version=version, data=data, prepare=_evaluate)


def record_revision_trigger(plan: Plan, *, actor, version, data=None) -> Plan:
    """R-EMG-3: a trigger that occurred between evaluations marks the plan for revision now."""
    return PLAN_FLOW.perform(
        plan, "record_trigger", actor=actor, version=version, data=data, prepare=_trigger
    )
