"""The enterprise file page (R-REG-4): the principal's and the safety manager's accounts and certificates,
licences, insurance, the special operators' ledger, rented-out premises and major hazard installations,
expired items flagged and offered as hazards. The people who keep the file change its fields, add rows,
correct them and retire them here, through registry.file_services; a refused form comes back in place with
its input and the refusal's status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.errors import DomainError, InvalidInput
from core.scoping import get_visible_or_404
from core.views import apply_domain_errors, domain_error_text, page_status, refused_button
from registry import file, file_services
from registry.choices import LicenceKind
from registry.file_forms import LEDGER_FORMS, FileForm, RetireRowForm, row_form
from registry.models import Enterprise
from registry.services import may_keep_file

LEDGER_TITLES = {
    "licence": _lazy("Licences"),
    "special_operator": _lazy("Special operators"),
    "installation": _lazy("Major hazard installations"),
    "rented_out": _lazy("Rented-out premises"),
}
FILE_KEYS = {"licence": "licences", "special_operator": "special_operators", "installation": "installations"}


def _row_forms(ledger: str, row: dict, bound: dict) -> None:
    """The row's correction and retirement forms: the posted one bound in place, the others blank."""
    key = (ledger, row["id"])
    row["edit_form"] = bound.get(("edit", *key)) or row_form(ledger, row)
    row["retire_form"] = bound.get(("retire", *key)) or RetireRowForm(prefix=f"retire-{ledger}-{row['id']}")
    row["open"] = ("edit", *key) in bound or ("retire", *key) in bound


def _ledgers(data: dict, may_keep: bool, bound: dict) -> list[dict]:
    kinds = dict(LicenceKind.choices)
    for licence in data["licences"]:
        licence["kind_label"] = kinds.get(licence["kind"], licence["kind"])
    ledgers = []
    for key, title in LEDGER_TITLES.items():
        rows = data[FILE_KEYS.get(key, key)]
        if may_keep:
            for row in rows:
                _row_forms(key, row, bound)
        add_form = bound.get(("add", key)) or (LEDGER_FORMS[key]() if may_keep else None)
        ledgers.append({"key": key, "title": title, "rows": rows, "form": add_form})
    return ledgers


def _page(request, enterprise: Enterprise, *, may_keep: bool, bound: dict | None = None):
    bound = bound or {}
    today = timezone.localdate()
    data = file.file_of(enterprise, today)
    file_form = None
    if may_keep:
        file_form = bound.get("file") or FileForm(
            initial=FileForm.initial_of(enterprise), enterprise=enterprise
        )
    forms = [f for f in bound.values() if f is not None]
    return render(
        request,
        "registry/enterprise_file.html",
        {
            "enterprise": enterprise,
            "file": data,
            "ledgers": _ledgers(data, may_keep, bound),
            "file_form": file_form,
            "file_open": "file" in bound,
            "today": today,
            "open_ledger": next((k[1] for k in bound if isinstance(k, tuple) and k[0] == "add"), None),
        },
        status=page_status(*forms),
    )


@login_required
def enterprise_file(request, pk: int):
    queryset = Enterprise.objects.select_related("town", "principal_user", "safety_manager_user")
    enterprise = get_visible_or_404(queryset, request.user, pk=pk)
    may_keep = may_keep_file(request.user, enterprise)
    if request.method != "POST":
        return _page(request, enterprise, may_keep=may_keep)
    if not may_keep:
        raise PermissionDenied
    action = request.POST.get("action") or "add"
    try:
        target = _target(enterprise, action, request.POST)
    except DomainError as exc:  # no form names what was wrong: the reason goes on top of the page
        return refused_button(request, exc, lambda: _page(request, enterprise, may_keep=True))
    return POSTS[action](request, enterprise, *target)


def _target(enterprise: Enterprise, action: str, data) -> tuple:
    """What the post acts on: the file itself, a ledger (a new row) or a row of this enterprise's file."""
    if action == "file":
        return ()
    if action == "add":
        return (file_services.ledger_of(data),)
    if action in ("edit", "retire"):
        return file_services.row_of(enterprise, data)
    raise InvalidInput()


def _done(request, enterprise: Enterprise, message: str):
    messages.success(request, message)
    return redirect("registry:enterprise_file", pk=enterprise.pk)


def _refused_row(request, form, exc: DomainError) -> None:
    apply_domain_errors(form, exc)
    if exc.status_code == 409:  # the row may have left the file meanwhile, its form with it: say it on top
        messages.error(request, domain_error_text(exc, " "))


def _post_file(request, enterprise: Enterprise):
    form = FileForm(request.POST, enterprise=enterprise)
    if form.is_valid():
        try:
            file_services.update_file(
                actor=request.user,
                enterprise=enterprise,
                data=dict(form.cleaned_data),
                version=request.POST.get("version"),
                partial=False,
            )
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(request, enterprise, _("The file was updated."))
    enterprise.refresh_from_db()  # after a conflict the form is sent again with the version now stored
    return _page(request, enterprise, may_keep=True, bound={"file": form})


def _post_add(request, enterprise: Enterprise, ledger: str):
    form = LEDGER_FORMS[ledger](request.POST)
    if form.is_valid():
        try:
            file_services.add_ledger_row(actor=request.user, enterprise=enterprise, data=form.service_data())
        except DomainError as exc:
            apply_domain_errors(form, exc)
        else:
            return _done(request, enterprise, _("The row was added to the file."))
    return _page(request, enterprise, may_keep=True, bound={("add", ledger): form})


def _post_edit(request, enterprise: Enterprise, ledger: str, row):
    values = {"id": row.pk, **{f: getattr(row, f) for f in file_services.LEDGER_FIELDS[ledger]}}
    form = row_form(ledger, values, data=request.POST)
    if form.is_valid():
        try:
            file_services.update_ledger_row(
                actor=request.user,
                ledger=ledger,
                row=row,
                data=dict(form.cleaned_data),
                version=request.POST.get("version"),
            )
        except DomainError as exc:
            _refused_row(request, form, exc)
        else:
            return _done(request, enterprise, _("The row was corrected."))
    return _page(request, enterprise, may_keep=True, bound={("edit", ledger, row.pk): form})


def _post_retire(request, enterprise: Enterprise, ledger: str, row):
    form = RetireRowForm(request.POST, prefix=f"retire-{ledger}-{row.pk}")
    if form.is_valid():
        try:
            file_services.retire_ledger_row(
                actor=request.user,
                ledger=ledger,
                row=row,
                version=request.POST.get("version"),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _refused_row(request, form, exc)
        else:
            return _done(request, enterprise, _("The row was removed from the file."))
    return _page(request, enterprise, may_keep=True, bound={("retire", ledger, row.pk): form})


POSTS = {"file": _post_file, "add": _post_add, "edit": _post_edit, "retire": _post_retire}
