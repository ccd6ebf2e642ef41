"""Pages of the three preventions: points, shelters, warnings, response levels."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.masking import phone_for
from core.scoping import get_visible_or_404
from core.workflow_views import transition_page
from emergency import services
from emergency.choices import DeclarationState, WarningState
from emergency.forms import DeclarationForm, PointForm, ShelterForm, WarningForm
from emergency.models import (
    Confirmation,
    Declaration,
    Shelter,
    TransferEntry,
    WaterloggingPoint,
    WeatherWarning,
)
from emergency.policy import POLICY
from emergency.rules import grade_of
from emergency.views.common import edit_page, form_page, initial_of, page_of


@login_required
def flood_registers(request):
    user = request.user
    points = WaterloggingPoint.objects.visible_to(user).select_related("town")
    shelters = (
        Shelter.objects.visible_to(user).select_related("town").annotate(assigned=Sum("entries__persons"))
    )
    entries = TransferEntry.objects.visible_to(user).select_related("town", "shelter")
    return render(
        request,
        "emergency/floods.html",
        {
            "points": [(p, phone_for(user, p.phone)) for p in points],
            "shelters": shelters,
            "entries": [(e, phone_for(user, e.phone)) for e in entries],
            "can_add": POLICY.can(user, "keep_registers"),
        },
    )


@login_required
def point_create(request):
    return form_page(
        request,
        form_class=PointForm,
        service=services.register_point,
        action="keep_registers",
        title=_("New waterlogging point"),
        success=lambda p: reverse("emergency:floods"),
    )


@login_required
def shelter_create(request):
    return form_page(
        request,
        form_class=ShelterForm,
        service=services.register_shelter,
        action="keep_registers",
        title=_("New shelter"),
        success=lambda s: reverse("emergency:floods"),
    )


@login_required
def point_edit(request, pk: int):
    point = get_visible_or_404(WaterloggingPoint.objects.select_related("town"), request.user, pk=pk)
    return edit_page(
        request,
        point,
        form_class=PointForm,
        service=services.update_point,
        action="keep_registers",
        title=_("Waterlogging point: %(name)s") % {"name": point.name},
        success=lambda p: reverse("emergency:floods"),
        initial=initial_of(point, PointForm),
    )


@login_required
def shelter_edit(request, pk: int):
    shelter = get_visible_or_404(Shelter.objects.select_related("town"), request.user, pk=pk)
    return edit_page(
        request,
        shelter,
        form_class=ShelterForm,
        service=services.update_shelter,
        action="keep_registers",
        title=_("Shelter: %(name)s") % {"name": shelter.name},
        success=lambda s: reverse("emergency:floods"),
        initial=initial_of(shelter, ShelterForm),
    )


@login_required
def warning_list(request):
    user = request.user
    warnings = WeatherWarning.objects.visible_to(user)
    declarations = Declaration.objects.visible_to(user).prefetch_related(
        "confirmations__town", "confirmations__confirmed_by"
    )[:10]
    mine = (
        Confirmation.objects.visible_to(user)
        .filter(declaration__state=DeclarationState.ACTIVE)
        .select_related("declaration", "town")
    )
    return render(
        request,
        "emergency/warnings.html",
        {
            "warnings": [
                (w, grade_of(w.signal), services.WARNING_FLOW.buttons(user, w))
                for w in page_of(request, warnings)
            ],
            "declarations": [(d, services.DECLARATION_FLOW.buttons(user, d)) for d in declarations],
            "mine": [(c, services.CONFIRMATION_FLOW.buttons(user, c)) for c in mine],
            "can_warn": POLICY.can(user, "warn"),
            "active": WarningState.ACTIVE,
        },
    )


@login_required
def warning_create(request):
    return form_page(
        request,
        form_class=WarningForm,
        service=services.issue_warning,
        action="warn",
        title=_("Enter a warning"),
        success=lambda w: reverse("emergency:warnings"),
    )


@login_required
def declaration_create(request):
    return form_page(
        request,
        form_class=DeclarationForm,
        service=services.declare_response,
        action="warn",
        title=_("Declare a response level"),
        success=lambda d: reverse("emergency:warnings"),
    )


warning_transition = transition_page(
    services.WARNING_FLOW,
    queryset=lambda: WeatherWarning.objects.all(),
    services={"lift": services.lift_warning},
)
declaration_transition = transition_page(
    services.DECLARATION_FLOW,
    queryset=lambda: Declaration.objects.all(),
    services={"end": services.end_declaration},
)
confirmation_transition = transition_page(
    services.CONFIRMATION_FLOW,
    queryset=lambda: Confirmation.objects.all(),
    services={"confirm": services.confirm_checklist},
)
