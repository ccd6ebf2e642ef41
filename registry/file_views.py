"""The enterprise file page (R-REG-4): certificates, licences, insurance, the special operators' ledger,
rented-out premises and major hazard installations, expired items flagged and offered as hazards; the people
who keep the file add ledger rows through registry.file.add_ledger_row."""

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
from registry import file
from registry.choices import LicenceKind
from registry.file_forms import LEDGER_FORMS
from registry.models import Enterprise

LEDGER_TITLES = {
    "licence": _lazy("Licences"),
    "special_operator": _lazy("Special operators"),
    "installation": _lazy("Major hazard installations"),
    "rented_out": _lazy("Rented-out premises"),
}
FILE_KEYS = {"licence": "licences", "special_operator": "special_operators", "installation": "installations"}


def _ledgers(data: dict, forms: dict) -> list[dict]:
    kinds = dict(LicenceKind.choices)
    for licence in data["licences"]:
        licence["kind_label"] = kinds.get(licence["kind"], licence["kind"])
    return [
        {"key": key, "title": title, "rows": data[FILE_KEYS.get(key, key)], "form": forms.get(key)}
        for key, title in LEDGER_TITLES.items()
    ]


@login_required
def enterprise_file(request, pk: int):
    enterprise = get_visible_or_404(Enterprise.objects.select_related("town"), request.user, pk=pk)
    may_keep = file.may_keep(request.user, enterprise)
    posted = request.POST.get("ledger") if request.method == "POST" else None
    if posted is not None and not may_keep:
        raise PermissionDenied
    forms = {
        key: form_class(request.POST if key == posted else None) for key, form_class in LEDGER_FORMS.items()
    }
    bound = forms.get(posted)
    if bound is not None and bound.is_valid():
        try:
            file.add_ledger_row(actor=request.user, enterprise=enterprise, data=bound.service_data())
        except DomainError as exc:
            apply_domain_errors(bound, exc)
        else:
            messages.success(request, _("The row was added to the file."))
            return redirect("registry:enterprise_file", pk=enterprise.pk)
    today = timezone.localdate()
    data = file.file_of(enterprise, today)
    return render(
        request,
        "registry/enterprise_file.html",
        {
            "enterprise": enterprise,
            "file": data,
            "ledgers": _ledgers(data, forms if may_keep else {}),
            "today": today,
            "open_ledger": posted,
        },
        status=page_status(bound) if posted in forms else (400 if posted is not None else 200),
    )
