"""Pages of plans, their versions and filings, and drills with their improvement actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from attachments.uploads import store_uploads
from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.views import domain_error_text, posted_or_blank, refused_button
from core.workflow_views import transition_page
from emergency import selectors, services
from emergency.forms import (
    ActionForm,
    DrillRecordForm,
    PlanEvaluationForm,
    PlanForm,
    PublishPageForm,
    RevisionTriggerForm,
)
from emergency.models import Drill, ImprovementAction, Plan, PlanVersion
from emergency.policy import POLICY
from emergency.views.common import form_page, page_of


@login_required
def plan_list(request):
    statuses = selectors.plan_statuses(Plan.objects.visible_to(request.user))
    if request.GET.get("behind") == "1":
        statuses = [s for s in statuses if s.behind]
    return render(
        request,
        "emergency/plan_list.html",
        {
            "page_obj": page_of(request, statuses),
            "can_add": POLICY.can(request.user, "keep_records"),
            "behind": request.GET.get("behind") == "1",
        },
    )


@login_required
def plan_create(request):
    return form_page(
        request,
        form_class=PlanForm,
        service=services.create_plan,
        action="keep_records",
        title=_("New emergency plan"),
        success=lambda p: reverse("emergency:plan_detail", args=[p.pk]),
    )


@login_required
def plan_detail(request, pk, *, refusal: str = "", status: int = 200):
    """`refusal`: why a revision just posted was refused; the page shows it with what was typed (`status`)."""
    plan = get_visible_or_404(
        Plan.objects.select_related("owner_enterprise", "owner_department", "owner_town"), request.user, pk=pk
    )
    from attachments.models import Attachment

    versions = [
        (v, services.VERSION_FLOW.buttons(request.user, v), Attachment.objects.for_owner(v, "plan_document"))
        for v in plan.versions.order_by("-number")
    ]
    return render(
        request,
        "emergency/plan_detail.html",
        {
            "plan": plan,
            "status": selectors.plan_status(plan),
            "versions": versions,
            "drills": plan.drills.all(),
            "can_write": POLICY.can(request.user, "keep_records"),
            "revision_refusal": refusal,
            "typed_changes": request.POST.get("changes", "") if refusal else "",
            "can_evaluate": services.PLAN_FLOW.may(request.user, "evaluate", plan),
            "evaluation_form": posted_or_blank(request, "evaluation_form", PlanEvaluationForm),
            # Both forms name the trigger: distinct ids keep each label tied to its own field.
            "trigger_form": posted_or_blank(
                request, "trigger_form", RevisionTriggerForm, auto_id="trigger_%s"
            ),
        },
        status=status,
    )


# The plan's evaluation and revision trigger: forms of the plan's own page, posted to routes generated from
# PLAN_FLOW; a refusal draws the plan's page again with that form as posted.
plan_transition = transition_page(
    services.PLAN_FLOW,
    queryset=lambda: Plan.objects.all(),
    services={"evaluate": services.record_evaluation, "record_trigger": services.record_revision_trigger},
    inline={"evaluate": "evaluation_form", "record_trigger": "trigger_form"},
    success={"evaluate": gettext_lazy("Saved."), "record_trigger": gettext_lazy("Saved.")},
)


@login_required
@require_POST
def plan_revise(request, pk):
    plan = get_visible_or_404(Plan.objects.all(), request.user, pk=pk)
    try:
        services.start_revision(plan, actor=request.user, changes=request.POST.get("changes", ""))
    except DomainError as exc:
        return plan_detail(request, pk, refusal=domain_error_text(exc), status=exc.status_code)
    return redirect("emergency:plan_detail", pk=plan.pk)


def _received_documents(request, action: str, data: dict) -> dict:
    """The publish page's files become stored attachments (sniffed, digested) and the service links them."""
    files = request.FILES.getlist("documents") if action == "publish" else []
    if not files:
        return data
    stored = store_uploads(request.user, files, "documents")
    return {**data, "attachments": [a.pk for a in stored]}


planversion_transition = transition_page(
    services.VERSION_FLOW,
    queryset=lambda: PlanVersion.objects.all(),
    services={
        "publish": services.publish_plan_version,
        "file": services.file_plan_version,
        "check_filing": services.check_plan_filing,
    },
    page_forms={"publish": PublishPageForm},
    receive=_received_documents,
)


@login_required
def drill_list(request):
    page = page_of(request, selectors.drills_of(request.user))
    return render(
        request,
        "emergency/drill_list.html",
        {
            "page_obj": page,
            "can_add": POLICY.can(request.user, "keep_records"),
            "compliance": selectors.compliance(request.user),
        },
    )


@login_required
def drill_create(request):
    return form_page(
        request,
        form_class=DrillRecordForm,
        service=services.record_drill,
        action="keep_records",
        title=_("Record a drill"),
        success=lambda d: reverse("emergency:drill_detail", args=[d.pk]),
        initial={"plan": request.GET.get("plan")},
    )


@login_required
def drill_detail(request, pk):
    drill = get_visible_or_404(Drill.objects.select_related("plan"), request.user, pk=pk)
    form, status = ActionForm(), 200
    if request.method == "POST":
        form = ActionForm(data=request.POST)
        try:
            services.add_improvement_action(drill, actor=request.user, data=request.POST)
        except DomainError as exc:
            from core.views import apply_domain_errors

            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect("emergency:drill_detail", pk=drill.pk)
    return _drill_page(request, drill, form, status=status)


def _drill_page(request, drill, form=None, *, status: int = 200):
    actions = [(a, services.ACTION_FLOW.buttons(request.user, a)) for a in drill.actions.all()]
    return render(
        request,
        "emergency/drill_detail.html",
        {
            "drill": drill,
            # The joint drill's other plans, those the viewer may see (one may be another unit's).
            "other_plans": Plan.objects.visible_to(request.user).filter(joint_drills=drill).order_by("title"),
            "buttons": services.DRILL_FLOW.buttons(request.user, drill),
            "actions": actions,
            "form": form or ActionForm(),
            "can_write": POLICY.can(request.user, "keep_records"),
        },
        status=status,
    )


drill_transition = transition_page(
    services.DRILL_FLOW, queryset=lambda: Drill.objects.all(), services={"evaluate": services.evaluate_drill}
)
action_transition = transition_page(
    services.ACTION_FLOW,
    queryset=lambda: ImprovementAction.objects.all(),
    services={
        "complete": services.complete_action,
        "verify": services.verify_action,
        "reopen": services.reopen_action,
    },
)


@login_required
@require_POST
def action_hazard(request, pk):
    action = get_visible_or_404(ImprovementAction.objects.select_related("drill__plan"), request.user, pk=pk)
    try:
        services.raise_action_as_hazard(action, actor=request.user)
    except DomainError as exc:
        return refused_button(request, exc, lambda: _drill_page(request, action.drill))
    messages.success(request, _("The problem is now a hazard in the hazard loop."))
    return redirect("emergency:drill_detail", pk=action.drill_id)
