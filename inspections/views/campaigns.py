"""Campaign pages: list, launch, progress with charts and reports, targets and task assignment."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from audit.services import timeline
from core.errors import DomainError, InvalidInput
from core.exports import Column, xlsx_response
from core.pdf import pdf_response
from core.scoping import get_visible_or_404
from core.views import (
    ListPage,
    apply_domain_errors,
    page_status,
    posted_or_blank,
    refuse_to_page,
    refused_button,
)
from inspections import services
from inspections.choices import CampaignKind, CampaignState
from inspections.documents import campaign_report_pdf
from inspections.forms import AssignForm, CampaignForm
from inspections.models import Campaign, CampaignTarget, InspectionTask
from inspections.selectors import campaign_counts, campaign_progress, findings_chart, progress_chart
from inspections.views.common import can_plan, flash_error
from registry.models import Enterprise


class CampaignFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"), choices=CampaignState.choices)
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Kind"), choices=CampaignKind.choices)

    class Meta:
        model = Campaign
        fields = ["state", "kind"]


class CampaignListPage(ListPage):
    template_name = "inspections/campaign_list.html"
    rows_template = "inspections/_campaign_rows.html"
    filterset_class = CampaignFilter
    sort_fields = {"name": "name", "start": "start_date", "end": "end_date"}
    default_sort = "-start_date"
    export_name = "campaigns"

    def queryset(self):
        return Campaign.objects.visible_to(self.request.user).select_related("lead_department", "template")

    def search(self, qs, q):
        return qs.filter(Q(name__icontains=q) | Q(goal__icontains=q))

    def export_columns(self):
        return [
            Column(_("Name"), lambda c: c.name, 40),
            Column(_("Kind"), lambda c: c.get_kind_display(), 16),
            Column(_("Start"), lambda c: c.start_date, 12),
            Column(_("End"), lambda c: c.end_date, 12),
            Column(_("State"), lambda c: c.get_state_display(), 10),
            Column(
                _("Lead unit"), lambda c: c.lead_department or _("District work-safety committee office"), 24
            ),
        ]

    def response(self, extra=None):
        filterset, qs = self.filtered()
        if self.request.GET.get("export") == "xlsx":
            return xlsx_response(self.export_name, self.export_columns(), qs.iterator(chunk_size=2000))
        page = Paginator(qs, self.page_size).get_page(self.request.GET.get("page"))
        counts = campaign_counts(self.request.user, [c.pk for c in page.object_list])
        rows = [(c, counts[c.pk]) for c in page.object_list]
        context = {"filter": filterset, "page_obj": page, "rows": rows, **(extra or {})}
        template = self.rows_template if self.request.headers.get("HX-Request") else self.template_name
        return render(self.request, template, context)


@login_required
def campaign_list(request):
    return CampaignListPage(request).response({"can_plan": can_plan(request.user)})


@login_required
def campaign_create(request):
    if not can_plan(request.user):
        raise PermissionDenied
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.launch_campaign(actor=request.user, data=form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(
                request, _("The campaign was launched with %(n)d targets.") % {"n": campaign.targets.count()}
            )
            return redirect(campaign)
    return render(request, "inspections/campaign_form.html", {"form": form}, status=page_status(form))


def _campaign(request, pk):
    return get_visible_or_404(
        Campaign.objects.select_related("lead_department", "template").prefetch_related(
            "sectors", "towns", "participating_departments"
        ),
        request.user,
        pk=pk,
    )


@login_required
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    progress = campaign_progress(request.user, campaign)
    tasks = (
        InspectionTask.objects.filter(campaign=campaign)
        .select_related("inspection")
        .prefetch_related("inspectors")
    )
    targets = (
        CampaignTarget.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("enterprise", "town")
    )
    town = request.GET.get("town")
    if town and town.isdigit():
        targets = targets.filter(town_id=int(town))
    page = Paginator(targets, 50).get_page(request.GET.get("page"))
    task_by_enterprise = {
        t.enterprise_id: t for t in tasks.filter(enterprise_id__in=[t.enterprise_id for t in page])
    }
    today = timezone.localdate()
    rows = []
    for target in page:
        task = task_by_enterprise.get(target.enterprise_id)
        rows.append((target, task, bool(task and task.is_overdue(today))))
    return render(
        request,
        "inspections/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "chart_towns": progress_chart(progress),
            "chart_departments": findings_chart(progress),
            "rows": rows,
            "page_obj": page,
            "can_plan": can_plan(request.user) and campaign.state == CampaignState.ACTIVE,
            "assign_form": posted_or_blank(
                request, "assign_form", AssignForm, initial={"deadline": campaign.end_date}
            ),
            "events": timeline(campaign),
        },
    )


@login_required
@require_POST
def campaign_assign(request, pk: int):
    campaign = _campaign(request, pk)
    form = AssignForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
        n = services.assign_tasks(
            actor=request.user, campaign=campaign, version=request.POST.get("version"), **form.cleaned_data
        )
    except DomainError as exc:
        return refuse_to_page(request, exc, campaign.get_absolute_url(), "assign_form")
    messages.success(request, _("%(n)d tasks assigned.") % {"n": n})
    return redirect(campaign)


@login_required
def campaign_targets_add(request, pk: int):
    campaign = _campaign(request, pk)
    if not can_plan(request.user):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        try:
            n = services.add_targets(
                actor=request.user,
                campaign=campaign,
                enterprises=request.POST.getlist("enterprise"),
                version=request.POST.get("version"),
            )
            messages.success(request, _("%(n)d enterprises added.") % {"n": n})
            return redirect(campaign)
        except DomainError as exc:
            flash_error(request, exc)
            status = exc.status_code
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        existing = campaign.targets.values("enterprise_id")
        found = (
            Enterprise.objects.visible_to(request.user)
            .filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()) | Q(address__icontains=q))
            .exclude(pk__in=existing)
            .select_related("town")[:30]
        )
    return render(
        request,
        "inspections/campaign_targets_add.html",
        # A refused post shows the same search with the enterprises that were ticked still ticked.
        {"campaign": campaign, "found": found, "q": q, "chosen": request.POST.getlist("enterprise")},
        status=status,
    )


@login_required
@require_POST
def campaign_target_remove(request, pk: int, target_pk: int):
    campaign = _campaign(request, pk)
    target = get_visible_or_404(CampaignTarget.objects.filter(campaign=campaign), request.user, pk=target_pk)
    try:
        services.remove_target(
            actor=request.user, campaign=campaign, target=target, version=request.POST.get("version")
        )
    except DomainError as exc:
        return refused_button(request, exc, lambda: campaign_detail(request, pk))
    messages.success(request, _("The enterprise was removed from the targets."))
    return redirect(campaign)


@login_required
@require_POST
def campaign_close(request, pk: int):
    campaign = _campaign(request, pk)
    try:
        services.close_campaign(actor=request.user, campaign=campaign, version=request.POST.get("version"))
    except DomainError as exc:
        return refused_button(request, exc, lambda: campaign_detail(request, pk))
    messages.success(request, _("The campaign was closed."))
    return redirect(campaign)


def progress_columns() -> list[Column]:
    return [
        Column(pgettext("inspection", "Unit"), lambda r: r.name, 24),
        Column(_("Targets"), lambda r: r.targets, 10),
        Column(_("Inspected"), lambda r: r.inspected, 10),
        Column(_("Coverage %"), lambda r: r.coverage_percent, 10),
        Column(_("Items checked"), lambda r: r.items_checked, 12),
        Column(_("Failures"), lambda r: r.failures, 10),
        Column(_("Hazards found"), lambda r: r.hazards_found, 12),
        Column(_("Hazards closed"), lambda r: r.hazards_closed, 12),
        Column(_("Overdue"), lambda r: r.overdue, 10),
    ]


@login_required
def campaign_report(request, pk: int, fmt: str):
    campaign = _campaign(request, pk)
    progress = campaign_progress(request.user, campaign)
    if fmt == "pdf":
        return pdf_response(campaign_report_pdf(campaign, progress), f"campaign-{campaign.pk}")
    rows = [*progress.towns, progress.total, *progress.departments]
    return xlsx_response(f"campaign-{campaign.pk}", progress_columns(), rows, sheet_title=_("Progress"))
