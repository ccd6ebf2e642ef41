"""Issue 19, finding 7: page parameters are validated like the API's — a year out of range is 400 (the
pages answered 500), and an id too large for the database is ignored rather than overflowing."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("name", "year"),
    [("accidents:stats", "10000"), ("accidents:education_stats", "99999"), ("accidents:stats", "-5")],
)
def test_a_year_out_of_range_is_400_on_pages_as_in_the_api(name, year, as_user, api_as):
    page = as_user("admin").get(reverse(name), {"year": year})
    assert page.status_code == 400
    assert "1990" in page.content.decode()
    assert api_as("admin").get("/api/v1/stats/accidents/", {"year": year}).status_code == 400


def test_a_valid_year_still_works(as_user):
    assert as_user("admin").get(reverse("accidents:stats"), {"year": "2026"}).status_code == 200
    assert as_user("admin").get(reverse("accidents:education_stats"), {"year": "2025"}).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/risk/map/data.json?town=99999999999999999999999",
        "/hazards/new/?enterprise=99999999999999999999999",
        "/accidents/education/new/?case=99999999999999999999999",
    ],
)
def test_an_id_too_large_for_the_database_is_ignored(url, as_user):
    assert as_user("admin").get(url).status_code == 200


@pytest.mark.parametrize("year", ["99999", "1999", "2101", "abc", "-5"])
@pytest.mark.parametrize(
    "path",
    [
        "/accountability/assessment/",
        "/accountability/assessment/town/{town}/",
        "/accountability/assessment/town/{town}/accidents/",
        "/accountability/assessment/weights/",
        "/accountability/cases/stats/",
    ],
)
def test_the_accountability_pages_answer_400_for_a_year_out_of_range_as_the_api(
    path, year, as_user, api_as, persona
):
    town = persona("duruan").town_id
    page = as_user("admin").get(path.format(town=town), {"year": year})
    assert page.status_code == 400
    assert "2100" in page.content.decode()  # the range, as the API states it
    assert api_as("admin").get("/api/v1/assessments/", {"year": year}).status_code == 400


def test_the_accountability_pages_still_answer_a_valid_or_missing_year(as_user, persona):
    client = as_user("admin")
    town = persona("duruan").town_id
    assert client.get("/accountability/assessment/", {"year": "2026", "quarter": "2"}).status_code == 200
    assert client.get(f"/accountability/assessment/town/{town}/").status_code == 200
    assert client.get("/accountability/assessment/", {"year": "2026", "quarter": "5"}).status_code == 400
    assert client.get("/accountability/assessment/", {"kind": "village"}).status_code == 400
