"""Writes of the responsibility lists over the API: positions created and changed, holders with history,
the year's letter; each by the district or the unit's own officers, out of scope 404."""

from __future__ import annotations

import pytest

from accountability.models import ResponsibilityPosition

pytestmark = pytest.mark.django_db
URL = "/api/v1/accountability/positions/"


@pytest.fixture
def town_position(district, persona):
    return ResponsibilityPosition.objects.filter(town_id=persona("duruan").town_id).first()


def test_a_town_creates_its_own_position_with_the_template_duties(district, api_as, persona):
    town = persona("duruan").town_id
    body = {
        "unit_kind": "town",
        "unit": town,
        "position": "分管安全生产副镇长",
        "duties": "协助镇长抓安全生产",
    }
    created = api_as("duruan").post(URL, body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["town"] == town and data["holders"] == [] and data["letters"] == []
    other = persona("baisha").town_id
    refused = api_as("duruan").post(URL, {**body, "unit": other}, format="json")
    assert refused.status_code == 403
    missing = api_as("admin").post(URL, {"unit_kind": "town", "position": "X", "duties": "Y"}, format="json")
    assert missing.status_code == 400 and "unit" in str(missing.json())


def test_holders_history_and_the_years_letter(town_position, api_as):
    client = api_as("duruan")
    before = len(client.get(f"{URL}{town_position.pk}/").json()["holders"])
    first = client.post(
        f"{URL}{town_position.pk}/holders/", {"name": "黄新", "start_on": "2026-07-01"}, format="json"
    )
    assert first.status_code == 201 and len(first.json()["holders"]) == before + 1
    assert first.json()["holder"] == "黄新"
    letter = {"year": 2031, "signed_on": "2031-01-10", "signed_by": "黄新"}
    assert client.post(f"{URL}{town_position.pk}/letters/", letter, format="json").status_code == 201
    assert client.post(f"{URL}{town_position.pk}/letters/", letter, format="json").status_code == 409
    changed = client.post(
        f"{URL}{town_position.pk}/change/",
        {"position": "镇长", "duties": "全面负责本镇安全生产工作", "first_responsible": True},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["duties"] == "全面负责本镇安全生产工作"


def test_out_of_scope_and_read_only_roles(town_position, api_as):
    body = {"name": "X", "start_on": "2030-01-01"}
    assert api_as("baisha").post(f"{URL}{town_position.pk}/holders/", body, format="json").status_code == 404
    assert api_as("leader").post(f"{URL}{town_position.pk}/holders/", body, format="json").status_code == 403
    bad = api_as("duruan").post(f"{URL}{town_position.pk}/change/", {"position": ""}, format="json")
    assert bad.status_code == 400 and "position" in str(bad.json())


@pytest.mark.parametrize("phone", ["12345", "2345678901234", "1381234567x", "110"])
def test_a_holders_phone_is_checked_as_the_registry_checks_it(town_position, api_as, phone):
    from accountability.models import PositionHolder

    before = PositionHolder.objects.filter(position=town_position).count()
    body = {"name": "黄新", "phone": phone, "start_on": "2026-07-01"}
    refused = api_as("duruan").post(f"{URL}{town_position.pk}/holders/", body, format="json")
    assert refused.status_code == 400 and "phone" in refused.json()
    assert PositionHolder.objects.filter(position=town_position).count() == before


@pytest.mark.parametrize("phone", ["13812345678", "0750-3501234", ""])
def test_a_mobile_or_landline_is_accepted(town_position, api_as, phone):
    body = {"name": "黄新", "phone": phone, "start_on": "2026-07-01"}
    answer = api_as("duruan").post(f"{URL}{town_position.pk}/holders/", body, format="json")
    assert answer.status_code == 201, answer.content


def test_the_page_refuses_a_wrong_holder_phone_with_400_and_keeps_what_was_typed(town_position, as_user):
    from accountability.models import PositionHolder

    before = PositionHolder.objects.filter(position=town_position).count()
    body = {"name": "黄新", "phone": "12345", "start_on": "2026-07-01"}
    refused = as_user("duruan").post(
        f"/accountability/responsibility/{town_position.pk}/holder/", body, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'value="黄新"' in page and 'value="12345"' in page
    assert "请输入 11 位手机号码" in page  # the registry's phone rule, localized
    assert PositionHolder.objects.filter(position=town_position).count() == before


@pytest.mark.parametrize("body", [{"name": [], "start_on": [None]}, {"name": {"a": 1}}, ["x"]])
def test_a_holder_with_nested_values_is_400_and_changes_nothing(api_as, district, body):
    """A JSON body with a list or an object where one value belongs gave 500 from the form's date field."""
    from accountability.models import PositionHolder

    before = PositionHolder.objects.count()
    response = api_as("admin").post("/api/v1/accountability/positions/1/holders/", body, format="json")
    assert response.status_code == 400, response.content
    assert PositionHolder.objects.count() == before
