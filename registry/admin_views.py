"""Configuration screens: the jurisdiction tree and the departments (district and system administrators).

Views parse input, call one service and render; the rules and the audit events live in registry.services.
Other roles get 403 (they know these pages exist, and the reference data itself is not secret).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.views import apply_domain_errors, page_status, refused_button
from registry import services
from registry.admin_forms import BaseMapImportForm, BoundaryImportForm, DepartmentForm, JurisdictionForm
from registry.basemap import MAX_BYTES as BASE_MAP_BYTES
from registry.boundaries import MAX_BYTES
from registry.choices import EnterpriseStatus
from registry.models import BaseMap, Department, Jurisdiction, Sector
from registry.policy import CONFIGURATION_MANAGERS


def _require_manager(request) -> None:
    if not request.user.has_role(*CONFIGURATION_MANAGERS):
        raise PermissionDenied


# --- Jurisdictions ---------------------------------------------------------------------------------------


@login_required
def jurisdiction_list(request):
    _require_manager(request)
    live = ~Q(enterprises__status=EnterpriseStatus.CLOSED)
    children = Jurisdiction.objects.order_by("code")
    towns = (
        Jurisdiction.objects.towns()
        .annotate(
            enterprise_count=Count("enterprises", filter=live, distinct=True),
            user_count=Count("users", filter=Q(users__is_active=True), distinct=True),
        )
        .prefetch_related(Prefetch("children", queryset=children))
        .order_by("code")
    )
    show_inactive = request.GET.get("inactive") == "1"
    if not show_inactive:
        towns = towns.filter(is_active=True)
    return render(
        request,
        "registry/admin/jurisdiction_list.html",
        {
            "districts": Jurisdiction.objects.filter(kind="district").order_by("code"),
            "towns": towns,
            "show_inactive": show_inactive,
            "section": "jurisdictions",
        },
    )


@login_required
def jurisdiction_create(request):
    _require_manager(request)
    initial = {}
    parent = Jurisdiction.objects.filter(pk=request.GET.get("parent") or 0).first()
    if parent is not None:
        initial = {"parent": parent, "kind": "village" if parent.is_town else "town", "code": parent.code}
    form = JurisdictionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                place = services.create_jurisdiction(actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": place.name})
                return redirect("registry:admin_jurisdiction_list")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "registry/admin/jurisdiction_form.html",
        {"form": form, "creating": True, "section": "jurisdictions"},
        status=page_status(form),
    )


@login_required
def jurisdiction_edit(request, pk: int):
    _require_manager(request)
    place = get_object_or_404(Jurisdiction.objects.select_related("parent"), pk=pk)
    initial = {"name": place.name, "name_en": place.name_en, "lat": place.lat, "lng": place.lng}
    form = JurisdictionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_jurisdiction(
                    actor=request.user,
                    jurisdiction=place,
                    data=form.cleaned_data,
                    version=request.POST.get("version"),
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("registry:admin_jurisdiction_list")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "registry/admin/jurisdiction_form.html",
        {"form": form, "place": place, "section": "jurisdictions"},
        status=page_status(form),
    )


@login_required
@require_POST
def jurisdiction_set_active(request, pk: int):
    _require_manager(request)
    place = get_object_or_404(Jurisdiction, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_jurisdiction_active(
            actor=request.user, jurisdiction=place, active=active, version=request.POST.get("version")
        )
    except DomainError as exc:
        return refused_button(request, exc, lambda: jurisdiction_list(request))
    if active:
        messages.success(request, _("%(name)s was reactivated.") % {"name": place.name})
    else:
        messages.success(request, _("%(name)s was deactivated.") % {"name": place.name})
    return redirect("registry:admin_jurisdiction_list")


@login_required
def boundary_import(request):
    """Upload the towns' boundaries (GeoJSON) that colour the four-colour map."""
    _require_manager(request)
    form = BoundaryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                changed = services.import_town_boundaries(
                    actor=request.user, raw=upload.read(MAX_BYTES + 1), source_name=upload.name
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(
                    request, _("Boundaries imported: %(n)s towns or streets changed.") % {"n": len(changed)}
                )
                return redirect("registry:admin_jurisdiction_list")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "registry/admin/boundary_import.html",
        {"form": form, "section": "jurisdictions"},
        status=page_status(form),
    )


@login_required
def base_map_import(request):
    """Upload the district's base map (GeoJSON) that the maps draw without network."""
    _require_manager(request)
    form = BaseMapImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.import_base_map(
                    actor=request.user, raw=upload.read(BASE_MAP_BYTES + 1), source_name=upload.name
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The base map was imported; every map draws it from now on."))
                return redirect("registry:admin_base_map_import")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "registry/admin/base_map_import.html",
        {"form": form, "section": "jurisdictions", "current": BaseMap.current()},
        status=page_status(form),
    )


@login_required
def base_map(request):
    """The imported base map, to every signed-in user (public geography); stored by the service worker."""
    current = BaseMap.current()
    if current is None:
        raise Http404
    response = FileResponse(current.file.open("rb"), content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"  # the URL names the file's hash
    return response


# --- Departments -----------------------------------------------------------------------------------------


@login_required
def department_list(request):
    _require_manager(request)
    departments = (
        Department.objects.prefetch_related("sectors")
        .annotate(user_count=Count("users", filter=Q(users__is_active=True)))
        .order_by("-is_active", "code")
    )
    # R-ACCT-2: every sector needs a department that answers for it; name the ones left without.
    unsupervised = Sector.objects.exclude(departments__is_active=True).order_by("order", "code")
    return render(
        request,
        "registry/admin/department_list.html",
        {"departments": departments, "unsupervised": unsupervised, "section": "departments"},
    )


@login_required
def department_create(request):
    _require_manager(request)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                department = services.create_department(actor=request.user, data=form.cleaned_data)
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": department.name})
                return redirect("registry:admin_department_list")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "registry/admin/department_form.html",
        {"form": form, "creating": True, "section": "departments"},
        status=page_status(form),
    )


@login_required
def department_edit(request, pk: int):
    _require_manager(request)
    department = get_object_or_404(Department, pk=pk)
    initial = {
        "name": department.name,
        "name_en": department.name_en,
        "phone": department.phone,
        "document_abbreviation": department.document_abbreviation,
        "sectors": list(department.sectors.all()),
    }
    form = DepartmentForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_department(
                    actor=request.user,
                    department=department,
                    data=form.cleaned_data,
                    version=request.POST.get("version"),
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The changes were saved."))
                return redirect("registry:admin_department_list")
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "registry/admin/department_form.html",
        {"form": form, "department": department, "section": "departments"},
        status=page_status(form),
    )


@login_required
@require_POST
def department_set_active(request, pk: int):
    _require_manager(request)
    department = get_object_or_404(Department, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.set_department_active(
            actor=request.user, department=department, active=active, version=request.POST.get("version")
        )
    except DomainError as exc:
        return refused_button(request, exc, lambda: department_list(request))
    if active:
        messages.success(request, _("%(name)s was reactivated.") % {"name": department.name})
    else:
        messages.success(request, _("%(name)s was deactivated.") % {"name": department.name})
    return redirect("registry:admin_department_list")
