"""Forms of the enterprise's duties around the loop (R-HAZ-11, R-HAZ-12). Forms parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hazards.forms import style
from hazards.models import Resumption

YES_NO = [
    ("yes", _("Confirmed: the rectification holds")),
    ("no", _("Not confirmed: the rectification fails")),
]


class RecheckForm(forms.Form):
    """R-HAZ-12: the government's re-check opinion (整改复查意见) on a sampled hazard."""

    passed = forms.ChoiceField(label=_("Re-check result"), choices=YES_NO, widget=forms.RadioSelect)
    opinion = forms.CharField(
        label=_("Re-check opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)

    def clean_passed(self) -> bool:
        return self.cleaned_data["passed"] == "yes"


class ResumptionApplicationForm(forms.Form):
    """R-HAZ-11: the unit's written application to resume production."""

    stopped_on = forms.DateField(
        label=_("Production stopped on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    application = forms.CharField(
        label=_("Written application"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("The treatment done and the evaluation of its result."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ResumptionReviewForm(forms.Form):
    """R-HAZ-11: the authority's on-site review: close the hazard or order more work."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Resumption.Decision.choices, widget=forms.RadioSelect
    )
    opinion = forms.CharField(
        label=_("Review opinion"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
