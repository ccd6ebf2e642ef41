from django import forms
from django.utils.translation import gettext_lazy as _

from registry.models import Enterprise, Jurisdiction, Sector
from registry.validators import credit_code_error, normalise_credit_code


class EnterpriseForm(forms.ModelForm):
    """Parses input only; the rules live in registry.services."""

    town = forms.ModelChoiceField(label=_("Town/street"), queryset=Jurisdiction.objects.towns())
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"), queryset=Sector.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    # No max_length: the service names the length of a wrong code (R-REG-1).
    credit_code = forms.CharField(label=_("Unified social credit code"))

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "town",
            "village",
            "address",
            "sectors",
            "sub_sector",
            "scale",
            "employees",
            "legal_representative",
            "principal_name",
            "principal_phone",
            "safety_manager_name",
            "safety_manager_phone",
            "business_scope",
            "established_on",
            "lat",
            "lng",
        ]
        widgets = {
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "established_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Jurisdiction.objects.filter(kind__in=["village", "community"])
        for name, field in self.fields.items():
            if name == "sectors":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean_credit_code(self):
        # R-REG-1: a wrong code is reported together with the form's other errors, not after them;
        # the service checks it again, and for duplicates.
        code = normalise_credit_code(self.cleaned_data.get("credit_code") or "")
        error = credit_code_error(code)
        if error:
            raise forms.ValidationError(error, code="credit_code")
        return code

    def _post_clean(self):
        # Model validation (unique credit code, validators) is the service's job, with its own messages.
        pass


class StatusForm(forms.Form):
    from registry.choices import EnterpriseStatus

    status = forms.ChoiceField(
        label=_("Operating status"),
        choices=EnterpriseStatus.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        error_messages={"required": _("Give a reason for the change.")},
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )
