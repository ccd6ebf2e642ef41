"""Pages of the accountability module: proposals, measures, the assessment, cases, responsibility lists."""

from __future__ import annotations

import datetime as dt
from itertools import zip_longest

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountability import exports, params, selectors
from accountability.choices import CaseMeasure, ProposalState
from accountability.models import (
    CaseDocument,
    Commitment,
    DutyTemplate,
    EnforcementCase,
    EnforcementPlan,
    MeasureRecord,
    Proposal,
    ResponsibilityPosition,
)
from accountability.policy import POLICY
from accountability.services import assessment as assessment_services
from accountability.services import enforcement, responsibility
from accountability.services import proposals as proposal_services
from audit.services import timeline
from core.errors import DomainError, NotAllowed
from core.scoping import get_visible_or_404, scope_of
from core.views import posted_or_blank, refuse_to_page
from core.workflow_views import transition_page
from registry.models import Enterprise


def _page(request, qs, size=25):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _year(request) -> int:
    year = params.number(request.GET.get("year"), *params.YEARS)
    return selectors.default_year() if year is None else year


def _quarter(request) -> int | None:
    return params.number(request.GET.get("quarter"), *params.QUARTERS)


def _kind(request) -> str:
    return params.kind(request.GET.get("kind"))


# --- proposals and measures -----------------------------------------------------------------------------


@login_required
def proposal_list(request):
    qs = Proposal.objects.visible_to(request.user).select_related("town", "department", "enterprise")
    state = request.GET.get("state")
    if state in ProposalState.values:
        qs = qs.filter(state=state)
    return render(
        request,
        "accountability/proposal_list.html",
        {"page": _page(request, qs), "states": ProposalState.choices, "state": state},
    )


@login_required
def proposal_detail(request, pk):
    proposal = get_visible_or_404(
        Proposal.objects.select_related("town", "department", "enterprise"), request.user, pk=pk
    )
    return render(
        request,
        "accountability/proposal_detail.html",
        {
            "proposal": proposal,
            "buttons": proposal_services.PROPOSAL_FLOW.buttons(request.user, proposal),
            "measure": MeasureRecord.objects.filter(proposal=proposal).first(),
        },
    )


proposal_action = transition_page(
    proposal_services.PROPOSAL_FLOW,
    queryset=lambda: Proposal.objects.all(),
    services={"decide": proposal_services.decide_proposal},
)


@login_required
def measure_detail(request, pk):
    measure = get_visible_or_404(MeasureRecord.objects.select_related("proposal"), request.user, pk=pk)
    return render(
        request,
        "accountability/measure_detail.html",
        {
            "measure": measure,
            "buttons": proposal_services.MEASURE_FLOW.buttons(request.user, measure),
            "commitments": measure.commitments.all(),
            "commitment_form": posted_or_blank(request, "commitment_form", proposal_services.CommitmentForm),
            "can_commit": POLICY.can(request.user, "add_commitment"),
            "can_follow": POLICY.can(request.user, "follow_up"),
        },
    )


@login_required
def measure_document(request, pk):
    measure = get_visible_or_404(
        MeasureRecord.objects.select_related("proposal", "town", "department", "enterprise"),
        request.user,
        pk=pk,
    )
    return exports.measure_pdf(measure)


measure_action = transition_page(
    proposal_services.MEASURE_FLOW,
    queryset=lambda: MeasureRecord.objects.all(),
    services={"record": proposal_services.record_measure, "close": proposal_services.close_measure},
)


def _done(request, url, call, form_key: str = ""):
    """Run a post's service; a refusal draws the page at `url` again with the form `form_key` as posted."""
    try:
        call()
    except NotAllowed:
        raise PermissionDenied
    except DomainError as exc:
        return refuse_to_page(request, exc, url, form_key)
    messages.success(request, _("Saved."))
    return redirect(url)


@login_required
@require_POST
def commitment_add(request, pk):
    measure = get_visible_or_404(MeasureRecord.objects.all(), request.user, pk=pk)
    return _done(
        request,
        measure.get_absolute_url(),
        lambda: proposal_services.add_commitment(actor=request.user, measure=measure, data=request.POST),
        "commitment_form",
    )


@login_required
@require_POST
def commitment_done(request, pk):
    commitment = get_visible_or_404(Commitment.objects.select_related("record"), request.user, pk=pk)
    return _done(
        request,
        commitment.record.get_absolute_url(),
        lambda: proposal_services.complete_commitment(
            actor=request.user, commitment=commitment, data=request.POST
        ),
    )


@login_required
def target_history(request, kind, pk):
    proposals, measures = selectors.target_history(request.user, kind=kind, unit_id=pk)
    if not proposals and not measures and not scope_of(request.user).district:
        raise Http404
    target = (proposals[0].target if proposals else measures[0].target) if (proposals or measures) else None
    return render(
        request,
        "accountability/target_history.html",
        {"proposals": proposals, "measures": measures, "target": target},
    )


# --- the annual assessment ------------------------------------------------------------------------------


@login_required
def assessment(request):
    # Enterprises have no score of their own (R-ACCT-6 scores towns and departments): 404, as for any
    # page outside their scope.
    if all(selectors.visible_unit_ids(request.user, k) == set() for k in ("town", "department")):
        raise Http404
    year, kind, quarter = _year(request), _kind(request), _quarter(request)
    card, lines = selectors.scorecard(request.user, year=year, kind=kind, quarter=quarter)
    fmt = request.GET.get("export")
    if fmt in ("xlsx", "pdf"):
        return exports.scorecard_export(fmt, year=year, kind=kind, quarter=quarter, lines=lines)
    items = lines[0].items if lines else []
    return render(
        request,
        "accountability/assessment.html",
        {
            "year": year,
            "kind": kind,
            "quarter": quarter,
            "card": card,
            "lines": lines,
            "items": items,
            "can_publish": POLICY.can(request.user, "assess") and (card is None or card.state == "draft"),
            "quarters": [1, 2, 3, 4],
        },
    )


@login_required
def assessment_unit(request, kind, pk):
    if kind not in ("town", "department"):
        raise Http404
    year, quarter = _year(request), _quarter(request)
    card, line = selectors.scorecard_line(request.user, year=year, kind=kind, unit_id=pk, quarter=quarter)
    return render(
        request,
        "accountability/assessment_unit.html",
        {
            "year": year,
            "kind": kind,
            "quarter": quarter,
            "card": card,
            "line": line,
            "rows": [(item, selectors.item_slug(item.key)) for item in line.items],
            "can_adjust": line.frozen and POLICY.can(request.user, "assess"),
        },
    )


@login_required
def assessment_records(request, kind, pk, item):
    if kind not in ("town", "department"):
        raise Http404
    year, quarter = _year(request), _quarter(request)
    _card, line = selectors.scorecard_line(request.user, year=year, kind=kind, unit_id=pk, quarter=quarter)
    result = selectors.item_of(line, item)
    from accountability.assessment import record_ref

    records = [record_ref(r) for r in result.records]
    return render(
        request,
        "accountability/assessment_records.html",
        {"year": year, "kind": kind, "quarter": quarter, "line": line, "item": result, "records": records},
    )


@login_required
@require_POST
def assessment_publish(request):
    year, kind = request.POST.get("year"), request.POST.get("kind")
    url = f"{request.path.rsplit('/publish/', 1)[0]}/?year={year}&kind={kind}"
    return _done(
        request,
        url,
        lambda: assessment_services.publish_scorecard(
            actor=request.user, year=year, kind=kind, version=request.POST.get("version")
        ),
    )


@login_required
def assessment_weights(request):
    if not POLICY.can(request.user, "assess"):
        raise Http404
    year, kind = _year(request), _kind(request)
    from accountability.assessment import items_for, weights_for

    current = weights_for(year, kind)
    status, errors = 200, []
    if request.method == "POST":
        weights = {item.key: request.POST.get(f"w_{item.key}", "") for item in items_for(kind)}
        try:
            assessment_services.set_weights(actor=request.user, year=year, kind=kind, weights=weights)
        except DomainError as exc:
            status = exc.status_code
            errors = [str(m) for v in exc.as_dict().values() for m in (v if isinstance(v, list) else [v])]
            current = weights
        else:
            messages.success(request, _("Saved."))
            return redirect(f"{request.path}?year={year}&kind={kind}")
    rows = [{"item": item, "weight": current.get(item.key, 0)} for item in items_for(kind)]
    return render(
        request,
        "accountability/assessment_weights.html",
        {"year": year, "kind": kind, "rows": rows, "errors": errors},
        status=status,
    )


@login_required
@require_POST
def assessment_adjust(request, kind, pk):
    year = _year(request)
    line = selectors.score_line_row(request.user, year=year, kind=kind, unit_id=pk)
    url = f"{request.path.rsplit('/adjust/', 1)[0]}/?year={year}"
    return _done(
        request,
        url,
        lambda: assessment_services.adjust_score(actor=request.user, data=request.POST, line=line),
    )


# --- enforcement ------------------------------------------------------------------------------------


@login_required
def case_list(request):
    qs = EnforcementCase.objects.visible_to(request.user).select_related("department", "enterprise", "town")
    page = _page(request, qs)
    rows = [{"case": c, "flags": selectors.flag_labels(c)} for c in page]
    return render(
        request,
        "accountability/case_list.html",
        {"page": page, "rows": rows, "can_file": POLICY.can(request.user, "file_case")},
    )


@login_required
def case_create(request):
    if not POLICY.can(request.user, "file_case"):
        raise Http404
    form, status = enforcement.CaseForm(initial=request.GET.dict()), 200
    if request.method == "POST":
        form = enforcement.CaseForm(data=request.POST)
        try:
            case = enforcement.file_case(actor=request.user, data=request.POST)
        except DomainError as exc:
            from core.views import apply_domain_errors

            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            return redirect(case.get_absolute_url())
    return render(
        request,
        "accountability/form_page.html",
        {"form": form, "title": _("File an enforcement case")},
        status=status,
    )


@login_required
def case_detail(request, pk):
    case = get_visible_or_404(
        EnforcementCase.objects.select_related("department", "enterprise", "town", "sector"),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "accountability/case_detail.html",
        {
            "case": case,
            "flags": selectors.flag_labels(case),
            "documents": case.documents.all(),
            "inquiries": case.inquiries.select_related("document"),
            "buttons": enforcement.CASE_FLOW.buttons(request.user, case),
            "events": timeline(case),  # who filed, investigated, notified… in words, as every record shows it
            "inquiry_form": posted_or_blank(request, "inquiry_form", enforcement.InquiryForm),
            # What was typed comes back after a refusal; a new record starts with one blank question.
            "inquiry_rows": (_inquiry_rows(request.POST) if _refused(request, "inquiry_form") else [])
            or [("", "")],
        },
    )


case_action = transition_page(
    enforcement.CASE_FLOW, queryset=lambda: EnforcementCase.objects.all(), services=enforcement.CASE_SERVICES
)


@login_required
@require_POST
def case_inquiry(request, pk):
    case = get_visible_or_404(EnforcementCase.objects.all(), request.user, pk=pk)
    return _done(
        request,
        case.get_absolute_url(),
        lambda: enforcement.add_inquiry(
            actor=request.user,
            case=case,
            data=_inquiry_data(request.POST),
            attachments=request.POST.getlist("attachments"),
        ),
        "inquiry_form",
    )


def _refused(request, form_key: str) -> bool:
    """Whether this drawing of the page answers a refused post of that form (core.views.refuse_to_page)."""
    return getattr(request, "refusal", ("", None))[0] == form_key


def _inquiry_rows(post) -> list[tuple[str, str]]:
    """The page's question and answer boxes in order; a pair left wholly blank is not a question."""
    questions, answers = post.getlist("question"), post.getlist("answer")
    rows = zip_longest(questions, answers, fillvalue="")
    return [(q, a) for q, a in rows if q.strip() or a.strip()]


def _inquiry_data(post) -> dict:
    # The page asks question by question, as the paper record does; the service takes them as `exchanges`.
    data = {key: post.get(key) for key in ("person", "asked_on", "content")}
    rows = _inquiry_rows(post)
    if rows:
        data["exchanges"] = [{"question": q, "answer": a} for q, a in rows]
    return data


@login_required
def case_document(request, pk):
    document = get_visible_or_404(
        CaseDocument.objects.select_related("case__department", "case__enterprise"), request.user, pk=pk
    )
    return exports.case_document_pdf(document.case, document)


@login_required
def case_stats(request):
    year = _year(request)
    plans = [
        {"plan": p, **selectors.plan_progress(p)}
        for p in EnforcementPlan.objects.visible_to(request.user).filter(year=year)
    ]
    return render(
        request,
        "accountability/case_stats.html",
        {
            "year": year,
            "rows": [
                {**row, "measure_labels": [(CaseMeasure(k).label, n) for k, n in row["measures"].items()]}
                for row in selectors.case_statistics(request.user, year)
            ],
            "plans": plans,
            "can_plan": POLICY.can(request.user, "plan_enforcement", request.user),
            "plan_form": posted_or_blank(request, "plan_form", enforcement.PlanForm, initial={"year": year}),
        },
    )


@login_required
@require_POST
def plan_save(request):
    return _done(
        request,
        f"{request.path.rsplit('/plan/', 1)[0]}/stats/?year={request.POST.get('year', '')}",
        lambda: enforcement.save_plan(actor=request.user, data=request.POST),
        "plan_form",
    )


@login_required
def plan_detail(request, pk):
    """A department's enforcement plan: whom it inspects, when and by whom, and which are done; its officers
    add entries here (a refused entry comes back with the input kept and the field named)."""
    plan = get_visible_or_404(EnforcementPlan.objects.select_related("department"), request.user, pk=pk)
    can_plan = enforcement.may_plan(request.user, plan)
    form, status = enforcement.PlanEntryForm(), 200
    if request.method == "POST":
        form = enforcement.PlanEntryForm(data=request.POST)
        status = _submit(
            form, lambda: enforcement.add_plan_entry(actor=request.user, plan=plan, data=request.POST)
        )
        if status is None:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    context = {"plan": plan, "rows": selectors.plan_entries(plan), "progress": selectors.plan_progress(plan)}
    if can_plan:
        enterprises = Enterprise.objects.visible_to(request.user).order_by("name").values_list("pk", "name")
        form.fields["enterprise"].widget = forms.Select(choices=[("", "---------"), *enterprises])
        form.fields["enterprise"].label = _("Enterprise")
    context.update(can_plan=can_plan, form=form)
    return render(request, "accountability/plan_detail.html", context, status=status)


def _submit(form, call) -> int | None:
    """Run the service for a valid form; None when done, else the status of the refusal, whose messages are
    put on the bound form's fields (or the form) so that the page shows them beside the input kept."""
    if not form.is_valid():
        return 400
    try:
        call()
    except DomainError as exc:
        for field, errors in exc.as_dict().items():
            for message in errors if isinstance(errors, list) else [errors]:
                form.add_error(field if field in form.fields else None, str(message))
        return exc.status_code
    return None


# --- responsibility lists ---------------------------------------------------------------------------


@login_required
def position_list(request):
    qs = (
        ResponsibilityPosition.objects.visible_to(request.user)
        .select_related("town", "department", "enterprise")
        .prefetch_related("holders", "letters")
    )
    gaps = selectors.enterprise_gaps(request.user)
    year = dt.date.today().year
    return render(
        request,
        "accountability/position_list.html",
        {
            "page": _page(request, qs, 50),
            "gaps": gaps[:100],
            "gap_count": len(gaps),
            "year": year,
            "staff_form": posted_or_blank(request, "staff_form", responsibility.StaffForm),
            "can_record_staff": POLICY.can(request.user, "keep_lists"),
            "can_edit_templates": POLICY.can(request.user, "edit_duty_templates"),
        },
    )


@login_required
def position_detail(request, pk):
    position = get_visible_or_404(ResponsibilityPosition.objects.all(), request.user, pk=pk)
    return render(
        request,
        "accountability/position_detail.html",
        {
            "position": position,
            "holders": position.holders.all(),
            "letters": position.letters.all(),
            "can_keep": responsibility.may_keep(request.user, position),
            "holder_form": posted_or_blank(request, "holder_form", responsibility.HolderForm),
            "letter_form": posted_or_blank(
                request, "letter_form", responsibility.LetterForm, initial={"year": dt.date.today().year}
            ),
        },
    )


@login_required
@require_POST
def position_holder(request, pk):
    position = get_visible_or_404(ResponsibilityPosition.objects.all(), request.user, pk=pk)
    return _done(
        request,
        position.get_absolute_url(),
        lambda: responsibility.assign_holder(actor=request.user, position=position, data=request.POST),
        "holder_form",
    )


@login_required
@require_POST
def position_letter(request, pk):
    position = get_visible_or_404(ResponsibilityPosition.objects.all(), request.user, pk=pk)
    return _done(
        request,
        position.get_absolute_url(),
        lambda: responsibility.record_letter(
            actor=request.user,
            position=position,
            data=request.POST,
            attachments=request.POST.getlist("attachments"),
        ),
        "letter_form",
    )


@login_required
@require_POST
def staff_save(request):
    return _done(
        request,
        request.path.rsplit("staff/", 1)[0],
        lambda: responsibility.record_staff(actor=request.user, data=request.POST),
        "staff_form",
    )


@login_required
def duty_templates(request):
    if not POLICY.can(request.user, "edit_duty_templates"):
        raise Http404
    form, status = responsibility.TemplateForm(), 200
    if request.method == "POST":
        form = responsibility.TemplateForm(data=request.POST)
        try:
            responsibility.save_duty_template(actor=request.user, data=request.POST)
        except DomainError as exc:
            from core.views import apply_domain_errors

            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect(request.path)
    templates = DutyTemplate.objects.all()
    return render(
        request, "accountability/duty_templates.html", {"form": form, "templates": templates}, status=status
    )
