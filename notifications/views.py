from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.views import apply_domain_errors, page_status, refused_button
from notifications.forms import WebhookForm
from notifications.models import Notification, Webhook, WebhookDelivery
from notifications.services import WEBHOOK_POLICY, mark_read, register_webhook, set_webhook_active
from notifications.webhooks import documented_events, event_choices


@login_required
def notification_list(request):
    qs = Notification.objects.for_user(request.user)
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "manages_webhooks": WEBHOOK_POLICY.can(request.user, "manage_webhooks")},
    )


@login_required
@require_POST
def mark_read_view(request, pk: int):
    # Someone else's notification is not found, like any object outside the user's scope.
    get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    mark_read(actor=request.user, notification_id=pk)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read_view(request):
    mark_read(actor=request.user)
    return redirect("notifications:list")


# --- outgoing webhooks (the district administrator) -----------------------------------------------------


def _require_webhook_manager(user) -> None:
    if not WEBHOOK_POLICY.can(user, "manage_webhooks"):
        raise PermissionDenied


@login_required
def webhook_list(request):
    """The registered webhooks with their latest deliveries, and the form to register one."""
    _require_webhook_manager(request.user)
    form = WebhookForm()
    if request.method == "POST":
        form = WebhookForm(data=request.POST)
        try:
            register_webhook(actor=request.user, data=request.POST)
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Webhook registered."))
            return redirect("notifications:webhooks")
    return _webhook_page(request, form)


def _webhook_page(request, form):
    hooks = Webhook.objects.order_by("-is_active", "name").annotate(
        delivered=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.DELIVERED)),
        failed=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.FAILED)),
        pending=Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.PENDING)),
    )
    labels = dict(event_choices())
    rows = [{"hook": h, "events": [labels.get(e, e) for e in h.events]} for h in hooks]
    return render(
        request,
        "notifications/webhooks.html",
        {"rows": rows, "form": form, "events": documented_events()},
        status=page_status(form),
    )


@login_required
@require_POST
def webhook_active(request, pk: int):
    _require_webhook_manager(request.user)
    hook = get_object_or_404(Webhook, pk=pk)
    try:
        set_webhook_active(
            hook,
            actor=request.user,
            active=request.POST.get("active") == "1",
            version=request.POST.get("version"),
        )
    except DomainError as exc:
        return refused_button(request, exc, lambda: _webhook_page(request, WebhookForm()))
    return redirect("notifications:webhooks")
