"""Accident pages: list, phone-first report form, detail with clocks and timeline, actions, express PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from accidents import rules, selectors, services
from accidents.choices import State
from accidents.documents import express_report_pdf
from accidents.filters import AccidentFilter
from accidents.forms import (
    AccidentForm,
    ChainStepForm,
    CloseForm,
    ExtensionForm,
    FindingForm,
    InvestigationForm,
    MeasureForm,
    MeasureHazardForm,
    OpenInvestigationForm,
    ReportForm,
    ReportingFindingForm,
    ReportUploadForm,
    StepForm,
    SupplementForm,
)
from accidents.models import Accident, Investigation, ReportDeadline
from accidents.services import chain
from accidents.services.reporting import FLOW
from attachments.uploads import store_uploads
from audit.services import timeline
from core.errors import DomainError, InvalidInput, NotAllowed
from core.exports import Column
from core.masking import phone_for
from core.pdf import pdf_response
from core.scoping import get_visible_or_404
from core.views import ListPage, apply_domain_errors, page_status, posted_or_blank
from core.workflow_views import transition_page


def accident_columns(user) -> list[Column]:
    return [
        Column(pgettext("accident", "No."), lambda a: a.pk, 8),
        Column(_("Title"), lambda a: a.title, 40),
        Column(_("Time of the accident"), lambda a: a.occurred_at, 18),
        Column(_("Town/street"), lambda a: a.town.display_name),
        Column(_("Place"), lambda a: a.address, 30),
        Column(_("Enterprise"), lambda a: a.enterprise.name if a.enterprise_id else "", 30),
        Column(_("Sector"), lambda a: a.sector.display_name),
        Column(_("Accident type"), lambda a: a.get_accident_type_display()),
        Column(pgettext("accident", "Level"), lambda a: a.get_level_display()),
        Column(_("Deaths"), lambda a: a.deaths, 8),
        Column(_("Missing"), lambda a: a.missing, 8),
        Column(_("Serious injuries"), lambda a: a.serious_injuries, 8),
        Column(_("Minor injuries"), lambda a: a.minor_injuries, 8),
        Column(_("Direct economic loss (yuan)"), lambda a: a.direct_loss, 14),
        Column(_("State"), lambda a: a.get_state_display()),
        Column(_("Reporter"), lambda a: a.reporter_name),
        Column(_("Reporter's phone"), lambda a: phone_for(user, a.reporter_phone, a.enterprise_id)),
    ]


# Phone first: what must be reported at once on top, the casualty numbers two to a row, the rest folded.
FORM_LAYOUT = {
    "numbers": ("deaths", "missing", "serious_injuries", "minor_injuries"),
    "later": ("direct_loss", "measures_taken", "reporter_name", "reporter_phone", "lat", "lng"),
    # R-ACC-8: a direct report to a higher level and a larger near-miss event, rare, folded apart.
    "chain": ("bypass_reported_to", "bypass_reported_at", "larger_near_miss", "near_miss_reason"),
}


class AccidentListPage(ListPage):
    template_name = "accidents/accident_list.html"
    rows_template = "accidents/_accident_rows.html"
    filterset_class = AccidentFilter
    sort_fields = {"time": "occurred_at", "town": "town__code", "level": "level", "deaths": "deaths"}
    default_sort = "-occurred_at"
    export_name = "accidents"

    def queryset(self):
        # R-ACC-7: a report overdue or made late shows on the row.
        late = ReportDeadline.objects.filter(accident=OuterRef("pk")).filter(
            Q(done_at__isnull=True, due_at__lt=timezone.now()) | Q(done_at__gt=F("due_at"))
        )
        return Accident.objects.visible_to(self.request.user).for_list().annotate(late=Exists(late))

    def search(self, qs, q):
        return AccidentFilter(data={"q": q}, queryset=qs).qs

    def export_columns(self):
        return accident_columns(self.request.user)


@login_required
def accident_list(request):
    return AccidentListPage(request).response({"can_record": services.can(request.user, "record_accident")})


def _accident_or_404(request, pk):
    return get_visible_or_404(
        Accident.objects.for_list().prefetch_related(
            Prefetch("deadlines", queryset=ReportDeadline.objects.order_by("due_at", "id")), "reports"
        ),
        request.user,
        pk=pk,
    )


@login_required
def accident_create(request):
    if not services.can(request.user, "record_accident"):
        raise PermissionDenied
    initial = {
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reporter_name": request.user.display_name,
        "reporter_phone": request.user.phone,
    }
    if request.user.town_id:
        initial["town"] = request.user.town_id
    if request.user.enterprise_id:
        initial["enterprise"] = request.user.enterprise_id
        initial["town"] = request.user.enterprise.town_id
    form = AccidentForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accident = services.record_accident(actor=request.user, data=dict(form.cleaned_data))
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(
                request,
                _("The accident was reported as a %(level)s; the reporting clocks are running.")
                % {"level": accident.get_level_display()},
            )
            return redirect("accidents:detail", pk=accident.pk)
    return render(
        request,
        "accidents/accident_form.html",
        {"form": form, "creating": True, **FORM_LAYOUT},
        status=page_status(form),
    )


def _version(request) -> str | None:
    """The version the page was read at; the workflow refuses a missing one (400) and a stale one (409)."""
    return request.POST.get("version")


@login_required
def accident_edit(request, pk: int):
    accident = _accident_or_404(request, pk)
    if not services.can(request.user, "update_accident") or accident.state == State.CLOSED:
        raise PermissionDenied
    initial = {
        f: getattr(accident, f)
        for f in (
            "town",
            "address",
            "enterprise",
            "sector",
            "accident_type",
            "narrative",
            "measures_taken",
            "reporter_name",
            "reporter_phone",
            "lat",
            "lng",
            "bypass_reported_to",
            "larger_near_miss",
            "near_miss_reason",
        )
    }
    for moment in ("unit_informed_at", "bypass_reported_at"):
        value = getattr(accident, moment)
        if value and not (moment == "unit_informed_at" and accident.unit_informed_assumed):
            initial[moment] = timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    initial["occurred_at"] = timezone.localtime(accident.occurred_at).strftime("%Y-%m-%dT%H:%M")
    form = AccidentForm(request.POST or None, user=request.user, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.update_accident(
                actor=request.user,
                accident=accident,
                data=data,
                version=_version(request),
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The accident was updated."))
            return redirect("accidents:detail", pk=accident.pk)
    return render(
        request,
        "accidents/accident_form.html",
        {"form": form, "accident": accident, **FORM_LAYOUT},
        status=page_status(form),
    )


@login_required
def accident_detail(request, pk: int):
    accident = _accident_or_404(request, pk)
    return render(request, "accidents/accident_detail.html", _detail_context(request, accident))


def _detail_context(request, accident, bound: dict | None = None) -> dict:
    """The detail page's context; `bound` replaces the blank form a refused action posted (kept input)."""
    user = request.user
    investigation = (
        Investigation.objects.filter(accident=accident)
        .prefetch_related("findings", "measures__enterprise")
        .first()
    )
    now = timezone.now()
    can_investigate = services.can(user, "investigate") and accident.state != State.CLOSED
    context = {
        "accident": accident,
        "clocks": selectors.clock_rows(accident, now=now),
        "reports": selectors.recent_reports(accident),
        "chain_rows": selectors.chain_rows(accident, user, now=now),  # R-ACC-8, R-ACC-9
        "reporting_findings": accident.reporting_findings.select_related("recorded_by"),  # R-ACC-7
        "can_record_finding": services.can(user, "investigate"),
        "chain_form": ChainStepForm(),
        "finding_form_reporting": ReportingFindingForm(),
        "next_follow_up": selectors.next_follow_up_due(accident),
        "level_changes": accident.level_changes.select_related("changed_by"),
        "supplement_closes": rules.supplement_window_closes(accident),
        "supplement_open": now <= rules.supplement_window_closes(accident) and accident.state != State.CLOSED,
        "investigation": investigation,
        "report_documents": list(services.report_documents(investigation)) if investigation else [],
        "reporter_phone": phone_for(user, accident.reporter_phone, accident.enterprise_id),
        "events": timeline(accident),
        "case": getattr(accident, "case", None) if accident.state == State.CLOSED else None,
        "can_edit": services.can(user, "update_accident") and accident.state != State.CLOSED,
        "can_mark_unit": services.can(user, "mark_unit_step"),
        "can_mark_escalation": services.can(user, "mark_escalation_step"),
        "can_investigate": can_investigate,
        "step_form": StepForm(),
        "supplement_form": posted_or_blank(
            request, "supplement_form", SupplementForm, initial=accident.numbers
        ),
        "report_form": ReportForm(),
        "open_form": posted_or_blank(request, "open_form", OpenInvestigationForm),
        "close_form": posted_or_blank(request, "close_form", CloseForm),
        # A refused transition drawn back here (core.views.refuse_to_page) opens its form's section.
        "refused_form": getattr(request, "refusal", ("", None))[0],
        "now": now,
        "today": timezone.localdate(now),
    }
    if investigation and can_investigate:
        context.update(_investigation_forms(request, investigation))
    context.update(bound or {})
    return context


def _investigation_forms(request, investigation) -> dict:
    """The investigation's forms: blank, or the refused one as posted (INVESTIGATION_FLOW's actions)."""
    text = {f: getattr(investigation, f) for f in services.INVESTIGATION_TEXT_FIELDS}
    return {
        "investigation_form": posted_or_blank(request, "investigation_form", InvestigationForm, initial=text),
        "extension_form": posted_or_blank(request, "extension_form", ExtensionForm),
        "finding_form": posted_or_blank(request, "finding_form", FindingForm),
        "measure_form": posted_or_blank(request, "measure_form", MeasureForm, user=request.user),
        "hazard_form": MeasureHazardForm(),
        "hazard_form_bound": posted_or_blank(request, "hazard_form_bound", MeasureHazardForm),
        "upload_form": posted_or_blank(request, "upload_form", ReportUploadForm),
    }


@login_required
def accident_pdf(request, pk: int):
    accident = _accident_or_404(request, pk)
    return pdf_response(express_report_pdf(accident, user=request.user), f"accident-{accident.pk}")


def _post_action(request, pk, handler, success: str, *, actions: tuple[str, ...], form_key: str, form):
    """404 for an accident out of scope, then 403 for a role that may do none of `actions`, then the input:
    `form` (a class, or a function of the request) validates it and `handler(accident, cleaned_data)` acts.
    A refusal shows the detail page again with the form as posted and its errors (400, or 409 when the
    state or version refused it)."""
    accident = _accident_or_404(request, pk)
    if not any(services.can(request.user, action) for action in actions):
        raise PermissionDenied
    bound = form(request.POST, request.FILES) if isinstance(form, type) else form(request)
    try:
        if bound.is_valid():
            handler(accident, bound.cleaned_data)
            messages.success(request, success)
            return redirect("accidents:detail", pk=accident.pk)
    except NotAllowed:
        raise PermissionDenied
    except DomainError as exc:
        apply_domain_errors(bound, exc)
    accident.refresh_from_db()
    context = _detail_context(request, accident, {form_key: bound, "refused_form": form_key})
    return render(request, "accidents/accident_detail.html", context, status=page_status(bound))


def _action(act, success, *, actions: tuple[str, ...], form_key: str, form):
    """A POST action of the accident page: `act(request, accident, cleaned_data)`; refusals as
    `_post_action` shows them."""

    @login_required
    @require_POST
    def view(request, pk: int):
        def handle(accident, data):
            act(request, accident, data)

        return _post_action(request, pk, handle, str(success), actions=actions, form_key=form_key, form=form)

    return view


INVESTIGATE = ("investigate",)
mark_step = _action(
    lambda request, accident, data: services.mark_step_done(actor=request.user, accident=accident, **data),
    gettext_lazy("The report was marked as made."),
    actions=("mark_unit_step", "mark_escalation_step"),
    form_key="step_form",
    form=StepForm,
)
# R-ACC-8: a notification, the report to the district government, the government's receipt of the
# investigation report and its reply, or the one-year evaluation, recorded as done.
record_chain_step = _action(
    lambda request, accident, data: chain.record_chain_step(actor=request.user, accident=accident, **data),
    gettext_lazy("The step was recorded."),
    actions=("mark_escalation_step", "investigate"),
    form_key="chain_form",
    form=ChainStepForm,
)
# R-ACC-7: omitted, false or concealed reporting as an investigator finds it.
record_reporting_finding = _action(
    lambda request, accident, data: chain.record_reporting_finding(
        actor=request.user, accident=accident, **data
    ),
    gettext_lazy("The reporting finding was recorded."),
    actions=INVESTIGATE,
    form_key="finding_form_reporting",
    form=ReportingFindingForm,
)
add_report = _action(
    lambda request, accident, data: services.submit_report(actor=request.user, accident=accident, **data),
    gettext_lazy("The report was recorded."),
    actions=("submit_report",),
    form_key="report_form",
    form=ReportForm,
)
# The accident's transitions whose forms live on its page: posted there, refused back there.
accident_transition = transition_page(
    FLOW,
    queryset=lambda: Accident.objects.all(),
    services={
        "supplement": services.supplement_from_page,
        "open_investigation": services.open_investigation,
        "close": services.close_accident,
    },
    inline={"supplement": "supplement_form", "open_investigation": "open_form", "close": "close_form"},
    success={
        "supplement": gettext_lazy("The supplementary report was recorded."),
        "open_investigation": gettext_lazy("The investigation was opened."),
        "close": gettext_lazy("The accident was closed and added to the case library."),
    },
)


def _received_report(request, action: str, data: dict) -> dict:
    """The report's file is stored (sniffed, digested) and the service links it by id."""
    if action != "attach_report":
        return data
    files = request.FILES.getlist("file")
    if not files:
        raise InvalidInput.field("file", _("Choose the investigation report file."))
    return {**data, "attachments": [a.pk for a in store_uploads(request.user, files, "file")]}


def _investigation_of(request, pk: int) -> Investigation:
    """The investigation of an accident the user sees (else 404). None opened yet: 403 for a role that may
    never investigate, as for the accident's other actions, else 404."""
    accident = get_visible_or_404(Accident.objects.all(), request.user, pk=pk)
    investigation = Investigation.objects.filter(accident=accident).select_related("accident").first()
    if investigation is None:
        if not services.can(request.user, "investigate"):
            raise PermissionDenied
        raise Http404
    return investigation


# The investigation's changes, posted from the accident's page (reached by the accident's id).
investigation_transition = transition_page(
    services.INVESTIGATION_FLOW,
    get_object=_investigation_of,
    services={
        "update": services.update_investigation,
        "extend": services.extend_investigation,
        "add_finding": services.add_finding,
        "add_measure": services.add_measure,
        "measure_to_hazard": services.measure_to_hazard,
        "attach_report": services.attach_investigation_report,
    },
    inline={
        "update": "investigation_form",
        "extend": "extension_form",
        "add_finding": "finding_form",
        "add_measure": "measure_form",
        "measure_to_hazard": "hazard_form_bound",  # only the refused measure's form shows it
        "attach_report": "upload_form",
    },
    receive=_received_report,
    success={
        "update": gettext_lazy("The investigation was saved."),
        "extend": gettext_lazy("The investigation deadline was extended."),
        "add_finding": gettext_lazy("The finding was added."),
        "add_measure": gettext_lazy("The measure was added."),
        "measure_to_hazard": gettext_lazy("The measure was registered as a hazard."),
        "attach_report": gettext_lazy("The investigation report was attached."),
    },
)
