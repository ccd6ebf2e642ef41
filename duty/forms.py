"""Forms of the duty module: the one validation of each input, for pages, services and the API alike."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from core.choices import AccidentType
from core.forms import DateTimeField, IdField
from duty import rules
from duty.choices import EventType, LogKind, ShiftRole
from registry.validators import validate_phone

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dt_field(label, required=True):
    return DateTimeField(label=label, required=required, widget=DATETIME)


class _MonthInput(forms.Form):
    month = forms.CharField(label=_("Month"), max_length=7, help_text=_("YYYY-MM, e.g. 2027-01"))

    def clean_month(self):
        raw = self.cleaned_data["month"].strip()
        try:
            return dt.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))


class RosterCreateForm(_MonthInput):
    room = IdField(label=_("Duty room"))
    field_order = ["room", "month"]


class MonthForm(_MonthInput):
    """Every room's roster of a month at once: drafts made and generated, published when asked."""

    publish = forms.BooleanField(
        label=_("Publish each roster whose coverage is complete"), required=False, initial=True
    )


def validate_shift_start(value: str) -> None:
    if value and not re.fullmatch(SHIFT_START_PATTERN, value):
        raise forms.ValidationError(
            _("Enter the time the first shift starts as HH:MM on the 24-hour clock, e.g. 08:30."),
            code="invalid",
        )


SHIFT_START_PATTERN = r"([01][0-9]|2[0-3]):[0-5][0-9]"
validate_shift_start.api_pattern = SHIFT_START_PATTERN  # the schema documents the same rule


class RoomPatternForm(forms.Form):
    """A duty room's own shift pattern (R-DUTY-2); each field left empty takes the district setting."""

    shift_start = forms.CharField(
        label=_("Shift start"),
        max_length=5,
        required=False,
        validators=[validate_shift_start],
        widget=forms.TextInput(attrs={"type": "time", "placeholder": "08:30"}),
        help_text=_("HH:MM, when the first shift of each duty day starts; empty: the district setting."),
    )
    shift_hours = forms.TypedChoiceField(
        label=_("Shift length"),
        choices=[("", _("District setting")), *((h, str(h)) for h in rules.SHIFT_HOURS)],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": _(
                "A shift lasts a number of hours that divides 24 (24, 12, 8, 6, 4, 3, 2 or 1), so that every "
                "duty day has the same shifts."
            )
        },
        help_text=_("Hours, a number that divides 24 (24, 12, 8 …); empty: the district setting."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The page says what an empty field means here: the district setting of now.
        district = rules.ShiftPattern.district()
        self.fields["shift_start"].help_text = _(
            "HH:MM, when the first shift of each duty day starts; empty: the district setting (%(start)s)."
        ) % {"start": f"{district.start:%H:%M}"}
        self.fields["shift_hours"].choices = [
            ("", _("District setting (%(hours)d hours)") % {"hours": district.hours}),
            *((h, ngettext("%(n)d hour", "%(n)d hours", h) % {"n": h}) for h in rules.SHIFT_HOURS),
        ]

    def clean_shift_start(self) -> dt.time | None:
        raw = self.cleaned_data["shift_start"].strip()
        return dt.datetime.strptime(raw, "%H:%M").time() if raw else None


class ShiftForm(forms.Form):
    start = _dt_field(_("Start"))
    end = _dt_field(_("End"))
    person = IdField(label=_("Person"))
    role = forms.ChoiceField(label=_("Role"), choices=ShiftRole.choices)


class EmptyForm(forms.Form):
    pass


class SwapRequestForm(forms.Form):
    counterpart = IdField(label=_("Taken over by"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AbsenceForm(forms.Form):
    person = IdField(label=_("Person"))
    start = _dt_field(_("From"))
    end = _dt_field(_("Until"))
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data


class LogEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=LogKind.choices)
    at = _dt_field(_("Time"), required=False)
    caller = forms.CharField(label=_("From"), max_length=100, required=False)
    text = forms.CharField(label=_("What was received"), widget=forms.Textarea(attrs={"rows": 3}))
    action = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class HandoverForm(forms.Form):
    incoming = IdField(label=_("Incoming person"))
    open_matters = forms.CharField(
        label=_("Open matters passed on"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CountField(forms.IntegerField):
    """A casualty count: empty means "not yet known" (reported as unknown, not waited for)."""

    def __init__(self, label):
        super().__init__(label=label, min_value=0, max_value=100000, required=False)


class ReportForm(forms.Form):
    town = IdField(label=_("Town/street"))
    enterprise = IdField(label=_("Enterprise"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    event_type = forms.ChoiceField(label=_("Event type"), choices=EventType.choices)
    occurred_at = _dt_field(_("Time of the event"))
    known_at = _dt_field(_("Time the unit learned of it"))
    place = forms.CharField(label=pgettext_lazy("event", "Place"), max_length=200, required=False)
    deaths = CountField(_("Deaths"))
    missing = CountField(_("Missing"))
    serious_injuries = CountField(_("Serious injuries"))
    description = forms.CharField(
        label=pgettext_lazy("event", "What happened"), widget=forms.Textarea(attrs={"rows": 4})
    )
    measures = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    request = forms.CharField(
        label=_("Requests to the district"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    contact_name = forms.CharField(label=_("On-scene contact"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("On-scene contact's phone"), max_length=20, required=False, validators=[validate_phone]
    )
    larger_event = forms.BooleanField(label=_("Larger or above event"), required=False)
    larger_near_miss = forms.BooleanField(
        label=_(
            "Larger near-miss event (10 or more endangered, 3 or more trapped, 500 or more evacuated, …)"
        ),
        required=False,
    )
    accident = IdField(label=_("Accident record"), required=False)
    by_phone = forms.BooleanField(label=_("Taken by phone (the written report follows)"), required=False)


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("What is new"), widget=forms.Textarea(attrs={"rows": 4}))
    deaths = CountField(_("Deaths"))
    missing = CountField(_("Missing"))
    serious_injuries = CountField(_("Serious injuries"))
    measures = forms.CharField(
        label=_("Measures taken"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    request = forms.CharField(
        label=_("Requests to the district"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class RequestMoreForm(forms.Form):
    request = forms.CharField(
        label=_("What the district needs to know"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 4}))


class LinkAccidentForm(forms.Form):
    accident = IdField(
        label=_("Accident record"),
        help_text=_("An accident record you can see, of the report's town or street."),
    )


class CreateAccidentForm(forms.Form):
    sector = forms.CharField(
        label=_("Sector"), max_length=40, help_text=_("The code of a sector (GET /api/v1/sectors/).")
    )
    accident_type = forms.ChoiceField(label=_("Accident type"), choices=AccidentType.choices)


def user_choices(ids):
    users = get_user_model().objects.filter(pk__in=ids).order_by("name", "username")
    return [(u.pk, u.display_name) for u in users]
