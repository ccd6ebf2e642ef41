"""Pages of the district's settings and town registers kept as lists: reserve norms (R-EMG-5) and the
transfer lists of people to move (转移安置, R-EMG-7)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from core.scoping import get_visible_or_404
from core.views import ListPage
from emergency import services
from emergency.filters import NormFilter, TransferFilter
from emergency.forms import NormForm, NormQuantityForm, TransferForm
from emergency.models import ReserveNorm, Shelter, SupplyItem, TransferEntry
from emergency.policy import POLICY
from emergency.views.common import edit_page, form_page, initial_of


class NormListPage(ListPage):
    template_name = "emergency/norm_list.html"
    rows_template = "emergency/_norm_rows.html"
    filterset_class = NormFilter
    sort_fields = {"town": "town__code", "item": "item__code", "quantity": "quantity"}
    default_sort = "town__code"

    def queryset(self):
        return ReserveNorm.objects.visible_to(self.request.user).select_related("town", "warehouse", "item")

    def search(self, qs, q):
        return qs.filter(
            Q(item__name__icontains=q) | Q(item__code__icontains=q) | Q(warehouse__name__icontains=q)
        )


@login_required
def norm_list(request):
    """The norms the district set, and the SL 298-2004 figures that stand where it set none."""
    defaults = SupplyItem.objects.filter(default_norm__gt=0).order_by("category", "code")
    return NormListPage(request).response(
        {"defaults": defaults, "can_set": POLICY.can(request.user, "set_norms"), "active": "norms"}
    )


@login_required
def norm_create(request):
    return form_page(
        request,
        form_class=NormForm,
        service=services.set_norm,
        action="set_norms",
        title=_("Set a reserve norm"),
        success=lambda n: reverse("emergency:norms"),
        initial={"item": request.GET.get("item")} if request.GET.get("item", "").isdigit() else None,
        intro=_("Setting a norm again for the same town, warehouse and item replaces it."),
    )


@login_required
def norm_edit(request, pk: int):
    norm = get_visible_or_404(ReserveNorm.objects.select_related("town", "item"), request.user, pk=pk)
    return edit_page(
        request,
        norm,
        form_class=NormQuantityForm,
        service=services.change_norm,
        action="set_norms",
        title=_("Reserve norm: %(item)s, %(town)s") % {"item": norm.item, "town": norm.town},
        success=lambda n: reverse("emergency:norms"),
        initial={"quantity": norm.quantity},
    )


class TransferListPage(ListPage):
    template_name = "emergency/transfer_list.html"
    rows_template = "emergency/_transfer_rows.html"
    filterset_class = TransferFilter
    sort_fields = {"town": "town__code", "zone": "zone", "persons": "persons"}
    default_sort = "town__code"

    def queryset(self):
        return TransferEntry.objects.visible_to(self.request.user).select_related("town", "shelter")

    def search(self, qs, q):
        return qs.filter(Q(zone__icontains=q) | Q(mover__icontains=q) | Q(shelter__name__icontains=q))


@login_required
def transfer_list(request):
    user = request.user
    shelters = (
        Shelter.objects.visible_to(user)
        .select_related("town")
        .annotate(assigned=Sum("entries__persons"))
        .order_by("town__code", "name")
    )
    return TransferListPage(request).response(
        {"shelters": shelters, "can_add": POLICY.can(user, "keep_registers")}
    )


@login_required
def transfer_create(request):
    return form_page(
        request,
        form_class=TransferForm,
        service=services.register_transfer,
        action="keep_registers",
        title=_("New transfer list entry"),
        success=lambda e: reverse("emergency:transfers"),
    )


@login_required
def transfer_edit(request, pk: int):
    entry = get_visible_or_404(TransferEntry.objects.select_related("town"), request.user, pk=pk)
    return edit_page(
        request,
        entry,
        form_class=TransferForm,
        service=services.update_transfer,
        action="keep_registers",
        title=_("Transfer list: %(zone)s") % {"zone": entry.zone},
        success=lambda e: reverse("emergency:transfers"),
        initial=initial_of(entry, TransferForm),
    )
