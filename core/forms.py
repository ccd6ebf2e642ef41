from django import forms
from django.utils.translation import gettext_lazy as _

from core.config import SettingSpec, SettingType


class SettingForm(forms.Form):
    """One setting's new value. Only the type is parsed here; the bounds are the service's (one place)."""

    name = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, spec: SettingSpec, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spec = spec
        label = _("New value")
        if spec.type == SettingType.INT:
            self.fields["value"] = forms.IntegerField(label=label, help_text=spec.unit)
            # The bounds as hints for the browser; the service refuses out-of-bounds values anyway.
            self.fields["value"].widget.attrs.update(
                {k: v for k, v in (("min", spec.min_value), ("max", spec.max_value)) if v is not None}
                | {"class": "form-control form-control-sm"}
            )
        elif spec.type == SettingType.BOOL:
            self.fields["value"] = forms.BooleanField(label=label, required=False)
        else:
            self.fields["value"] = forms.MultipleChoiceField(
                label=label, choices=spec.choices, required=False, widget=forms.CheckboxSelectMultiple
            )
        self.auto_id = f"id_{spec.name}_%s"  # one form per setting on the page: unique ids
