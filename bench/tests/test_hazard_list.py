"""The hazard list's fast path (issue 7): same rows as the ModelSerializer, totals from the counters equal
to a real count, and SQL queries that do not grow with the page size."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from hazards import rollup
from hazards.api import HazardSerializer
from hazards.models import Hazard

OPEN = "state=reported&state=rectifying&state=submitted&state=accepted"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_rows_are_exactly_what_the_model_serializer_gives(persona, language):
    from django.utils import translation

    from hazards.api_list import list_values, shape_rows

    request = RequestFactory().get("/api/v1/hazards/")
    request.user = persona("admin")
    with translation.override(language):
        hazards = list(Hazard.objects.for_list().order_by("id"))
        assert any(h.listed and h.supervising_department_id for h in hazards)
        assert any(h.criterion_id for h in hazards) and any(h.deadline for h in hazards)
        fast = shape_rows(list(list_values(Hazard.objects.order_by("id"))))
        slow = [dict(HazardSerializer(h, context={"request": request}).data) for h in hazards]
    assert len(fast) == len(slow)
    for row, expected in zip(fast, slow, strict=True):
        assert row == expected, row["id"]


def test_the_api_list_serves_the_shaped_rows(api_as):
    body = api_as("admin").get("/api/v1/hazards/?page_size=200").json()
    by_id = {h.pk: h for h in Hazard.objects.for_list()}
    request = RequestFactory().get("/api/v1/hazards/")
    for row in body["results"]:
        assert row == dict(HazardSerializer(by_id[row["id"]], context={"request": request}).data)


@pytest.mark.parametrize(
    "username, query",
    [
        ("duruan", OPEN),
        ("duruan", ""),
        ("duruan", "state=closed"),
        ("duruan", "open=false&level=general"),
        ("yjj", OPEN),
        ("yjj", "sector=industry_trade&state=rectifying"),
        ("admin", OPEN),
        ("admin", "open=true&level=major"),
        ("leader", "town=__baisha__"),
        ("ent_duruan", OPEN),  # enterprise scope: a real count
        ("duruan", "overdue=true"),  # from the counters: rectifying past the deadline, or submitted late
        ("duruan", "overdue=false&open=true"),
        ("admin", "overdue=true&level=general"),
        ("yjj", "overdue=true"),
        ("duruan", "overdue=true&reported_from=2000-01-01"),  # a filter the counters cannot answer
        ("admin", "q=灭火器"),
    ],
)
def test_the_list_total_equals_a_real_count(api_as, district, persona, username, query):
    query = query.replace("__baisha__", str(district["baisha"].pk))
    response = api_as(username).get(f"/api/v1/hazards/?{query}")
    assert response.status_code == 200
    body = response.json()
    user = persona(username)
    from hazards.filters import HazardFilter

    filterset = HazardFilter(response.wsgi_request.GET, queryset=Hazard.objects.visible_to(user))
    assert filterset.is_valid()
    assert body["count"] == filterset.qs.count()
    assert len(body["results"]) == min(20, body["count"])


def test_the_counters_answer_the_town_officers_open_list(persona, rf):
    request = rf.get(f"/api/v1/hazards/?{OPEN}")
    assert rollup.list_count(persona("duruan"), request.GET) is not None
    assert rollup.list_count(persona("duruan"), rf.get("/?overdue=true").GET) is not None
    assert rollup.list_count(persona("duruan"), rf.get("/?reported_from=2000-01-01").GET) is None
    assert rollup.list_count(persona("ent_duruan"), request.GET) is None


@pytest.mark.parametrize(
    "query", [OPEN, "overdue=true", "open=true&level=major", "sector=industry_trade", "town=__duruan__"]
)
def test_a_town_and_sectors_user_s_total_comes_from_the_counters_and_equals_a_count(
    api_as, district, rf, query
):
    """A hazard is in such a scope when its town or its sector is; a counter row is one town and one
    sector, so the union selects whole rows and the sum is exact (the list made an exact count before)."""
    from accounts.models import User
    from bench.worker import MIXED_SCOPE, _scoped_personas
    from hazards.filters import HazardFilter

    _scoped_personas()
    user = User.objects.get(username=MIXED_SCOPE)
    assert user.town_id and user.department_id  # the union of a town and a department's sectors
    query = query.replace("__duruan__", str(district["duruan"].pk))
    total = rollup.list_count(user, rf.get(f"/?{query}").GET)
    filterset = HazardFilter(rf.get(f"/?{query}").GET, queryset=Hazard.objects.visible_to(user))
    assert filterset.is_valid()
    assert total == filterset.qs.count()
    assert total > 0 or query.startswith("open=true&level=major")  # the demo may have no open major one
    response = api_as(MIXED_SCOPE).get(f"/api/v1/hazards/?{query}")
    assert response.status_code == 200 and response.json()["count"] == total
    from hazards.selectors import counts, counts_of

    assert counts(user) == counts_of(Hazard.objects.visible_to(user))  # the home panel, from the same rows


@pytest.mark.parametrize("username", ["duruan", "admin", "yjj"])
def test_list_queries_do_not_grow_with_the_page_size(api_as, username, django_assert_max_num_queries):
    client = api_as(username)
    client.get(f"/api/v1/hazards/?{OPEN}&page_size=1")
    counts = []
    for size in (1, 10, 200):
        with django_assert_max_num_queries(3) as captured:
            response = client.get(f"/api/v1/hazards/?{OPEN}&page_size={size}")
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert len(set(counts)) == 1, counts


def test_stats_from_the_counters_equal_a_count_of_the_rows(persona):
    from hazards.selectors import hazard_stats

    for username in ("admin", "duruan", "yjj", "leader"):
        user = persona(username)
        for group_by in ("town", "sector", "department"):
            fast = hazard_stats(user, group_by)
            # A period far in the past and future forces the count over the rows.
            import datetime as dt

            slow = hazard_stats(user, group_by, date_from=dt.date(2000, 1, 1), date_to=dt.date(2100, 1, 1))
            assert fast == slow, (username, group_by)


def test_the_overdue_filter_writes_the_open_states_into_the_sql(db, persona):
    # Overdue hazards are open: with the open states literally in the WHERE, SQLite walks the town's
    # open-list partial index in the list's order and stops at the page (issue 18).
    from django.http import QueryDict

    from hazards.filters import HazardFilter

    filterset = HazardFilter(QueryDict("overdue=true"), queryset=Hazard.objects.all())
    assert filterset.is_valid()
    assert "IN ('reported', 'rectifying', 'submitted', 'accepted')" in str(filterset.qs.query)


def test_the_open_filter_writes_its_state_codes_into_the_sql(db):
    # SQLite serves a partial index only when the condition is literally the index's (issue 7).
    sql = str(Hazard.objects.open().query)
    assert "IN ('reported', 'rectifying', 'submitted', 'accepted')" in sql
    assert "IN ('rectifying', 'submitted')" in str(
        Hazard.objects.filter(state__states=["submitted", "rectifying"]).query
    )
    with pytest.raises(ValueError):
        Hazard.objects.filter(state__states=["reported', 'x"]).exists()


def test_a_token_request_spends_one_query_on_authentication_and_roles(persona, django_assert_max_num_queries):
    from rest_framework.test import APIClient

    from accounts.models import ApiToken

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {ApiToken.issue(persona('duruan'))}")
    first = client.get(f"/api/v1/hazards/?{OPEN}")  # also touches the token's last use, once a minute
    with django_assert_max_num_queries(3):  # token with user and roles, the counter, the page
        again = client.get(f"/api/v1/hazards/?{OPEN}")
    assert again.json()["count"] == first.json()["count"] > 0
    assert {h["town"] for h in again.json()["results"]} == {persona("duruan").town_id}


@pytest.mark.parametrize(
    "username", ["admin", "leader", "duruan", "baisha", "yjj", "jtj", "ent_duruan", "duty"]
)
def test_home_counts_from_the_counters_equal_a_count_of_the_rows(persona, username):
    from hazards.selectors import counts, counts_of

    user = persona(username)
    assert counts(user) == counts_of(Hazard.objects.visible_to(user))


@pytest.mark.parametrize(
    "username, query", [("duruan", OPEN), ("admin", ""), ("ent_duruan", ""), ("yjj", OPEN)]
)
def test_deep_pages_are_the_same_rows_as_an_offset_over_the_ordered_list(api_as, persona, username, query):
    # Deferred paging (issue 18): ids first by the list's ORDER BY, then those rows; same rows, same order.
    client = api_as(username)
    expected = list(
        Hazard.objects.visible_to(persona(username))
        .filter(**({"state__states": ["reported", "rectifying", "submitted", "accepted"]} if query else {}))
        .order_by("-reported_at", "-id")
        .values_list("id", flat=True)
    )
    assert len(expected) > 3  # at least two pages
    pages, number, url = [], 1, f"/api/v1/hazards/?{query}&page_size=3"
    while url:
        body = client.get(url).json()
        assert body["count"] == len(expected)
        pages.append([h["id"] for h in body["results"]])
        assert (body["previous"] is None) == (number == 1)
        url, number = body["next"], number + 1
    assert [i for page in pages for i in page] == expected
    assert all(len(p) == 3 for p in pages[:-1])


def test_deep_pages_spend_the_same_queries_as_page_1(api_as, django_assert_max_num_queries):
    client = api_as("admin")
    total = client.get("/api/v1/hazards/?page_size=1").json()["count"]
    assert total >= 20
    counts = []
    for page in (1, total // 2, total):
        with django_assert_max_num_queries(3) as captured:
            response = client.get(f"/api/v1/hazards/?page_size=1&page={page}")
        assert response.status_code == 200 and len(response.json()["results"]) == 1
        counts.append(len(captured.captured_queries))
        page_sql = captured.captured_queries[-1]["sql"]
    assert len(set(counts)) == 1, counts
    # The OFFSET is inside the id subquery, not on the joined rows.
    inner = page_sql[page_sql.index("IN (SELECT") :]
    assert "OFFSET" in inner and "registry_enterprise" not in inner.split("OFFSET")[0]
    assert client.get(f"/api/v1/hazards/?page_size=1&page={total + 1}").status_code == 404


@pytest.mark.parametrize("name", ["list_search", "list_overdue", "list_enterprise", "list_html"])
def test_the_bench_list_variants_answer_rows(api_as, as_user, name):
    # Each scenario the bench loads must answer 200 with rows, or it would time error pages.
    from bench.worker import LIST_VARIANTS

    username, auth, path = LIST_VARIANTS[name]
    response = (api_as if auth == "token" else as_user)(username).get(path)
    assert response.status_code == 200
    if auth == "token":
        assert response.json()["results"]


def test_the_bench_search_word_is_in_the_generated_titles():
    from urllib.parse import parse_qs, urlsplit

    from bench.dataset import TITLES, _search_words
    from bench.worker import LIST_VARIANTS

    word = parse_qs(urlsplit(LIST_VARIANTS["list_search"][2]).query)["q"][0]
    assert word == "配电箱"
    assert any(word in _search_words(title, "").split() for _category, title in TITLES)
