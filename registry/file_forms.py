"""Forms of the enterprise file's ledgers (R-REG-4). They parse; registry.file.add_ledger_row decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.choices import LicenceKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class LedgerForm(forms.Form):
    ledger = ""
    title = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.ledger)
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def service_data(self) -> dict:
        return {"ledger": self.ledger, **self.cleaned_data}


class LicenceForm(LedgerForm):
    ledger, title = "licence", _("Add a licence")
    kind = forms.ChoiceField(label=_("Licence"), choices=LicenceKind.choices)
    number = forms.CharField(label=_("Licence no."), max_length=60)
    expires_on = forms.DateField(label=_("Expires on"), **DATE)


class SpecialOperatorForm(LedgerForm):
    ledger, title = "special_operator", _("Add a special operator")
    name = forms.CharField(label=_("Full name"), max_length=50)
    operation = forms.CharField(
        label=_("Operation"), max_length=60, help_text=_("e.g. 电工作业, 焊接与热切割作业")
    )
    certificate_no = forms.CharField(label=_("Certificate no."), max_length=40)
    expires_on = forms.DateField(label=_("Certificate expires"), **DATE)
    review_due = forms.DateField(label=_("Review due"), required=False, **DATE)


class InstallationForm(LedgerForm):
    ledger, title = "installation", _("Add a major hazard installation")
    name = forms.CharField(label=_("Installation"), max_length=120)
    grade = forms.TypedChoiceField(
        label=_("Grade (GB 18218-2018)"),
        coerce=int,
        choices=[(1, _("Grade one")), (2, _("Grade two")), (3, _("Grade three")), (4, _("Grade four"))],
    )
    filed_on = forms.DateField(label=_("Filed on"), required=False, **DATE)


class RentedPremisesForm(LedgerForm):
    ledger, title = "rented_out", _("Add rented-out premises")
    location = forms.CharField(label=_("Premises"), max_length=200)
    tenant = forms.CharField(label=_("Tenant"), max_length=120)
    tenant_credit_code = forms.CharField(label=_("Tenant's credit code"), max_length=18, required=False)
    lease_ends_on = forms.DateField(label=_("Lease ends on"), required=False, **DATE)


LEDGER_FORMS = {f.ledger: f for f in (LicenceForm, SpecialOperatorForm, InstallationForm, RentedPremisesForm)}
