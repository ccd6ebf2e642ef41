from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import timeline
from core.errors import DomainError
from core.extensions import enterprise_sections
from core.masking import phone_for
from core.scoping import get_visible_or_404
from core.views import ListPage, apply_domain_errors, page_status, posted_or_blank
from core.workflow_views import transition_page
from registry import selectors, services
from registry.exports import enterprise_columns, export_queryset, ledger_sheets, ordered
from registry.filters import EnterpriseFilter
from registry.forms import EnterpriseForm, StatusForm
from registry.models import Enterprise
from registry.policy import REGISTRY_EDITORS


class EnterpriseListPage(ListPage):
    template_name = "registry/enterprise_list.html"
    rows_template = "registry/_enterprise_rows.html"
    filterset_class = EnterpriseFilter
    sort_fields = {"name": "name", "town": "town__code", "employees": "employees", "risk": "risk_level"}
    default_sort = "name"
    export_name = "enterprises"

    def queryset(self):
        return selectors.enterprises_listed(self.request.user)

    def search(self, qs, q):
        return selectors.matching(qs, q)

    def export_columns(self):
        return enterprise_columns(self.request.user)

    def export_queryset(self, qs):
        return ordered(qs)

    def export_sheet_title(self) -> str:
        return "企业"

    def export_more_sheets(self, qs):
        return ledger_sheets(self.request.user, qs)

    def export_response(self, qs):
        # Masked columns and an audit event, as in the API.
        return export_queryset(self.request.user, qs, request=self.request)


@login_required
def enterprise_list(request):
    return EnterpriseListPage(request).response({"can_create": request.user.has_role(*REGISTRY_EDITORS)})


@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_visible_or_404(
        Enterprise.objects.select_related("town", "village").prefetch_related("sectors"), request.user, pk=pk
    )
    sections = [
        {"key": s.key, "title": s.title, "template": s.template, "context": s.context(request, enterprise)}
        for s in enterprise_sections.for_user(request.user)
    ]
    return render(
        request,
        "registry/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "principal_phone": phone_for(request.user, enterprise.principal_phone, enterprise.pk),
            "safety_manager_phone": phone_for(request.user, enterprise.safety_manager_phone, enterprise.pk),
            "departments": enterprise.supervising_departments(),
            "status_changes": enterprise.status_changes.select_related("changed_by")[:20],
            "sections": sections,
            "events": timeline(enterprise),
            "can_edit": request.user.has_role(*REGISTRY_EDITORS)
            or (request.user.enterprise_id == enterprise.pk),
            # A refused change of status comes back here with its errors and the reason typed.
            "status_form": posted_or_blank(
                request, "status_form", StatusForm, initial={"status": enterprise.status}
            ),
        },
    )


@login_required
def enterprise_create(request):
    services.check_can_register(request.user)  # 403 for roles that may not register, before any form
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.register_enterprise(actor=request.user, data=_form_data(form))
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The enterprise was registered."))
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request, "registry/enterprise_form.html", {"form": form, "creating": True}, status=page_status(form)
    )


def _form_data(form) -> dict:
    data = dict(form.cleaned_data)
    data["sectors"] = list(data.get("sectors") or [])
    return data


@login_required
def enterprise_edit(request, pk: int):
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
    services.check_can_update(request.user, enterprise, ())  # 403 for read-only roles, before any form
    form = EnterpriseForm(request.POST or None, instance=Enterprise.objects.get(pk=enterprise.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in _form_data(form).items() if k in form.changed_data}
        try:
            services.update_enterprise(
                actor=request.user, enterprise=enterprise, data=data, version=_posted_version(request)
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The enterprise was updated."))
            return redirect("registry:enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "registry/enterprise_form.html",
        {"form": form, "enterprise": enterprise},
        status=page_status(form),
    )


def _posted_version(request) -> int:
    """The version the form was read at; a missing or garbled one can only be a conflict (never a 500)."""
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


# The change of operating status: its form lives on the enterprise's page, refused back there.
enterprise_transition = transition_page(
    services.FLOW,
    queryset=lambda: Enterprise.objects.all(),
    services={"change_status": services.change_enterprise_status},
    inline={"change_status": "status_form"},
    success={"change_status": gettext_lazy("The operating status was changed.")},
)


@login_required
def enterprise_search(request):
    """JSON for the enterprise picker (forms of hazards, accidents, inspections): scoped, at most 20."""
    from registry import picker

    raw_id = request.GET.get("id", "")
    if raw_id.isdigit() and len(raw_id) < 19:
        found = list(
            Enterprise.objects.visible_to(request.user).filter(pk=int(raw_id)).prefetch_related("sectors")
        )
    else:
        found = picker.search(request.user, request.GET.get("q", ""))
    return JsonResponse({"results": [picker.as_option(e) for e in found]})
