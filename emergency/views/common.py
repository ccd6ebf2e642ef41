"""What the emergency pages share: the create page, pagination, the role gate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.views import apply_domain_errors
from emergency.services.common import may


def page_of(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def require(request, roles) -> None:
    if not may(request.user, roles):
        raise PermissionDenied


def form_page(request, *, form_class, service, roles, title, success, initial=None, intro=""):
    """A create page: GET shows the form, POST calls the service; a refused input keeps what was typed."""
    require(request, roles)
    status = 200
    if request.method == "POST":
        form = (
            form_class(data=request.POST, actor=request.user)
            if _scoped(form_class)
            else form_class(data=request.POST)
        )
        try:
            obj = service(actor=request.user, data=request.POST)
        except DomainError as exc:
            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect(success(obj))
    else:
        form = (
            form_class(initial=initial or {}, actor=request.user)
            if _scoped(form_class)
            else form_class(initial=initial or {})
        )
    return render(
        request, "emergency/form.html", {"form": form, "title": title, "intro": intro}, status=status
    )


def _scoped(form_class) -> bool:
    from emergency.forms import ScopedForm

    return issubclass(form_class, ScopedForm)
