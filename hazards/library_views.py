"""District settings pages: the major-hazard criteria library (R-HAZ-9) and deadlines (R-HAZ-6)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.choices import Role
from core.errors import DomainError
from core.scoping import scope_of
from core.views import apply_domain_errors
from hazards import services
from hazards.forms import CriterionForm, DeadlinePolicyForm
from hazards.models import DeadlinePolicy, MajorHazardCriterion


def _reader(user) -> None:
    # Reference data: any user with business scope reads it; district administrators edit it.
    if scope_of(user).is_empty:
        raise PermissionDenied


@login_required
def criteria(request):
    _reader(request.user)
    return render(
        request,
        "hazards/criteria.html",
        {
            "criteria": MajorHazardCriterion.objects.select_related("sector"),
            "policies": DeadlinePolicy.objects.select_related("updated_by"),
            "can_edit": Role.DISTRICT_ADMIN in request.user.role_codes,
        },
    )


@login_required
def criterion_edit(request, pk: int | None = None):
    if Role.DISTRICT_ADMIN not in request.user.role_codes:
        raise PermissionDenied
    criterion = get_object_or_404(MajorHazardCriterion, pk=pk) if pk else None
    initial = {}
    if criterion:
        initial = {
            "sector": criterion.sector_id,
            "item": criterion.item,
            "text": criterion.text,
            "source": criterion.source,
            "is_active": criterion.is_active,
        }
    form = CriterionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_criterion(actor=request.user, criterion=criterion, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect("hazards:criteria")
    title = _("Edit criterion") if criterion else _("Add a criterion")
    return render(request, "hazards/settings_form.html", {"form": form, "title": title})


@login_required
def deadline_edit(request, level: str):
    if Role.DISTRICT_ADMIN not in request.user.role_codes:
        raise PermissionDenied
    policy = get_object_or_404(DeadlinePolicy, level=level)
    form = DeadlinePolicyForm(
        request.POST or None,
        initial={"days": policy.days, "source": policy.source, "effective_from": policy.effective_from},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_deadline_policy(actor=request.user, level=level, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Deadline saved."))
            return redirect("hazards:criteria")
    title = _("Default deadline: %(level)s") % {"level": policy.get_level_display()}
    return render(request, "hazards/settings_form.html", {"form": form, "title": title})
