"""The archive of periodic reports, their downloads and the district's wording of them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from cockpit.choices import ReportKind
from cockpit.models import PeriodicReport
from cockpit.periodic import template_for
from cockpit.policy import POLICY, may_open_cockpit
from cockpit.services import TemplateForm, update_report_template
from core.archive import document_response
from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.views import apply_domain_errors


@login_required
def report_list(request):
    if not may_open_cockpit(request.user):
        raise PermissionDenied
    reports = PeriodicReport.objects.visible_to(request.user).select_related("town")[:200]
    can_edit = POLICY.can(request.user, "edit_report_wording")
    return render(request, "cockpit/report_list.html", {"reports": reports, "can_edit": can_edit})


@login_required
def report_download(request, pk: int, fmt: str):
    if fmt not in ("pdf", "docx"):
        raise Http404
    report = get_visible_or_404(PeriodicReport.objects, request.user, pk=pk)
    return document_response(report, fmt)


@login_required
def template_edit(request):
    if not POLICY.can(request.user, "edit_report_wording"):
        raise PermissionDenied
    kind = request.GET.get("kind") or request.POST.get("kind") or ReportKind.MONTHLY
    if kind not in ReportKind.values:
        raise Http404
    template = template_for(kind)
    status = 200
    if request.method == "POST":
        form = TemplateForm(data=request.POST)
        try:
            update_report_template(template, actor=request.user, data=request.POST)
        except DomainError as exc:
            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("The report wording is saved; the next reports use it."))
            return redirect(f"{request.path}?kind={kind}")
    else:
        form = TemplateForm(
            initial={"intro": template.intro, "closing": template.closing, "version": template.version}
        )
    context = {"form": form, "kind": kind, "kinds": ReportKind.choices, "template": template}
    return render(request, "cockpit/template_edit.html", context, status=status)
