"""Pages of the supplies: warehouses, stock by batch, movements, stocktaking, shortfalls."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.masking import phone_for
from core.scoping import get_visible_or_404
from core.views import refused_button
from core.workflow_views import transition_page
from emergency import selectors, services
from emergency.forms import MovementForm, WarehouseForm
from emergency.models import Movement, StockBatch, Stocktake, Warehouse
from emergency.policy import POLICY
from emergency.towns import picked_town, visible_towns
from emergency.views.common import form_page, page_of


@login_required
def warehouse_list(request):
    qs = (
        Warehouse.objects.visible_to(request.user)
        .select_related("town", "enterprise")
        .annotate(units=Sum("batches__quantity"))
    )
    page = page_of(request, qs.order_by("town__code", "name"))
    rows = [(w, phone_for(request.user, w.phone, w.enterprise_id)) for w in page]
    return render(
        request,
        "emergency/warehouse_list.html",
        {"page_obj": page, "rows": rows, "can_add": POLICY.can(request.user, "keep_records")},
    )


@login_required
def warehouse_create(request):
    return form_page(
        request,
        form_class=WarehouseForm,
        service=services.create_warehouse,
        action="keep_records",
        title=_("New warehouse"),
        success=lambda w: reverse("emergency:warehouse_detail", args=[w.pk]),
    )


@login_required
def warehouse_detail(request, pk):
    warehouse = get_visible_or_404(
        Warehouse.objects.select_related("town", "enterprise"), request.user, pk=pk
    )
    today = timezone.localdate()
    batches = (
        StockBatch.objects.filter(warehouse=warehouse, quantity__gt=0)
        .select_related("item")
        .order_by("item__code", "expires_on")
    )
    movements = Movement.objects.filter(warehouse=warehouse).select_related("item", "person", "to_warehouse")[
        :30
    ]
    return render(
        request,
        "emergency/warehouse_detail.html",
        {
            "warehouse": warehouse,
            "phone": phone_for(request.user, warehouse.phone, warehouse.enterprise_id),
            "batches": [(b, b.is_expired(today)) for b in batches],
            "movements": selectors.movement_events(request.user, list(movements)),
            "stocktakes": warehouse.stocktakes.all()[:12],
            "can_move": POLICY.can(request.user, "keep_records"),
        },
    )


@login_required
def movement_create(request):
    initial = {"kind": request.GET.get("kind") or "out", "warehouse": request.GET.get("warehouse")}

    def success(movement):
        return reverse("emergency:warehouse_detail", args=[movement.warehouse_id])

    return form_page(
        request,
        form_class=MovementForm,
        service=services.record_movement,
        action="keep_records",
        title=_("Stock movement"),
        success=success,
        initial=initial,
        intro=_("An issue or transfer beyond the stock is refused and changes nothing."),
    )


@login_required
@require_POST
def stocktake_start(request, pk):
    warehouse = get_visible_or_404(Warehouse.objects.all(), request.user, pk=pk)
    try:
        stocktake = services.start_stocktake(actor=request.user, warehouse=warehouse)
    except DomainError as exc:
        return refused_button(request, exc, lambda: warehouse_detail(request, pk))
    return redirect("emergency:stocktake_detail", pk=stocktake.pk)


@login_required
def stocktake_detail(request, pk):
    stocktake = get_visible_or_404(Stocktake.objects.select_related("warehouse"), request.user, pk=pk)
    errors, status = {}, 200
    if request.method == "POST":
        counts = {
            line.pk: {
                "counted": request.POST.get(f"counted-{line.pk}"),
                "explanation": request.POST.get(f"explanation-{line.pk}"),
            }
            for line in stocktake.lines.all()
        }
        try:
            services.record_counts(stocktake, actor=request.user, counts=counts)
        except DomainError as exc:
            errors, status = exc.as_dict(), exc.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect("emergency:stocktake_detail", pk=stocktake.pk)
    lines = [
        {
            "line": line,
            "counted": request.POST.get(f"counted-{line.pk}", line.counted),
            "explanation": request.POST.get(f"explanation-{line.pk}", line.explanation),
            "error": " ".join(errors.get(f"line-{line.pk}", [])),
        }
        for line in stocktake.lines.select_related("batch__item")
    ]
    return render(
        request,
        "emergency/stocktake_detail.html",
        {
            "stocktake": stocktake,
            "lines": lines,
            "buttons": services.STOCKTAKE_FLOW.buttons(request.user, stocktake),
            "errors": errors,
        },
        status=status,
    )


stocktake_transition = transition_page(
    services.STOCKTAKE_FLOW,
    queryset=lambda: Stocktake.objects.all(),
    services={"confirm": services.confirm_stocktake},
)


@login_required
def shortfall_list(request):
    # ?town= narrows to one town (the assessment's supply item links here with its town).
    town = picked_town(request.user, request.GET.get("town"))
    towns = [town] if town else visible_towns(request.user)
    rows = selectors.shortfalls(towns, only_short=request.GET.get("all") != "1")
    expiring = selectors.expiring(request.user)
    if town:
        expiring = expiring.filter(warehouse__town=town)
    return render(
        request,
        "emergency/shortfalls.html",
        {"rows": rows, "expiring": expiring[:100], "town": town},
    )
