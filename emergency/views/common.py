"""What the emergency pages share: the create page, pagination, the role gate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.views import apply_domain_errors
from emergency.policy import POLICY


def page_of(request, qs, per_page=50):
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def initial_of(obj, form_class) -> dict:
    """An edit page's starting values: the record's value of each field of the form, a foreign key by its
    id (the form's choice field selects by id)."""
    return {f: getattr(obj, f"{f}_id", None) or getattr(obj, f) for f in form_class.base_fields}


def require(request, action: str) -> None:
    if not POLICY.can(request.user, action):
        raise PermissionDenied


def form_page(request, *, form_class, service, action, title, success, initial=None, intro=""):
    """A create page: GET shows the form, POST calls the service; a refused input keeps what was typed."""
    require(request, action)
    return _form_round(
        request,
        form_class=form_class,
        call=lambda data: service(actor=request.user, data=data),
        context={"title": title, "intro": intro},
        success=success,
        initial=initial,
    )


def edit_page(request, obj, *, form_class, service, action, title, success, initial):
    """An edit page: the form starts from the record; POST sends the version read (a stale one: 409)."""
    require(request, action)
    return _form_round(
        request,
        form_class=form_class,
        call=lambda data: service(obj, actor=request.user, version=data.get("version"), data=data),
        context={"title": title, "version": obj.version},
        success=success,
        initial=initial,
    )


def _form_round(request, *, form_class, call, context, success, initial):
    status = 200
    if request.method == "POST":
        form = _form(form_class, request, data=request.POST)
        try:
            obj = call(request.POST)
        except DomainError as exc:
            form.is_valid()
            apply_domain_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Saved."))
            return redirect(success(obj))
    else:
        form = _form(form_class, request, initial=initial or {})
    return render(request, "emergency/form.html", {"form": form, **context}, status=status)


def _form(form_class, request, **kwargs):
    from emergency.forms import ScopedForm

    if issubclass(form_class, ScopedForm):
        kwargs["actor"] = request.user
    return form_class(**kwargs)
