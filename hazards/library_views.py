"""District settings pages: the major-hazard criteria library (R-HAZ-9) and deadlines (R-HAZ-6)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.forms.models import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.exports import xlsx_response
from core.scoping import scope_of
from core.views import apply_domain_errors, page_status
from hazards import criteria_io, services
from hazards.forms import CriteriaImportForm, CriterionForm, CriterionSourceForm, DeadlinePolicyForm
from hazards.models import CriterionSource, DeadlinePolicy, MajorHazardCriterion
from hazards.policy import POLICY
from registry.models import Sector


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
            "criteria": criteria_io.filtered(request.GET),
            "sectors": Sector.objects.all(),
            "query": request.GET,
            "policies": DeadlinePolicy.objects.select_related("updated_by"),
            "sources": CriterionSource.objects.annotate(items=Count("criteria")).order_by("code"),
            "can_edit": POLICY.can(request.user, "edit_library"),
        },
    )


@login_required
def criterion_edit(request, pk: int | None = None):
    if not POLICY.can(request.user, "edit_library"):
        raise PermissionDenied
    criterion = get_object_or_404(MajorHazardCriterion, pk=pk) if pk else None
    initial = {}
    if criterion:
        initial = {
            "sector": criterion.sector_id,
            "item": criterion.item,
            "text": criterion.text,
            "source": criterion.source,
            "source_document": criterion.source_document.code if criterion.source_document_id else None,
            "scope": criterion.scope,
            "article": criterion.article,
            "clause": criterion.clause,
            "verified": criterion.verified,
            "note": criterion.note,
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
    return render(
        request, "hazards/settings_form.html", {"form": form, "title": title}, status=page_status(form)
    )


@login_required
def source_edit(request, pk: int | None = None):
    """R-HAZ-9: a new edition of a criteria document (or a correction of one), before its items are added
    or imported."""
    if not POLICY.can(request.user, "edit_library"):
        raise PermissionDenied
    source = get_object_or_404(CriterionSource, pk=pk) if pk else None
    form = CriterionSourceForm(request.POST or None, initial=model_to_dict(source) if source else None)
    version = request.POST.get("version") if request.method == "POST" else getattr(source, "version", "")
    if request.method == "POST":
        form.is_valid()
        try:
            services.save_source(actor=request.user, data=request.POST, source=source, version=version)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Source edition saved."))
            return redirect(f"{reverse('hazards:criteria')}#sources-h")
    title = _("Edit source edition") if source else _("Add a source edition")
    context = {"form": form, "title": title, "version": version}
    return render(request, "hazards/settings_form.html", context, status=page_status(form))


@login_required
def deadline_edit(request, level: str):
    if not POLICY.can(request.user, "edit_library"):
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
    return render(
        request, "hazards/settings_form.html", {"form": form, "title": title}, status=page_status(form)
    )


@login_required
def criteria_export(request):
    if not POLICY.can(request.user, "edit_library"):
        raise PermissionDenied
    return xlsx_response(
        "major-hazard-criteria",
        criteria_io.export_columns(),
        criteria_io.filtered(request.GET),
        sheet_title="重大事故隐患判定标准",
    )


@login_required
def criteria_import(request):
    """R-HAZ-9: the district keeps the library current from a workbook; every row is audited."""
    if not POLICY.can(request.user, "edit_library"):
        raise PermissionDenied
    form = CriteriaImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = criteria_io.import_criteria(actor=request.user, uploaded=form.cleaned_data["file"])
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Imported: %(created)d added, %(updated)d updated.") % result)
            return redirect("hazards:criteria")
    return render(
        request,
        "hazards/settings_form.html",
        {"form": form, "title": _("Import the criteria library")},
        status=page_status(form),
    )
