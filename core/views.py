"""Shared views: the home page (panels per role), list-view machinery, error pages."""

import abc
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import resolve
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import DomainError
from core.exports import deliver_export
from core.extensions import home_panels
from core.middleware import current_request_meta
from core.ports import record_event


@login_required
def home(request):
    panels = []
    for panel in home_panels.for_user(request.user):
        panels.append({"template": panel.template, "context": panel.context(request)})
    return render(request, "core/home.html", {"panels": panels})


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def apply_domain_errors(form, exc: DomainError, *, fields=None, fallback: str | None = None) -> None:
    """Show a service's field errors inline on the form; others on top. The one helper of every page.

    `fields` renames the service's field names to the form's (a dict, or a function of the name) where
    the two differ; `fallback` is the form field that takes errors of fields the form does not have (on
    top of the form when None)."""
    form.domain_status = max(getattr(form, "domain_status", 0), exc.status_code)
    if not exc.errors:
        form.add_error(None, str(exc.message))
    rename = fields if callable(fields) else (lambda name: (fields or {}).get(name, name))
    for name, errors in exc.errors.items():
        field = rename(name)
        target = field if field in form.fields else fallback
        shown = form.errors.get(target or NON_FIELD_ERRORS, []) if form.is_bound else []
        for error in errors:
            if str(error) not in shown:  # the form already said it (a page validates before the service)
                form.add_error(target, error)


def page_status(*forms) -> int:
    """The status of a page that shows its forms again: a service's refusal (409 conflict, 403, 400),
    400 for input the form refused, 200 otherwise (a first view, or a form without errors)."""
    refused = [
        getattr(form, "domain_status", 0) or (400 if form.errors else 200)
        for form in forms
        if form is not None and form.is_bound
    ]
    return max(refused, default=200)


def domain_error_text(exc: DomainError, sep: str = "; ") -> str:
    """A service's error as one line, for a flash message or a small status fragment (no form to hold it)."""
    if exc.errors:
        return sep.join(str(m) for msgs in exc.errors.values() for m in msgs)
    return str(exc.message)


def refused_button(request, exc: DomainError, page):
    """A refused button, an action with no input to keep: the page it was pressed on, drawn again by `page()`
    with the reason on top, answering the refusal's status (400, 403 or 409) instead of a redirect."""
    messages.error(request, domain_error_text(exc, " "))
    response = page()
    response.status_code = exc.status_code
    return response


def refuse_to_page(request, exc: DomainError, url: str, form_key: str = ""):
    """A refused post whose form lives on another page (`url`): that page drawn again for this request, as
    its GET view draws it, with the refusal's status. The page's form named `form_key` comes back bound to
    what was posted and carrying the errors (`posted_or_blank`); without one, or for a conflict, the reason
    is shown on top as well."""
    request.POST  # noqa: B018 (read before the method changes: the body is parsed only for a POST)
    request.refusal = (form_key, exc)
    if not form_key or exc.status_code == 409:
        # A conflict may have taken the form off the page (a measure closed meanwhile): say it on top too.
        messages.error(request, domain_error_text(exc, " "))
    match = resolve(urlsplit(url).path)
    request.method = "GET"
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = exc.status_code
    return response


def posted_or_blank(request, form_key: str, form_class, **kwargs):
    """The form a page shows: blank, or, on a refused post of that form (`refuse_to_page`), bound to what the
    user typed with the refusal's errors beside the fields."""
    key, exc = getattr(request, "refusal", ("", None))
    if exc is None or key != form_key:
        return form_class(**kwargs)
    kwargs.pop("initial", None)
    form = form_class(data=request.POST, files=request.FILES, **kwargs)
    form.is_valid()
    apply_domain_errors(form, exc)
    return form


class ListPage(abc.ABC):
    """List pages: filters (a django-filter FilterSet), `q` search, sorting, pagination, .xlsx export.

    Subclasses give the scoped queryset; the filters, the export and the counts all start from it, so
    what a user can export is exactly what the user can list.
    """

    template_name = ""
    rows_template = ""
    filterset_class = None
    sort_fields: dict[str, str] = {}
    default_sort = "-id"
    page_size = 25
    export_name = "export"

    def __init__(self, request):
        self.request = request

    @abc.abstractmethod
    def queryset(self): ...

    def export_columns(self):
        return []

    def search(self, qs, q: str):
        return qs

    def export_response(self, qs):
        """The .xlsx (or .csv) of the filtered list. Every export is one audit record (MLPS 8.1.4.3): what was
        exported, under which filters, how many rows."""
        label = qs.model._meta.label_lower
        filters = {k: v for k, v in self.request.GET.lists() if k not in ("export", "page")}
        count = qs.count()
        record_event(
            None,
            f"{label}.exported",
            actor=self.request.user,
            target_type=label,
            data={"filters": filters, "count": count},
        )
        return self.deliver(self.export_queryset(qs), count=count)

    def export_queryset(self, qs):
        """The rows of the export (the background job calls this too, so both paths write the same)."""
        return qs

    def deliver(self, qs, *, count: int, columns=None):
        """Direct download up to EXPORT_DIRECT_ROWS rows, a background job beyond (core.exports)."""
        xlsx = self.request.GET.get("export") != "csv"
        return deliver_export(
            self.request,
            source=f"{type(self).__module__}.{type(self).__qualname__}",
            name=self.export_name,
            columns=columns if columns is not None else self.export_columns(),
            queryset=qs,
            count=count,
            sheet_title=self.export_sheet_title(),
            fmt="xlsx" if xlsx else "csv",
            more_sheets=self.export_more_sheets(qs) if xlsx else (),
        )

    def export_sheet_title(self) -> str:
        return "Sheet1"

    def export_more_sheets(self, qs) -> list:
        """Further sheets of the workbook (core.exports.Sheet), built from the export's rows `qs`: the job
        calls this too. Their rows must be lazy: nothing is read unless the workbook is written."""
        return []

    def filtered(self):
        qs = self.queryset()
        filterset = None
        if self.filterset_class is not None:  # a short register may list without filters
            filterset = self.filterset_class(self.request.GET, queryset=qs, request=self.request)
            qs = filterset.qs if filterset.is_valid() else qs.none()
        q = self.request.GET.get("q", "").strip()
        if q:
            qs = self.search(qs, q)
        sort = self.request.GET.get("sort", "")
        order = self.sort_fields.get(sort.lstrip("-"))
        if order:
            qs = qs.order_by(f"-{order}" if sort.startswith("-") else order, "-id")
        else:
            qs = qs.order_by(self.default_sort)
        return filterset, qs

    def response(self, extra: dict | None = None):
        filterset, qs = self.filtered()
        if self.request.GET.get("export") in ("xlsx", "csv"):
            return self.export_response(qs)
        paginator = Paginator(qs, self.page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        context = {"filter": filterset, "page_obj": page, "object_list": page.object_list, **(extra or {})}
        template = self.rows_template if self.request.headers.get("HX-Request") else self.template_name
        return render(self.request, template, context)


def _error(request, status: int, message: str):
    request_id = current_request_meta().get("request_id", "")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "request_id": request_id}, status=status)
    return render(
        request,
        "core/error.html",
        {"status": status, "message": message, "request_id": request_id},
        status=status,
    )


def error_400(request, exception=None):
    from core.params import BadParameter

    if isinstance(exception, BadParameter):  # our own, localized message: which parameter and why
        return _error(request, 400, str(exception))
    return _error(request, 400, _("The request was not valid."))


def error_403(request, exception=None):
    from core.api import record_denial

    record_denial(request, reason=str(exception or ""))
    return _error(request, 403, _("You may not do this."))


def error_404(request, exception=None):
    return _error(request, 404, _("Not found."))


def error_500(request):
    return _error(request, 500, _("An internal error occurred. Quote the request id when you report it."))
