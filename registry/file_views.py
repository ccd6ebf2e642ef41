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

from core.errors import DomainError
from core.scoping import get_visible_or_404
from core.views import apply_domain_errors, page_status
from registry import file, file_services
from registry.choices import LicenceKind
from registry.file_forms import LEDGER_FORMS, FileForm, RetireRowForm, row_form
from registry.models import Enterprise

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


def _page(request, enterprise: Enterprise, *, may_keep: bool, bound: dict | None = None, status=None):
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
        status=status or page_status(*forms),
    )


@login_required
def enterprise_file(request, pk: int):
    queryset = Enterprise.objects.select_related("town", "principal_user", "safety_manager_user")
    enterprise = get_visible_or_404(queryset, request.user, pk=pk)
    may_keep = file.may_keep(request.user, enterprise)
    if request.method != "POST":
        return _page(request, enterprise, may_keep=may_keep)
    if not may_keep:
        raise PermissionDenied
    action = request.POST.get("action") or "add"
    if action == "file":
        return _post_file(request, enterprise)
    ledger = request.POST.get("ledger")
    if ledger not in LEDGER_FORMS or action not in ("add", "edit", "retire"):
        return _page(request, enterprise, may_keep=True, status=400)
    if action == "add":
        return _post_add(request, enterprise, ledger)
    try:
        ledger, row = file_services.row_of(enterprise, {"ledger": ledger, "id": request.POST.get("id")})
    except DomainError as exc:
        messages.error(request, str(exc.message) if not exc.errors else _("Choose a row of the file."))
        return _page(request, enterprise, may_keep=True, status=exc.status_code)
    if action == "edit":
        return _post_edit(request, enterprise, ledger, row)
    return _post_retire(request, enterprise, ledger, row)


def _done(request, enterprise: Enterprise, message: str):
    messages.success(request, message)
    return redirect("registry:enterprise_file", pk=enterprise.pk)


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
    enterprise.refresh_from_db()
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
            apply_domain_errors(form, exc)
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
            apply_domain_errors(form, exc)
        else:
            return _done(request, enterprise, _("The row was removed from the file."))
    return _page(request, enterprise, may_keep=True, bound={("retire", ledger, row.pk): form})
