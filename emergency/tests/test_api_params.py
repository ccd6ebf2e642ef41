"""Id filters of the emergency API answer 400 for what no key can be: an overflowing number gave 500 on
SQLite (found by the fuzzer at 100 examples per operation)."""

import pytest


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/rescue-team-members/", "team"),
        ("/api/v1/supplies/stock/", "warehouse"),
        ("/api/v1/supplies/stock/", "item"),
    ],
)
@pytest.mark.parametrize("value", ["-18446744071465168478", "99999999999999999999", "0", "-1", "abc"])
def test_an_id_filter_out_of_range_is_400_with_a_localized_message(api_as, district, path, name, value):
    response = api_as("admin").get(path, {name: value}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    assert response.json()[name] == ["请输入整数。"]


def test_a_valid_id_filter_still_filters(api_as, district):
    response = api_as("admin").get("/api/v1/rescue-team-members/", {"team": 2**31 - 1})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_drill_body_of_numbers_where_dates_belong_is_400_naming_the_fields(api_as, district):
    body = {"form": True, "participants": -(2**70), "held_on": -(2**70), "plan": 0, "scenario": -(2**70)}
    response = api_as("admin").post("/api/v1/drills/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    assert {"form", "participants", "held_on", "plan"} <= set(response.json())
