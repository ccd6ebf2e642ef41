"""Forms of the enterprise file (R-REG-4): its own fields and its ledgers. They parse;
registry.file_services decides."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from registry.choices import LicenceKind, StandardisationGrade, WorkFlag
from registry.file_services import LEDGER_FIELDS, REASON_LENGTH, enterprise_accounts
from registry.models import Enterprise

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _style(form: forms.Form) -> None:
    """Bootstrap's classes on the inputs core/includes/form.html draws through their widgets (it draws
    check boxes itself)."""
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class LedgerForm(forms.Form):
    ledger = ""
    title = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.ledger)
        super().__init__(*args, **kwargs)
        _style(self)

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


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


def _label(name: str):
    """The label of a file field: the model's own name for it, as the enterprise page shows it."""
    return capfirst(Enterprise._meta.get_field(name).verbose_name)


class FileForm(forms.Form):
    """The file's own fields (registry.file_services.update_file). The two accounts are chosen among the
    enterprise's own active users: they accept its self-inspection hazards and sign its statistics tables."""

    principal_user = AccountChoice(
        label=_label("principal_user"),
        queryset=None,
        required=False,
        help_text=_(
            "Accepts and closes the enterprise's own general hazards and signs its statistics tables."
        ),
    )
    safety_manager_user = AccountChoice(
        label=_label("safety_manager_user"),
        queryset=None,
        required=False,
        help_text=_("Accepts and closes the enterprise's own general hazards."),
    )
    principal_certificate_no = forms.CharField(
        label=_label("principal_certificate_no"), max_length=40, required=False
    )
    principal_certificate_expires = forms.DateField(
        label=_label("principal_certificate_expires"), required=False, **DATE
    )
    safety_manager_certificate_no = forms.CharField(
        label=_label("safety_manager_certificate_no"), max_length=40, required=False
    )
    safety_manager_certificate_expires = forms.DateField(
        label=_label("safety_manager_certificate_expires"), required=False, **DATE
    )
    full_time_safety_staff = forms.IntegerField(
        label=_label("full_time_safety_staff"), min_value=0, max_value=32767, required=False
    )
    work_flags = forms.MultipleChoiceField(
        label=_label("work_flags"),
        choices=WorkFlag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    standardisation_grade = forms.ChoiceField(
        label=_label("standardisation_grade"),
        choices=[("", "—"), *StandardisationGrade.choices],
        required=False,
    )
    standardisation_expires = forms.DateField(label=_label("standardisation_expires"), required=False, **DATE)
    insurance_policy_no = forms.CharField(label=_label("insurance_policy_no"), max_length=60, required=False)
    insurance_expires = forms.DateField(label=_label("insurance_expires"), required=False, **DATE)
    combined_premises = forms.BooleanField(label=_label("combined_premises"), required=False)

    def __init__(self, *args, enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        accounts = enterprise_accounts(enterprise)
        wrong = _("Choose an active account of this enterprise.")
        for name in ("principal_user", "safety_manager_user"):
            self.fields[name].queryset = accounts
            self.fields[name].error_messages["invalid_choice"] = wrong
        _style(self)

    @classmethod
    def initial_of(cls, enterprise) -> dict:
        initial = {
            name: getattr(enterprise, name)
            for name in cls.base_fields
            if name not in ("principal_user", "safety_manager_user")
        }
        initial["principal_user"] = enterprise.principal_user_id
        initial["safety_manager_user"] = enterprise.safety_manager_user_id
        initial["work_flags"] = list(enterprise.work_flags or [])
        return initial


class RetireRowForm(forms.Form):
    """Why a row leaves the file (a licence given up, a lease ended, an operator who left)."""

    reason = forms.CharField(label=_("Reason"), max_length=REASON_LENGTH)


def row_form(ledger: str, row: dict | None = None, data=None):
    """The ledger's form: blank to add a row, or for one row (its values, its own prefix) to correct it."""
    form_class = LEDGER_FORMS[ledger]
    if row is None:
        return form_class(data)
    initial = {f: row.get(f) for f in LEDGER_FIELDS[ledger]}
    return form_class(data, initial=initial, prefix=f"{ledger}-{row['id']}")
