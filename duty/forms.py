"""Forms of the duty module: the one validation of each input, for pages, services and the API alike."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import AccidentType
from duty.choices import EventType, LogKind, ShiftRole

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _dt_field(label, required=True):
    return forms.DateTimeField(label=label, required=required, widget=DATETIME)


class RosterCreateForm(forms.Form):
    room = forms.IntegerField(label=_("Duty room"), min_value=1)
    month = forms.CharField(label=_("Month"), max_length=7, help_text=_("YYYY-MM, e.g. 2027-01"))

    def clean_month(self):
        raw = self.cleaned_data["month"].strip()
        try:
            return dt.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))


class ShiftForm(forms.Form):
    start = _dt_field(_("Start"))
    end = _dt_field(_("End"))
    person = forms.IntegerField(label=_("Person"), min_value=1)
    role = forms.ChoiceField(label=_("Role"), choices=ShiftRole.choices)


class EmptyForm(forms.Form):
    pass


class SwapRequestForm(forms.Form):
    counterpart = forms.IntegerField(label=_("Taken over by"), min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class AbsenceForm(forms.Form):
    person = forms.IntegerField(label=_("Person"), min_value=1)
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
    incoming = forms.IntegerField(label=_("Incoming person"), min_value=1)
    open_matters = forms.CharField(
        label=_("Open matters passed on"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class CountField(forms.IntegerField):
    """A casualty count: empty means "not yet known" (reported as unknown, not waited for)."""

    def __init__(self, label):
        super().__init__(label=label, min_value=0, max_value=100000, required=False)


class ReportForm(forms.Form):
    town = forms.IntegerField(label=_("Town/street"), min_value=1)
    enterprise = forms.IntegerField(label=_("Enterprise"), min_value=1, required=False)
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
    contact_phone = forms.CharField(label=_("On-scene contact's phone"), max_length=20, required=False)
    larger_event = forms.BooleanField(label=_("Larger or above event"), required=False)
    larger_near_miss = forms.BooleanField(
        label=_(
            "Larger near-miss event (10 or more endangered, 3 or more trapped, 500 or more evacuated, …)"
        ),
        required=False,
    )
    accident = forms.IntegerField(label=_("Accident record"), min_value=1, required=False)
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
    accident = forms.IntegerField(label=_("Accident record"), min_value=1)


class CreateAccidentForm(forms.Form):
    sector = forms.CharField(label=_("Sector"), max_length=40)
    accident_type = forms.ChoiceField(label=_("Accident type"), choices=AccidentType.choices)


def user_choices(ids):
    users = get_user_model().objects.filter(pk__in=ids).order_by("name", "username")
    return [(u.pk, u.display_name) for u in users]
