"""Pages of the enterprise's duties around the loop: the government's sample re-check of hazards closed
inside enterprises (R-HAZ-12) and resumption after a major hazard stopped production (R-HAZ-11). Views parse
input, pass the scope gate (out of scope is 404) and call one service of hazards.services.duties."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.views import apply_domain_errors, page_status
from hazards.choices import Level, State
from hazards.duty_forms import RecheckForm, ResumptionApplicationForm, ResumptionReviewForm
from hazards.models import HazardRecheck, local_today
from hazards.policy import POLICY
from hazards.selectors import get_hazard_for_user
from hazards.services import duties


def _government(user) -> bool:
    return POLICY.can(user, "recheck")


@login_required
def recheck_list(request):
    """The sampled hazards in the user's scope, those still waiting first."""
    if not _government(request.user):
        raise PermissionDenied
    qs = HazardRecheck.objects.visible_to(request.user).select_related(
        "hazard__enterprise", "hazard__town", "rechecked_by"
    )
    shown = request.GET.get("show", "pending")
    if shown == "pending":
        qs = qs.filter(rechecked_at__isnull=True)
    elif shown == "done":
        qs = qs.filter(rechecked_at__isnull=False)
    page = Paginator(qs.order_by("rechecked_at", "-selected_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "hazards/recheck_list.html",
        {"page_obj": page, "shown": shown, "percent": duties.recheck_percent()},
    )


@login_required
def recheck(request, pk: int):
    """R-HAZ-12: one sampled hazard and the re-check opinion form."""
    hazard = get_hazard_for_user(request.user, pk)
    if not _government(request.user):
        raise PermissionDenied
    sample = HazardRecheck.objects.filter(hazard=hazard).select_related("rechecked_by").first()
    form = RecheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            duties.recheck_hazard(actor=request.user, hazard=hazard, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The re-check opinion was recorded."))
            return redirect("hazards:recheck", pk=hazard.pk)
    return render(
        request,
        "hazards/recheck.html",
        {"hazard": hazard, "sample": sample, "form": form},
        status=page_status(form),
    )


def _resumption_forms(request, hazard):
    """The unit's application form for the enterprise's own users, the review form for the reviewers."""
    user = request.user
    waiting = hazard.resumptions.filter(reviewed_at__isnull=True).first()
    posted = request.POST if request.method == "POST" else None
    may_apply = (
        POLICY.can(user, "apply_resumption", hazard)
        and hazard.level == Level.MAJOR
        and hazard.state == State.SUBMITTED
        and waiting is None
    )
    may_review = POLICY.can(user, "review_resumption", hazard) and waiting is not None
    which = request.POST.get("form") if posted else None
    apply_form = ResumptionApplicationForm(posted if which == "apply" else None) if may_apply else None
    review_form = (
        ResumptionReviewForm(posted if which == "review" else None, initial={"version": hazard.version})
        if may_review
        else None
    )
    return waiting, which, apply_form, review_form


def _submit(request, hazard, waiting, which, apply_form, review_form) -> bool:
    form = apply_form if which == "apply" else review_form if which == "review" else None
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return False
    try:
        if which == "apply":
            duties.apply_resumption(actor=request.user, hazard=hazard, **form.cleaned_data)
        else:
            duties.review_resumption(actor=request.user, resumption=waiting, **form.cleaned_data)
    except DomainError as exc:
        apply_domain_errors(form, exc)
        return False
    return True


@login_required
def resumption(request, pk: int):
    """R-HAZ-11: the applications to resume of a major hazard, the unit's application form and the
    authority's on-site review (within 10 days) closing the hazard or ordering more work."""
    hazard = get_hazard_for_user(request.user, pk)
    waiting, which, apply_form, review_form = _resumption_forms(request, hazard)
    if request.method == "POST" and _submit(request, hazard, waiting, which, apply_form, review_form):
        messages.success(request, _("The resumption was recorded."))
        return redirect("hazards:resumption", pk=hazard.pk)
    return render(
        request,
        "hazards/resumption.html",
        {
            "hazard": hazard,
            "resumptions": hazard.resumptions.select_related("applied_by", "reviewed_by"),
            "waiting": waiting,
            "apply_form": apply_form,
            "review_form": review_form,
            "today": local_today(),
        },
        status=page_status(apply_form, review_form),
    )
