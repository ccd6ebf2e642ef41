"""A JSON body reaches Django's forms through `core.forms.bind`: numbers are read as their text, and a list
or an object where the form reads one value is refused as invalid input (a date field handed a JSON number
failed inside its parser with a server error, found by the API fuzzer)."""

import datetime as dt

import pytest
from django import forms

from core.errors import InvalidInput
from core.forms import DateTimeField, IdListField, bind, clean


class _Form(forms.Form):
    held_on = forms.DateField()
    count = forms.IntegerField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A")], required=False)
    tags = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    ids = IdListField()
    urgent = forms.BooleanField(required=False)


def test_json_numbers_are_judged_by_the_field_not_its_parser():
    with pytest.raises(InvalidInput) as refused:
        clean(_Form, {"held_on": -1180591620717411244959, "count": 3})
    assert list(refused.value.errors) == ["held_on"]


def test_a_list_or_object_where_one_value_belongs_is_refused_by_name_beside_the_other_errors():
    with pytest.raises(InvalidInput) as refused:
        clean(_Form, {"held_on": ["2026-12-01"], "kind": {"a": 1}, "tags": ["x"], "count": "many"})
    assert sorted(refused.value.errors) == ["count", "held_on", "kind"]
    assert refused.value.errors["held_on"] == ["请只填写一个值，不能是列表或对象。"]


def test_a_body_that_is_not_an_object_is_refused():
    for body in ([1, 2], "text", 5):
        with pytest.raises(InvalidInput):
            bind(_Form, body)


def test_lists_stay_lists_where_the_field_reads_a_list_and_booleans_stay_booleans():
    cleaned = clean(
        _Form, {"held_on": "2026-12-01", "count": 7, "tags": ["x", "y"], "ids": [4, 5], "urgent": True}
    )
    assert cleaned["held_on"] == dt.date(2026, 12, 1)
    assert (cleaned["count"], cleaned["tags"], cleaned["ids"], cleaned["urgent"]) == (
        7,
        ["x", "y"],
        [4, 5],
        True,
    )


def test_true_is_not_a_choice():
    with pytest.raises(InvalidInput) as refused:
        clean(_Form, {"held_on": "2026-12-01", "kind": True})
    assert list(refused.value.errors) == ["kind"]


def test_a_form_post_is_read_as_it_is():
    from django.http import QueryDict

    cleaned = clean(_Form, QueryDict("held_on=2026-12-01&tags=x&tags=y"))
    assert cleaned["tags"] == ["x", "y"]


class _Moment(forms.Form):
    at = DateTimeField()


@pytest.mark.parametrize("value", ["0957-09-18T11:22:36", "1900-12-31T23:00", "2101-01-01T00:00"])
def test_a_moment_outside_1901_to_2100_is_refused(value):
    """Before 1901 Shanghai's offset is local mean time (+08:05:43), which an API answer cannot write."""
    with pytest.raises(InvalidInput) as refused:
        clean(_Moment, {"at": value})
    assert refused.value.errors["at"] == ["请输入 1901 年至 2100 年之间的日期和时间。"]


def test_a_moment_inside_the_range_is_kept():
    assert clean(_Moment, {"at": "2026-12-04T10:00"})["at"].year == 2026


def test_a_warning_of_the_tenth_century_is_400_not_an_unreadable_answer(api_as, district):
    body = {"hazard": "cold", "signal": "red", "area": "全区", "valid_from": "0957-09-18T11:22:36+08:00"}
    response = api_as("admin").post("/api/v1/warnings/", body, format="json")
    assert response.status_code == 400 and "valid_from" in response.json()
