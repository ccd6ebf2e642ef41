"""A pre-filled date or date-time input shows its value in Chinese: the browser's inputs read only ISO
dates, so the Chinese locale's 2027/01/19 would leave the field blank and a save would lose the date."""

import datetime as dt

from django import forms
from django.utils import translation


class _Dates(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


def test_date_inputs_render_iso_in_chinese_and_still_read_the_chinese_forms():
    with translation.override("zh-hans"):
        html = str(_Dates(initial={"day": dt.date(2027, 1, 19), "moment": dt.datetime(2027, 1, 19, 10, 0)}))
        assert 'value="2027-01-19"' in html and 'value="2027-01-19 10:00"' in html
        typed = _Dates(data={"day": "2027/01/19", "moment": "2027/01/19 10:00"})
        assert typed.is_valid(), typed.errors
        assert typed.cleaned_data["day"] == dt.date(2027, 1, 19)
