"""API.md shapes: list fields and filters, pagination, events, stats keys, scope and query counts."""

import pytest

from hazards.models import Hazard
from hazards.tests.helpers import in_state, rectifying, reported

STATS_KEYS = {
    "key",
    "name",
    "found",
    "open",
    "rectified",
    "overdue",
    "major_open",
    "rectification_rate",
    "on_time_rate",
}


def test_the_list_is_paginated_with_display_labels(api_as):
    response = api_as("admin").get("/api/v1/hazards/?page_size=5")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 5
    row = body["results"][0]
    for field in ("state", "level", "source", "category"):
        assert row[f"{field}_display"]
    assert isinstance(row["overdue"], bool) and isinstance(row["listed_supervision"], bool)


def test_filters_of_api_md(api_as, persona, enterprise_in):
    client = api_as("admin")
    town = enterprise_in("duruan").town_id
    for query, check in [
        (f"town={town}", lambda h: h["town"] == town),
        ("sector=industry_trade", lambda h: h["sector"] == "industry_trade"),
        ("level=major", lambda h: h["level"] == "major"),
        ("state=rectifying", lambda h: h["state"] == "rectifying"),
        ("source=self_inspection", lambda h: h["source"] == "self_inspection"),
        ("overdue=true", lambda h: h["overdue"] is True),
    ]:
        results = client.get(f"/api/v1/hazards/?{query}&page_size=200").json()["results"]
        assert results, query
        assert all(check(h) for h in results), query
    enterprise = persona("ent_duruan").enterprise
    results = client.get(f"/api/v1/hazards/?enterprise={enterprise.pk}&page_size=200").json()["results"]
    assert results and {h["enterprise"] for h in results} == {enterprise.pk}
    hazard = reported(
        persona("duruan"), enterprise_in("duruan", "industry_trade"), title="独一无二的隐患标题"
    )
    results = client.get("/api/v1/hazards/?q=独一无二").json()["results"]
    assert [h["id"] for h in results] == [hazard.pk]
    assert client.get("/api/v1/hazards/?state=nonsense").status_code == 400
    assert client.get("/api/v1/hazards/?page=abc").status_code == 400


def test_the_overdue_filter_matches_the_flag(api_as):
    client = api_as("admin")
    overdue = client.get("/api/v1/hazards/?overdue=true&page_size=200").json()
    assert overdue["count"] == Hazard.objects.overdue().count() > 0


@pytest.mark.parametrize("page_size", [5, 50, 200])
def test_list_queries_do_not_grow_with_the_page_size(api_as, django_assert_max_num_queries, page_size):
    client = api_as("yjj")
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/hazards/?page_size={page_size}")
    assert response.status_code == 200


def test_the_list_page_queries_do_not_grow_with_the_rows(as_user, django_assert_max_num_queries):
    client = as_user("admin")
    with django_assert_max_num_queries(14):
        assert client.get("/hazards/").status_code == 200


def test_out_of_scope_is_404_in_the_api(api_as, persona, enterprise_in):
    hazard = rectifying(persona("duruan"), enterprise_in("duruan", "industry_trade"))
    client = api_as("baisha")
    assert client.get(f"/api/v1/hazards/{hazard.pk}/").status_code == 404
    assert client.get(f"/api/v1/hazards/{hazard.pk}/events/").status_code == 404
    assert (
        client.post(f"/api/v1/hazards/{hazard.pk}/cancel/", {"version": 2, "reason": "x"}).status_code == 404
    )
    assert hazard.pk not in [h["id"] for h in client.get("/api/v1/hazards/?page_size=200").json()["results"]]
    assert api_as("duruan").get(f"/api/v1/hazards/{hazard.pk}/").status_code == 200


def test_an_enterprise_sees_only_its_own_hazards(api_as, persona):
    results = api_as("ent_duruan").get("/api/v1/hazards/?page_size=200").json()["results"]
    assert results and {h["enterprise"] for h in results} == {persona("ent_duruan").enterprise_id}


def test_the_detail_carries_evidence_and_the_events_are_oldest_first(api_as, persona):
    hazard = in_state("submitted", persona, persona("ent_duruan").enterprise)
    body = api_as("duruan").get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert [a["purpose"] for a in body["attachments"]] == ["after"]
    events = api_as("duruan").get(f"/api/v1/hazards/{hazard.pk}/events/").json()
    assert [e["to_state"] for e in events] == ["reported", "rectifying", "submitted"]
    assert events == sorted(events, key=lambda e: e["at"])


@pytest.mark.parametrize("group_by", ["town", "sector", "department"])
def test_stats_have_the_exact_keys_and_rates_between_0_and_1(api_as, group_by):
    response = api_as("admin").get(f"/api/v1/stats/hazards/?group_by={group_by}")
    assert response.status_code == 200
    rows = response.json()
    assert rows
    for row in rows:
        assert set(row) == STATS_KEYS
        assert 0 <= row["rectification_rate"] <= 1 and 0 <= row["on_time_rate"] <= 1
        assert row["open"] <= row["found"] and row["major_open"] <= row["open"]


def test_stats_are_scoped(api_as, district):
    rows = api_as("baisha").get("/api/v1/stats/hazards/?group_by=town").json()
    assert [r["key"] for r in rows] == [district["baisha"].pk]
    total = sum(r["found"] for r in api_as("admin").get("/api/v1/stats/hazards/?group_by=town").json())
    assert total == Hazard.objects.exclude(state="cancelled").count()
    assert api_as("admin").get("/api/v1/stats/hazards/?group_by=planet").status_code == 400


def test_create_validates_with_field_errors(api_as, enterprise_in):
    client = api_as("duruan")
    response = client.post(
        "/api/v1/hazards/",
        {"enterprise": enterprise_in("duruan").pk, "title": "", "category": "nope", "source": "campaign"},
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "category"} <= set(response.json())
    response = client.post(
        "/api/v1/hazards/",
        {"enterprise": enterprise_in("baisha").pk, "title": "x", "category": "object", "source": "campaign"},
        format="json",
    )
    assert response.status_code == 400 and "enterprise" in response.json()
    assert api_as("leader").post("/api/v1/hazards/", {}, format="json").status_code in (400, 403)


HUGE = 99999999999999999999999


@pytest.mark.parametrize(
    "query",
    [
        f"enterprise={HUGE}",
        f"town={HUGE}",
        f"department={HUGE}",
        "sector=xx",
        "enterprise=1.5",
        "reported_from=2026-13-01",
    ],
)
def test_bad_filters_answer_400_never_500(api_as, as_user, query):
    assert api_as("admin").get(f"/api/v1/hazards/?{query}").status_code == 400
    assert as_user("admin").get(f"/hazards/?{query}").status_code == 200


def test_out_of_range_ids_in_a_body_are_invalid_input(api_as, persona):
    body = {
        "enterprise": persona("ent_duruan").enterprise_id,
        "title": "x",
        "category": "object",
        "source": "campaign",
        "attachments": [HUGE],
    }
    response = api_as("admin").post("/api/v1/hazards/", body, format="json")
    assert response.status_code == 400
    assert api_as("admin").get(f"/api/v1/hazards/{HUGE}/").status_code == 404


def test_stats_for_a_period(api_as):
    client = api_as("admin")
    assert client.get("/api/v1/stats/hazards/?group_by=town&date_from=2999-01-01").json() == []
    assert client.get("/api/v1/stats/hazards/?group_by=town&date_to=2000-13-01").status_code == 400
    everything = client.get(
        "/api/v1/stats/hazards/?group_by=sector&date_from=2000-01-01&date_to=2999-12-31"
    ).json()
    assert everything == client.get("/api/v1/stats/hazards/?group_by=sector").json()
