"""Draw pages (双随机): list, make, one draw with its verification, conflicts, settings; the public page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.choices import Role
from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.views import apply_domain_errors, page_status, refused_button
from core.workflow_views import transition_page
from inspections import services
from inspections.choices import DrawState
from inspections.forms import ConflictForm, DrawForm, DrawSettingForm
from inspections.models import (
    ConflictOfInterest,
    Draw,
    DrawAssignment,
    DrawSetting,
    PublishedResult,
)
from inspections.rules import DRAW_FLOW
from inspections.selectors import draw_share
from inspections.views.common import can_plan
from registry.models import Enterprise


@login_required
def draw_list(request):
    qs = Draw.objects.visible_to(request.user).select_related("town", "sector", "created_by")
    page = Paginator(qs.order_by("-created_at", "-id"), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/draw_list.html",
        {
            "share": draw_share(request.user),
            "page_obj": page,
            "can_plan": can_plan(request.user),
            "is_admin": request.user.has_role(Role.DISTRICT_ADMIN),
        },
    )


@login_required
def draw_create(request):
    if not can_plan(request.user):
        raise PermissionDenied
    form = DrawForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid() and request.POST.get("confirm") != "1":
        # First the pool and its sizes, then the draw on a second, deliberate confirmation.
        preview = _pool_preview(request.user, form.cleaned_data)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = services.make_draw(
                actor=request.user,
                pool={
                    "town": getattr(data["town"], "pk", None),
                    "sector": getattr(data["sector"], "pk", None),
                },
                inspector_pool={
                    "town": getattr(data["inspector_town"], "pk", None),
                    "department": getattr(data["inspector_department"], "pk", None),
                },
                count=data["count"],
                inspectors_per_entity=data["inspectors_per_entity"],
                seed=data["seed"],
                template=getattr(data["template"], "pk", None),
                deadline=data["deadline"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The draw is made and recorded with its seed."))
            return redirect(draw)
    return render(
        request,
        "inspections/draw_form.html",
        {"form": form, "setting": DrawSetting.current(), "preview": preview},
        status=page_status(form),
    )


def _pool_preview(user, data) -> dict:
    """What the draw would draw from: the operating enterprises of the pool the user can see, the inspectors."""
    from inspections.services.draws import _inspector_pool

    enterprises = Enterprise.objects.visible_to(user).operating()
    if data.get("town") is not None:
        enterprises = enterprises.filter(town=data["town"])
    if data.get("sector") is not None:
        enterprises = enterprises.filter(sectors=data["sector"])
    return {
        "enterprises": enterprises.distinct().count(),
        "sample": list(enterprises.distinct().order_by("name").values_list("name", flat=True)[:10]),
        "inspectors": len(_inspector_pool(data.get("inspector_town"), data.get("inspector_department"))),
        "data": data,
    }


@login_required
def draw_notice(request, pk: int):
    """The public notice (公示) of a draw, printable at draw time: pool, rules, seed, who inspects whom."""
    from core.documents import issuing_body_name
    from core.pdf import PdfDocument, pdf_response

    draw = get_visible_or_404(
        Draw.objects.select_related("town", "sector", "inspector_town", "inspector_department", "undone_by"),
        request.user,
        pk=pk,
    )
    pairs = draw.pairs.select_related("enterprise__town").prefetch_related(
        Prefetch("assignments", DrawAssignment.objects.select_related("inspector").order_by("position"))
    )
    doc = PdfDocument(_("Public notice of a double-random inspection draw"), subtitle=issuing_body_name())
    doc.facts(
        [
            (_("Drawn at"), timezone.localtime(draw.created_at).strftime("%Y-%m-%d %H:%M")),
            (_("Enterprise pool"), _pool_label(draw)),
            (
                _("Inspector pool"),
                f"{draw.inspector_town or ''} {draw.inspector_department or ''}".strip() or _("Any"),
            ),
            (_("Seed"), str(draw.seed)),
            (_("Rules applied"), draw.snapshot.get("settings", {}).get("source", "")),
            *_undone_facts(draw),
        ]
    )
    doc.table(
        ["#", _("Enterprise"), _("Town/street"), _("Inspectors")],
        [
            [
                p.position,
                p.enterprise.name,
                p.enterprise.town,
                "、".join(str(a.inspector) for a in p.assignments.all()),
            ]
            for p in pairs
        ],
    )
    doc.signatures([(_("Issued by (seal)"), issuing_body_name())])
    return pdf_response(doc.render(), f"draw-notice-{draw.pk}")


def _undone_facts(draw) -> list[tuple[str, str]]:
    """An undone draw says so on its notice: when, by whom and why; its tasks were withdrawn."""
    if draw.state != DrawState.UNDONE:
        return []
    when = timezone.localtime(draw.undone_at).strftime("%Y-%m-%d %H:%M") if draw.undone_at else ""
    return [
        (_("State"), _("Undone: the tasks of this draw were withdrawn and no inspection follows from it.")),
        (_("Undone at"), f"{when} {draw.undone_by or ''}".strip()),
        (_("Reason for undoing"), draw.undo_reason),
    ]


def _pool_label(draw) -> str:
    town = draw.town.display_name if draw.town_id else _("Whole area")
    sector = draw.sector.display_name if draw.sector_id else _("All sectors")
    return f"{town} · {sector} ({len(draw.snapshot.get('enterprises', []))})"


@login_required
def draw_detail(request, pk: int):
    draw = get_visible_or_404(
        Draw.objects.select_related(
            "town", "sector", "inspector_town", "inspector_department", "created_by", "undone_by"
        ),
        request.user,
        pk=pk,
    )
    pairs = draw.pairs.select_related("enterprise__town", "task__inspection", "published").prefetch_related(
        Prefetch("assignments", DrawAssignment.objects.select_related("inspector").order_by("position"))
    )
    return render(
        request,
        "inspections/draw_detail.html",
        {
            "draw": draw,
            "pairs": pairs,
            "verified": services.verify_draw(draw) if request.GET.get("verify") else None,
            "can_plan": can_plan(request.user),
            "buttons": DRAW_FLOW.buttons(request.user, draw),
        },
    )


# Undoing a draw (its reason asked for on the page): the workflow table's page of the transition.
draw_action = transition_page(
    DRAW_FLOW, queryset=lambda: Draw.objects.all(), services={"undo": services.undo_draw}
)


@login_required
@require_POST
def draw_publish(request, pk: int):
    draw = get_visible_or_404(Draw.objects.all(), request.user, pk=pk)
    try:
        n = services.publish_results(actor=request.user, draw=draw)
    except DomainError as exc:
        return refused_button(request, exc, lambda: draw_detail(request, pk))
    messages.success(request, _("%(n)d results published.") % {"n": n})
    return redirect(draw)


@login_required
def conflict_list(request):
    if not can_plan(request.user):
        raise PermissionDenied
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["enterprise"].strip().upper()
        enterprise = Enterprise.objects.visible_to(request.user).filter(credit_code=code).first()
        try:
            services.record_conflict(
                actor=request.user,
                inspector=form.cleaned_data["inspector"],
                enterprise=enterprise,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The conflict of interest is recorded."))
            return redirect("inspections:conflict_list")
    conflicts = ConflictOfInterest.objects.visible_to(request.user).select_related("inspector", "enterprise")
    page = Paginator(conflicts, 30).get_page(request.GET.get("page"))
    return render(
        request, "inspections/conflict_list.html", {"form": form, "page_obj": page}, status=page_status(form)
    )


@login_required
def draw_settings(request):
    if not request.user.has_role(Role.DISTRICT_ADMIN):
        raise PermissionDenied
    setting = DrawSetting.current()
    form = DrawSettingForm(
        request.POST or None,
        initial={
            f: getattr(setting, f)
            for f in (
                "exclude_previous_round",
                "complaint_weight",
                "weight_window_days",
                "publication_working_days",
                "min_draw_share",
                "source",
                "effective_from",
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draw_setting(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The draw settings were saved."))
            return redirect("inspections:draw_list")
    return render(
        request,
        "inspections/draw_settings.html",
        {"form": form, "setting": setting},
        status=page_status(form),
    )


def public_results(request):
    """R-INSP-1 "one public": published results without login — entity, date, outcome. No people."""
    results = PublishedResult.objects.select_related("pair__enterprise__town").order_by(
        "-inspected_on", "-id"
    )
    q = request.GET.get("q", "").strip()
    if q:
        results = results.filter(pair__enterprise__name__icontains=q)
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    return render(request, "inspections/public_results.html", {"page_obj": page, "q": q})
