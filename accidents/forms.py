"""Forms parse input only; the rules live in accidents.services and accidents.library."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accidents.choices import (
    AccountabilityMeasure,
    AudienceKind,
    ChainStepKind,
    ReportingFindingKind,
    ReportKind,
    Responsibility,
    Step,
)
from accidents.models import Case
from accidents.rules import MAX_EXTENSION_DAYS
from core.choices import AccidentType
from core.forms import IdListField
from hazards.choices import Category as HazardCategory
from hazards.choices import Level as HazardLevel
from hazards.forms import picker
from registry.models import Department, Enterprise, Jurisdiction, Sector
from registry.validators import validate_phone


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
                continue
            if isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "6")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _number(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100000,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def _moment_field(label, **kwargs):
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        **kwargs,
    )


class NumbersMixin(forms.Form):
    deaths = _number(_("Deaths"))
    missing = _number(_("Missing"))
    serious_injuries = _number(_("Serious injuries"))
    minor_injuries = _number(_("Minor injuries"))
    direct_loss = forms.DecimalField(
        label=_("Direct economic loss (yuan)"),
        min_value=0,
        max_digits=16,
        decimal_places=2,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


class AccidentForm(StyledForm, NumbersMixin):
    occurred_at = forms.DateTimeField(
        label=_("Time of the accident"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    town = forms.ModelChoiceField(label=_("Town/street"), queryset=Jurisdiction.objects.towns())
    address = forms.CharField(label=_("Place"), max_length=200, required=False)
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Enterprise.objects.none(),
        required=False,
        help_text=_("Leave empty when no enterprise is involved (e.g. on a public road)."),
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    accident_type = forms.ChoiceField(label=_("Accident type (GB 6441-1986)"), choices=AccidentType.choices)
    narrative = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    measures_taken = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reporter_name = forms.CharField(label=_("Reporter"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Reporter's phone"), max_length=20, required=False, validators=[validate_phone]
    )
    lat = forms.DecimalField(label=_("Latitude"), required=False, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(label=_("Longitude"), required=False, max_digits=9, decimal_places=6)
    # R-ACC-8: the unit's hour runs from its head's receipt; empty means the accident's time, marked assumed.
    unit_informed_at = _moment_field(
        _("Unit head informed at"), help_text=_("Leave empty when unknown: the time of the accident is used.")
    )
    bypass_reported_to = forms.CharField(
        label=_("Reported directly to"),
        max_length=120,
        required=False,
        help_text=_("A report made directly to a higher level (越级上报), e.g. the city bureau."),
    )
    bypass_reported_at = _moment_field(_("Time of the direct report"))
    larger_near_miss = forms.BooleanField(
        label=_("Larger near-miss event"), required=False, widget=forms.CheckboxInput
    )
    near_miss_reason = forms.CharField(
        label=_("Why it is a larger near-miss event"), max_length=200, required=False
    )

    field_order = [
        "occurred_at",
        "unit_informed_at",
        "town",
        "address",
        "enterprise",
        "sector",
        "accident_type",
        "deaths",
        "missing",
        "serious_injuries",
        "minor_injuries",
        "direct_loss",
        "narrative",
        "measures_taken",
        "reporter_name",
        "reporter_phone",
        "lat",
        "lng",
        "bypass_reported_to",
        "bypass_reported_at",
        "larger_near_miss",
        "near_miss_reason",
    ]

    def __init__(self, *args, user=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        picker(self.fields["enterprise"], sector_field="sector", town_field="town")
        if editing:
            for name in ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss"):
                del self.fields[name]

    def clean_occurred_at(self):
        """The service's time rule, checked with the other fields so every error shows in one round."""
        value = self.cleaned_data.get("occurred_at")
        if value is not None:
            now = timezone.now()
            if value > now + dt.timedelta(minutes=5):
                raise forms.ValidationError(_("The accident cannot be in the future."))
            if value < now - dt.timedelta(days=3650):
                raise forms.ValidationError(_("The accident time is too far in the past."))
        return value


class SupplementForm(StyledForm, NumbersMixin):
    note = forms.CharField(label=pgettext_lazy("accident", "What changed"), max_length=200)


class StepForm(StyledForm):
    step = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    at = forms.DateTimeField(
        label=_("Reported at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Leave empty for now."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ChainStepForm(StyledForm):
    """R-ACC-8: one step of the chain as done; the service checks which role records which step."""

    step = forms.ChoiceField(choices=ChainStepKind.choices, widget=forms.HiddenInput)
    at = _moment_field(pgettext_lazy("accident chain", "Done at"), help_text=_("Leave empty for now."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ReportingFindingForm(StyledForm):
    """R-ACC-7: omitted, false or concealed reporting as an investigator finds it."""

    kind = forms.ChoiceField(label=_("Finding"), choices=ReportingFindingKind.choices)
    note = forms.CharField(label=_("Facts found"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (ReportKind.FOLLOW_UP, ReportKind.FOLLOW_UP.label),
            (ReportKind.FINAL, ReportKind.FINAL.label),
        ],
    )
    text = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 3}))


class OpenInvestigationForm(StyledForm):
    lead_unit = forms.CharField(
        label=_("Lead unit"),
        max_length=120,
        error_messages={"required": _("Name the unit that leads the investigation.")},
    )
    team = forms.CharField(label=_("Team members"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CloseForm(StyledForm):
    """Closing takes no input; the form carries a refusal back to the page (the report still missing)."""


class InvestigationForm(OpenInvestigationForm):
    direct_causes = forms.CharField(
        label=_("Direct causes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    indirect_causes = forms.CharField(
        label=_("Indirect causes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    lessons = forms.CharField(label=_("Lessons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


_extension_limit = lazy(lambda: gettext("Extend by 1 to %(n)d days.") % {"n": MAX_EXTENSION_DAYS}, str)


class ExtensionForm(StyledForm):
    """R-ACC-5: once, by at most the days the regulation allows."""

    days = forms.IntegerField(
        label=_("Extend by (days)"),
        min_value=1,
        max_value=MAX_EXTENSION_DAYS,
        error_messages={key: _extension_limit() for key in ("required", "invalid", "min_value", "max_value")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        error_messages={"required": _("Give the reason for the extension.")},
    )


class FindingForm(StyledForm):
    party = forms.CharField(
        label=_("Person or unit"), max_length=120, error_messages={"required": _("Name the person or unit.")}
    )
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    responsibility = forms.ChoiceField(label=_("Responsibility"), choices=Responsibility.choices)
    measure = forms.ChoiceField(label=_("Proposed measure"), choices=AccountabilityMeasure.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class MeasureForm(StyledForm):
    """The measure's input; the page offers the enterprises the user sees, the service checks the one sent."""

    text = forms.CharField(
        label=_("Measure"), max_length=300, error_messages={"required": _("Describe the measure.")}
    )
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.all(), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")


class MeasureHazardForm(StyledForm):
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices)
    level = forms.ChoiceField(label=_("Hazard level"), choices=HazardLevel.choices)


class MeasureToHazardForm(MeasureHazardForm):
    """The transition's input: the measure comes from the URL (`measure_pk`), the rest from the page."""

    measure_pk = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ReportUploadForm(StyledForm):
    """The page's form; the page stores the file and sends its id to the service (AttachReportForm)."""

    file = forms.FileField(label=_("Investigation report (PDF or photo)"))


class AttachReportForm(StyledForm):
    attachments = IdListField(
        label=_("Investigation report (PDF or photo)"), help_text=_("Ids of the uploaded files.")
    )


class CaseForm(StyledForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all(), required=False)
    accident_type = forms.ChoiceField(
        label=_("Accident type"), choices=[("", "—"), *AccidentType.choices], required=False
    )
    deaths = _number(_("Deaths"))
    serious_injuries = _number(_("Serious injuries"))
    direct_loss = forms.DecimalField(
        label=_("Direct economic loss (yuan)"), min_value=0, max_digits=16, decimal_places=2, required=False
    )
    summary = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    causes = forms.CharField(label=_("Causes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lessons = forms.CharField(label=_("Lessons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separate tags with commas."))
    source = forms.CharField(label=_("Source"), max_length=200, required=False)


class SessionForm(StyledForm):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("Title"), max_length=200)
    organiser_kind = forms.ChoiceField(label=_("Organiser"), choices=AudienceKind.choices, required=False)
    town = forms.ModelChoiceField(
        label=_("Organising town"), queryset=Jurisdiction.objects.towns(), required=False
    )
    department = forms.ModelChoiceField(
        label=_("Organising department"), queryset=Department.objects.all(), required=False
    )
    enterprise = forms.ModelChoiceField(
        label=_("Organising enterprise"), queryset=Enterprise.objects.none(), required=False
    )
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all(), required=False)
    cases = forms.ModelMultipleChoiceField(label=_("Cases studied"), queryset=Case.objects.all())
    audience_towns = forms.ModelMultipleChoiceField(
        label=_("Audience towns"), queryset=Jurisdiction.objects.towns(), required=False
    )
    audience_departments = forms.ModelMultipleChoiceField(
        label=_("Audience departments"), queryset=Department.objects.all(), required=False
    )
    audience_enterprises = forms.ModelMultipleChoiceField(
        label=_("Audience enterprises"), queryset=Enterprise.objects.none(), required=False
    )
    attendee_names = forms.CharField(
        label=_("Attendees (one name a line)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    attendee_count = forms.IntegerField(label=_("Number of attendees"), min_value=0, required=False)
    materials = forms.CharField(
        label=_("Materials"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    material_file = forms.FileField(label=_("Material file (PDF or photo)"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        visible = Enterprise.objects.visible_to(user).order_by("name")
        self.fields["enterprise"].queryset = visible
        self.fields["audience_enterprises"].queryset = visible
        if not user.has_role("district_admin"):
            for name in ("organiser_kind", "town", "department", "enterprise"):
                del self.fields[name]


class ThresholdForm(StyledForm):
    """R-ACC-1's table: one row per level above general."""

    source = forms.CharField(label=_("Source"), max_length=200)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    LEVELS = ("larger", "major", "especially_major")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level in self.LEVELS:
            self.fields[f"{level}_deaths"] = forms.IntegerField(label=_("Deaths from"), min_value=1)
            self.fields[f"{level}_serious_injuries"] = forms.IntegerField(
                label=_("Serious injuries from"), min_value=1
            )
            self.fields[f"{level}_direct_loss"] = forms.DecimalField(
                label=_("Direct loss from (yuan)"), min_value=1, max_digits=16, decimal_places=2
            )
            for name in ("deaths", "serious_injuries", "direct_loss"):
                self.fields[f"{level}_{name}"].widget.attrs["class"] = "form-control form-control-sm"

    def rows(self) -> dict:
        data = self.cleaned_data
        return {
            level: {k: data[f"{level}_{k}"] for k in ("deaths", "serious_injuries", "direct_loss")}
            for level in self.LEVELS
        }
