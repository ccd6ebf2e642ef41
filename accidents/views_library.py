"""Case library, warning education and statistics pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accidents import library, selectors, services
from accidents.choices import CaseOrigin
from accidents.filters import CaseFilter, SessionFilter
from accidents.forms import CaseForm, SessionForm
from accidents.models import Accident, Case, EducationSession
from audit.services import timeline
from core.errors import DomainError
from core.exports import Column
from core.params import id_param, year_param
from core.scoping import get_visible_or_404, scope_of
from core.views import ListPage, apply_domain_errors, page_status


class CaseListPage(ListPage):
    template_name = "accidents/case_list.html"
    rows_template = "accidents/_case_rows.html"
    filterset_class = CaseFilter
    sort_fields = {"date": "occurred_on", "level": "level"}
    default_sort = "-occurred_on"
    export_name = "cases"

    def queryset(self):
        return Case.objects.visible_to(self.request.user).select_related("sector")

    def search(self, qs, q):
        return qs.search(q)

    def export_columns(self):
        return [
            Column(_("Title"), lambda c: c.title, 40),
            Column(_("Date"), lambda c: c.occurred_on, 12),
            Column(_("Origin"), lambda c: c.get_origin_display()),
            Column(_("Sector"), lambda c: c.sector.display_name if c.sector_id else ""),
            Column(_("Accident type"), lambda c: c.get_accident_type_display()),
            Column(pgettext("accident", "Level"), lambda c: c.get_level_display()),
            Column(_("Deaths"), lambda c: c.deaths, 8),
            Column(_("Causes"), lambda c: c.causes, 50),
            Column(_("Lessons"), lambda c: c.lessons, 50),
            Column(_("Tags"), lambda c: c.tags, 20),
        ]


@login_required
def case_list(request):
    return CaseListPage(request).response({"can_add": services.can(request.user, "edit_case")})


@login_required
def case_detail(request, pk: int):
    case = get_visible_or_404(Case.objects.select_related("sector", "town"), request.user, pk=pk)
    sessions = EducationSession.objects.visible_to(request.user).filter(cases=case).order_by("-held_on")[:20]
    # "Learn from one case" starts from the accident, so it is offered where the user may see that accident.
    learn_accident = (
        case.accident_id
        if case.accident_id and Accident.objects.visible_to(request.user).filter(pk=case.accident_id).exists()
        else None
    )
    return render(
        request,
        "accidents/case_detail.html",
        {
            "case": case,
            "hazards": selectors.related_hazards(case, request.user),
            "sessions": sessions,
            "learn_accident": learn_accident,
            "events": timeline(case),
            "can_edit": services.can(request.user, "edit_case"),
        },
    )


def _case_data(form) -> dict:
    data = dict(form.cleaned_data)
    for key in ("deaths", "serious_injuries", "direct_loss"):
        if data.get(key) is None:
            data.pop(key, None)
    return data


@login_required
def case_create(request):
    if not services.can(request.user, "edit_case"):
        raise PermissionDenied
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = library.add_external_case(actor=request.user, data=_case_data(form))
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The case was added to the library."))
            return redirect("accidents:case_detail", pk=case.pk)
    return render(
        request, "accidents/case_form.html", {"form": form, "creating": True}, status=page_status(form)
    )


@login_required
def case_edit(request, pk: int):
    case = get_visible_or_404(Case.objects.all(), request.user, pk=pk)
    if not services.can(request.user, "edit_case"):
        raise PermissionDenied
    initial = {f: getattr(case, f) for f in library.CASE_FIELDS}
    initial["tags"] = "，".join(case.tags)
    form = CaseForm(request.POST or None, initial=initial)
    if case.origin == CaseOrigin.LOCAL:
        for name in (
            "occurred_on",
            "place",
            "sector",
            "accident_type",
            "deaths",
            "serious_injuries",
            "direct_loss",
            "source",
        ):
            del form.fields[name]
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in _case_data(form).items() if k in form.changed_data}
        try:
            library.update_case(actor=request.user, case=case, data=data, version=request.POST.get("version"))
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The case was updated."))
            return redirect("accidents:case_detail", pk=case.pk)
    return render(request, "accidents/case_form.html", {"form": form, "case": case}, status=page_status(form))


class SessionListPage(ListPage):
    template_name = "accidents/session_list.html"
    rows_template = "accidents/_session_rows.html"
    filterset_class = SessionFilter
    sort_fields = {"date": "held_on", "attendance": "attendee_count"}
    default_sort = "-held_on"
    export_name = "education-sessions"

    def queryset(self):
        return (
            EducationSession.objects.visible_to(self.request.user)
            .select_related("town", "department", "enterprise", "sector")
            .prefetch_related("cases")
        )

    def export_columns(self):
        return [
            Column(_("Date"), lambda s: s.held_on, 12),
            Column(_("Title"), lambda s: s.title, 40),
            Column(_("Organiser"), lambda s: str(s.organiser or ""), 24),
            Column(_("Sector"), lambda s: s.sector.display_name if s.sector_id else ""),
            Column(_("Cases studied"), lambda s: [c.title for c in s.cases.all()], 40),
            Column(_("Number of attendees"), lambda s: s.attendee_count, 10),
        ]


@login_required
def session_list(request):
    return SessionListPage(request).response({"can_add": services.can(request.user, "record_session")})


@login_required
def session_detail(request, pk: int):
    session = get_visible_or_404(
        EducationSession.objects.select_related(
            "town", "department", "enterprise", "sector"
        ).prefetch_related("cases", "audience_towns", "audience_departments", "audience_enterprises"),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "accidents/session_detail.html",
        {
            "session": session,
            "names": [n for n in session.attendee_names.splitlines() if n],
            "materials": library.session_materials(session),
            "events": timeline(session),
        },
    )


@login_required
def session_create(request):
    if not services.can(request.user, "record_session"):
        raise PermissionDenied
    initial = {"held_on": timezone.localdate()}
    case = id_param(request, "case")
    if case:
        initial["cases"] = [case]
    form = SessionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("material_file", None)
        data["material_files"] = [upload] if upload else []
        try:
            session = library.record_session(actor=request.user, data=data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The session was recorded."))
            return redirect("accidents:session_detail", pk=session.pk)
    return render(request, "accidents/session_form.html", {"form": form}, status=page_status(form))


@login_required
def education_stats(request):
    if scope_of(request.user).is_empty:
        raise PermissionDenied
    today = timezone.localdate()
    year = year_param(request, default=today.year)  # out of range: 400, as the API (issue 19)
    since = dt.date(year, 1, 1)
    return render(
        request,
        "accidents/education_stats.html",
        {
            "year": year,
            "by_town": selectors.education_by_town(request.user, since=since),
            "by_sector": selectors.education_by_sector(request.user, since=since),
            "missing": selectors.units_without_session(request.user, today=today),
        },
    )


@login_required
def accident_stats(request):
    if scope_of(request.user).is_empty:
        raise PermissionDenied
    today = timezone.localdate()
    year = year_param(request, default=today.year)  # out of range: 400, as the API (issue 19)
    charts = []
    titles = {
        "month": _("Accidents by month"),
        "type": _("Accidents by type"),
        "sector": _("Accidents by sector"),
        "town": _("Accidents by town"),
        "level": _("Accidents by level"),
    }
    for group in selectors.GROUPS:
        rows = selectors.accident_stats(request.user, group_by=group, year=year)
        charts.append(
            {
                "key": group,
                "element_id": f"chart-{group}",
                "title": titles[group],
                "rows": rows,
                "option": selectors.chart_option(
                    rows, title=titles[group], series_name=pgettext("count", "Accidents")
                ),
            }
        )
    return render(
        request,
        "accidents/stats.html",
        {"year": year, "charts": charts, "years": range(today.year, today.year - 6, -1)},
    )


@login_required
def thresholds(request):
    """R-ACC-1's level table with its source; a district admin can follow a changed regulation."""
    from accidents.forms import ThresholdForm
    from accidents.models import LevelThreshold

    if scope_of(request.user).is_empty:
        raise PermissionDenied
    rows = list(LevelThreshold.objects.all())
    can_edit = services.can(request.user, "change_thresholds")
    initial = {}
    for t in rows:
        initial.update(
            {
                f"{t.level}_deaths": t.deaths,
                f"{t.level}_serious_injuries": t.serious_injuries,
                f"{t.level}_direct_loss": t.direct_loss,
                "source": t.source,
                "effective_from": t.effective_from,
            }
        )
    form = ThresholdForm(request.POST or None, initial=initial) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.update_level_thresholds(
                    actor=request.user,
                    rows=form.rows(),
                    source=form.cleaned_data["source"],
                    effective_from=form.cleaned_data["effective_from"],
                )
            except DomainError as exc:
                apply_domain_errors(form, exc)
            else:
                messages.success(request, _("The level thresholds were updated."))
                return redirect("accidents:thresholds")
    levels = [
        {
            "level": t,
            "fields": [form[f"{t.level}_{k}"] for k in ("deaths", "serious_injuries", "direct_loss")]
            if form
            else [],
        }
        for t in rows
    ]
    return render(
        request, "accidents/thresholds.html", {"levels": levels, "form": form}, status=page_status(form)
    )
