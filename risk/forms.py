"""Risk forms: only parse input; the services validate against the domain tables and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import AccidentType
from registry.validators import validate_phone
from risk.choices import ControlLevel, FactorCategory, MeasureKind, Method, PointKind
from risk.tables import LEC_C, LEC_E, LEC_L, LS_L, LS_S, plain_number


def _table_choices(table) -> list:
    return [("", "—")] + [(str(plain_number(value)), label) for value, label in table]


class _Bootstrap:
    def style(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class RiskPointForm(_Bootstrap, forms.Form):
    name = forms.CharField(label=_("Risk point"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=PointKind.choices, initial=PointKind.SITE)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    factor_categories = forms.MultipleChoiceField(
        label=_("Hazard factor categories (GB/T 13861)"),
        choices=FactorCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    hazard_factors = forms.CharField(
        label=_("Hazard factors"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    accident_types = forms.MultipleChoiceField(
        label=_("Possible accident types (GB 6441-1986)"),
        choices=AccidentType.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "rl-checkbox-columns"}),
    )
    consequences = forms.CharField(
        label=_("Possible consequences"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    emergency_measures = forms.CharField(
        label=_("Emergency measures"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    responsible_person = forms.CharField(label=_("Person responsible"), max_length=50, required=False)
    responsible_phone = forms.CharField(
        label=_("Phone of the person responsible"), max_length=20, required=False, validators=[validate_phone]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class AssessmentForm(_Bootstrap, forms.Form):
    """LEC or the matrix, each factor a choice of its table (R-RISK-2, R-RISK-3); never a free number."""

    method = forms.ChoiceField(label=_("Assessment method"), choices=Method.choices, widget=forms.RadioSelect)
    lec_l = forms.ChoiceField(label=_("L — likelihood (LEC)"), choices=_table_choices(LEC_L), required=False)
    lec_e = forms.ChoiceField(label=_("E — exposure (LEC)"), choices=_table_choices(LEC_E), required=False)
    lec_c = forms.ChoiceField(label=_("C — consequence (LEC)"), choices=_table_choices(LEC_C), required=False)
    ls_l = forms.ChoiceField(label=_("L — likelihood (matrix)"), choices=_table_choices(LS_L), required=False)
    ls_s = forms.ChoiceField(label=_("S — severity (matrix)"), choices=_table_choices(LS_S), required=False)
    next_review_on = forms.DateField(
        label=_("Next review"),
        required=False,
        help_text=_("At least yearly; empty means one year from today."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    FIELD_OF = {
        ("lec", "l"): "lec_l",
        ("lec", "e"): "lec_e",
        ("lec", "c"): "lec_c",
        ("ls", "l"): "ls_l",
        ("ls", "s"): "ls_s",
    }

    def __init__(self, *args, optional: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if optional:
            self.fields["method"].required = False
            self.fields["method"].choices = [("", _("Not assessed yet")), *Method.choices]
        self.style()

    def factors(self) -> dict:
        method = self.cleaned_data.get("method") or ""
        return {
            factor: self.cleaned_data.get(field) or None
            for (m, factor), field in self.FIELD_OF.items()
            if m == method
        }

    def error_field(self, method: str, name: str) -> str | None:
        """The form field that shows a service error about a factor (l of LEC is `lec_l`)."""
        return self.FIELD_OF.get((method, name)) or (name if name in self.fields else None)


def _choose(message) -> dict:
    return {"required": message, "invalid_choice": message}


class MeasureForm(_Bootstrap, forms.Form):
    """A control measure of a point (R-RISK-4): the one validation of the page, the API and the service."""

    kind = forms.ChoiceField(
        label=_("Kind of measure"),
        choices=MeasureKind.choices,
        error_messages=_choose(_("Choose the kind of measure.")),
    )
    description = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(
        label=_("Responsible level"),
        choices=ControlLevel.choices,
        error_messages=_choose(_("Choose the responsible level.")),
    )
    responsible_person = forms.CharField(label=_("Person responsible"), max_length=50, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class RemoveMeasureForm(forms.Form):
    """The measure to take off the point (from the URL on the page; in the body through the API)."""

    measure_pk = forms.IntegerField(min_value=1)


class RetireForm(_Bootstrap, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=200, error_messages={"required": _("Give a reason.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
