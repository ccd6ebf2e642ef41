from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.models import Notification
from notifications.services import mark_read


@login_required
def notification_list(request):
    qs = Notification.objects.for_user(request.user)
    if request.GET.get("unread"):
        qs = qs.unread()
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


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
