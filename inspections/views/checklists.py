"""Checklist template pages: list, one version, edit (a new version), import and export .xlsx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.exports import xlsx_response
from core.scoping import scope_of
from core.views import apply_domain_errors, page_status
from inspections import services
from inspections.forms import ImportForm, ItemFormSet, NewTemplateImportForm, TemplateForm
from inspections.models import ChecklistTemplate
from inspections.services.checklists import export_columns, template_rows
from inspections.views.common import can_edit_templates


def _officials_only(user) -> None:
    # Checklists are reference data for officials; enterprises see them on their inspection records.
    if scope_of(user).is_empty or user.enterprise_id:
        raise PermissionDenied


@login_required
def template_list(request):
    _officials_only(request.user)
    templates = (
        ChecklistTemplate.objects.current()
        .select_related("sector")
        .order_by("source_type", "sector__order", "family")
    )
    return render(
        request,
        "inspections/template_list.html",
        {"templates": templates, "can_edit": can_edit_templates(request.user)},
    )


@login_required
def template_detail(request, pk: int):
    _officials_only(request.user)
    template = get_object_or_404(ChecklistTemplate.objects.select_related("sector"), pk=pk)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(
            f"checklist-{template.family}-v{template.version}", export_columns(), template.items.all()
        )
    versions = ChecklistTemplate.objects.filter(family=template.family).order_by("-version")
    return render(
        request,
        "inspections/template_detail.html",
        {
            "template": template,
            "items": template.items.all(),
            "versions": versions,
            "can_edit": can_edit_templates(request.user) and template.is_current,
            "import_form": ImportForm(),
        },
    )


def _items_from(formset) -> list[dict]:
    return [
        f.cleaned_data
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("requirement") or "").strip()
    ]


@login_required
def template_edit(request, pk: int | None = None):
    if not can_edit_templates(request.user):
        raise PermissionDenied
    template = get_object_or_404(ChecklistTemplate, pk=pk) if pk else None
    initial = {}
    items = []
    if template is not None:
        initial = {
            f: getattr(template, f) for f in ("name", "name_en", "sector", "topic", "topic_en", "description")
        }
        items = template_rows(template)
    form = TemplateForm(request.POST or None, initial=initial)
    formset = ItemFormSet(request.POST or None, initial=items, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            if template is None:
                saved = services.create_template(actor=request.user, data=data, items=_items_from(formset))
            else:
                saved = services.revise_template(
                    actor=request.user,
                    template=template,
                    data=data,
                    items=_items_from(formset),
                    change_note=data.get("change_note", ""),
                )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Saved as version %(v)d.") % {"v": saved.version})
            return redirect("inspections:template_detail", pk=saved.pk)
    return render(
        request,
        "inspections/template_form.html",
        {"form": form, "formset": formset, "template": template},
        status=page_status(form),
    )


@login_required
def template_import(request, pk: int | None = None):
    """Import a spreadsheet: a new version of this template, or (without pk) a new template."""
    if not can_edit_templates(request.user):
        raise PermissionDenied
    template = get_object_or_404(ChecklistTemplate, pk=pk) if pk else None
    form_class = ImportForm if template else NewTemplateImportForm
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.import_template(
                actor=request.user,
                upload=form.cleaned_data["file"],
                template=template,
                data=form.cleaned_data,
                change_note=form.cleaned_data.get("change_note", ""),
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Imported as version %(v)d.") % {"v": saved.version})
            return redirect("inspections:template_detail", pk=saved.pk)
    return render(
        request,
        "inspections/template_import.html",
        {"form": form, "template": template},
        status=page_status(form),
    )
