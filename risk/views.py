"""Risk pages: the point list (register), point detail and forms, the four-colour map and statistics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from core.choices import RiskColour
from core.errors import DomainError
from core.params import id_param
from core.pdf import pdf_response
from core.scoping import get_visible_or_404
from core.views import ListPage, apply_domain_errors, page_status, posted_or_blank
from core.workflow_views import transition_page
from registry.models import Enterprise, Jurisdiction, Sector
from risk import mapdata, selectors, services
from risk.board import board_pdf
from risk.exports import register_columns
from risk.filters import RiskPointFilter
from risk.forms import AssessmentForm, MeasureForm, RetireForm, RiskPointForm
from risk.models import ControlMeasure, RiskPoint
from risk.tables import DEFAULT_GRADING, grading


class RiskPointListPage(ListPage):
    template_name = "risk/point_list.html"
    rows_template = "risk/_point_rows.html"
    filterset_class = RiskPointFilter
    sort_fields = {
        "name": "name",
        "enterprise": "enterprise__name",
        "score": "score",
        "colour": "effective_colour",
        "review": "next_review_on",
    }
    default_sort = "enterprise__name"
    export_name = "risk-register"

    def queryset(self):
        qs = RiskPoint.objects.visible_to(self.request.user).for_list()
        if "active" not in self.request.GET:
            qs = qs.active()
        return qs

    def export_queryset(self, qs):
        # The "Control measures" column reads them; the background job calls this without `?export=` in
        # its query, so the prefetch belongs here and not in queryset() (issue 17: job file = direct file).
        return qs.prefetch_related(selectors.active_measures_prefetch())

    def search(self, qs, q):
        return qs.filter(Q(name__icontains=q) | Q(location__icontains=q) | Q(enterprise__name__icontains=q))

    def export_columns(self):
        return register_columns(self.request.user)


@login_required
def point_list(request):
    return RiskPointListPage(request).response({"grading": _grading_tables()})


def _grading_tables() -> list[dict]:
    return [{"method": m, **grading(m)} for m in DEFAULT_GRADING]


def _enterprise_for_user(request, pk):
    return get_visible_or_404(Enterprise.objects.select_related("town"), request.user, pk=pk)


def _point_for_user(request, pk):
    return get_visible_or_404(
        RiskPoint.objects.select_related("enterprise", "enterprise__town", "assessed_by"), request.user, pk=pk
    )


def _apply_assessment_errors(form: AssessmentForm, method: str, exc: DomainError) -> None:
    apply_domain_errors(form, exc, fields=lambda name: form.error_field(method, name))


@login_required
def point_create(request, enterprise_pk: int):
    enterprise = _enterprise_for_user(request, enterprise_pk)
    if not services.can_manage(request.user, enterprise.pk):
        raise PermissionDenied
    form = RiskPointForm(request.POST or None)
    assess_form = AssessmentForm(request.POST or None, optional=True, prefix="a")
    if request.method == "POST" and form.is_valid() and assess_form.is_valid():
        method = assess_form.cleaned_data.get("method") or ""
        assessment = None
        if method:
            assessment = {
                "method": method,
                **assess_form.factors(),
                "next_review_on": assess_form.cleaned_data.get("next_review_on"),
                "note": assess_form.cleaned_data.get("note", ""),
            }
        try:
            point = services.create_risk_point(
                actor=request.user, enterprise=enterprise, data=form.cleaned_data, assessment=assessment
            )
        except DomainError as exc:
            on_point = {name: errors for name, errors in exc.errors.items() if name in form.fields}
            on_assessment = {name: errors for name, errors in exc.errors.items() if name not in form.fields}
            if on_point or not exc.errors:
                apply_domain_errors(form, DomainError(exc.message, errors=on_point))
            if on_assessment:
                _apply_assessment_errors(assess_form, method, DomainError(errors=on_assessment))
        else:
            messages.success(request, _("The risk point was added."))
            return redirect("risk:point_detail", pk=point.pk)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
    return render(
        request,
        "risk/point_form.html",
        {
            "form": form,
            "assess_form": assess_form,
            "enterprise": enterprise,
            "creating": True,
            "grading": _grading_tables(),
        },
        status=page_status(form, assess_form),
    )


@login_required
def point_edit(request, pk: int):
    point = _point_for_user(request, pk)
    if not services.can_manage(request.user, point.enterprise_id):
        raise PermissionDenied
    initial = {name: getattr(point, name) for name in services.POINT_FIELDS}
    form = RiskPointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.update_risk_point(
                actor=request.user, point=point, data=data, version=_int(request.POST.get("version"))
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The risk point was updated."))
            return redirect("risk:point_detail", pk=point.pk)
    return render(
        request,
        "risk/point_form.html",
        {"form": form, "point": point, "enterprise": point.enterprise},
        status=page_status(form),
    )


@login_required
def point_detail(request, pk: int):
    point = _point_for_user(request, pk)
    return render(request, "risk/point_detail.html", _detail_context(request, point))


def _detail_context(request, point) -> dict:
    """The point page's context; a refused form of the page comes back as posted (`posted_or_blank`)."""
    from audit.services import timeline

    return {
        **selectors.point_detail(point),
        "can_manage": point.is_active and services.can_manage(request.user, point.enterprise_id),
        "measure_form": posted_or_blank(request, "measure_form", MeasureForm),
        "retire_form": posted_or_blank(request, "retire_form", RetireForm),
        "refused_form": getattr(request, "refusal", ("", None))[0],
        "events": timeline(point),
        "responsible_phone": _phone(request.user, point),
    }


def _phone(user, point) -> str:
    from core.masking import phone_for

    return phone_for(user, point.responsible_phone, point.enterprise_id)


@login_required
def point_assess(request, pk: int):
    point = _point_for_user(request, pk)
    if not point.is_active or not services.can_manage(request.user, point.enterprise_id):
        raise PermissionDenied
    initial = {"method": point.method or "lec", "version": point.version}
    if point.method == "lec":
        initial.update(lec_l=_plain(point.l_value), lec_e=_plain(point.e_value), lec_c=_plain(point.c_value))
    elif point.method == "ls":
        initial.update(ls_l=_plain(point.l_value), ls_s=str(point.s_value or ""))
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        method = form.cleaned_data["method"]
        try:
            services.assess_risk_point(
                actor=request.user,
                point=point,
                method=method,
                factors=form.factors(),
                version=form.cleaned_data.get("version"),
                next_review_on=form.cleaned_data.get("next_review_on"),
                note=form.cleaned_data.get("note", ""),
            )
        except DomainError as exc:
            _apply_assessment_errors(form, method, exc)
        else:
            messages.success(request, _("The assessment was recorded."))
            return redirect("risk:point_detail", pk=point.pk)
    return render(
        request,
        "risk/assess_form.html",
        {"form": form, "point": point, "grading": _grading_tables()},
        status=page_status(form),
    )


def _plain(value) -> str:
    from risk.tables import plain_number

    number = plain_number(value)
    return "" if number is None else str(number)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _measure_added(request, point, measure) -> None:
    """R-RISK-4: a measure below the level the point's colour requires is added, and the user told."""
    from risk.tables import control_level_is_too_low

    if control_level_is_too_low(point.effective_colour or point.colour, measure.level):
        messages.warning(
            request, _("The measure was added, but its level is below what the point's colour requires.")
        )
    else:
        messages.success(request, _("The measure was added."))


# The point's transitions whose forms live on its page (retirement, control measures): refused back there.
point_transition = transition_page(
    services.FLOW,
    queryset=lambda: RiskPoint.objects.all(),
    services={
        "retire": services.retire_risk_point,
        "add_measure": services.add_control_measure,
        "remove_measure": services.remove_control_measure,
    },
    inline={"retire": "retire_form", "add_measure": "measure_form", "remove_measure": ""},
    success={
        "retire": gettext_lazy("The risk point was retired from the register."),
        "add_measure": _measure_added,
        "remove_measure": gettext_lazy("The measure was removed."),
    },
)


@login_required
def point_board(request, pk: int):
    point = _point_for_user(request, pk)
    measures = ControlMeasure.objects.active().filter(point=point).order_by("kind", "id")
    return pdf_response(board_pdf(request.user, point, measures), f"risk-board-{point.pk}")


def _map_filters(request) -> dict:
    level = request.GET.get("level") or None
    if level not in (None, "none", "red", "orange", "yellow", "blue"):
        level = None
    sector = request.GET.get("sector") or None
    if sector and not Sector.objects.filter(code=sector).exists():
        sector = "-"
    return {"town_id": id_param(request, "town"), "sector_code": sector, "level": level}


@login_required
def risk_map(request):
    filters = _map_filters(request)
    return render(
        request,
        "risk/map.html",
        {
            "towns": Jurisdiction.objects.towns().filter(is_active=True).order_by("code"),
            "sectors": Sector.objects.all(),
            "filters": filters,
            "map_config": {
                **mapdata.base_config(),
                "center": [22.615, 113.070],
                "colourNames": {**{c.value: str(c.label) for c in RiskColour}, "none": _("Not assessed")},
            },
            "query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def risk_map_data(request):
    return JsonResponse(
        selectors.map_data(
            request.user,
            **_map_filters(request),
            bbox=mapdata.parse_bbox(request.GET.get("bbox")),
            zoom=mapdata.parse_zoom(request.GET.get("zoom")),
        )
    )


@login_required
def risk_stats(request):
    return render(request, "risk/stats.html", selectors.colour_stats(request.user))
