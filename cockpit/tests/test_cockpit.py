"""Issue 16: every cockpit figure equals the count of the list it links to, for the same user."""

from __future__ import annotations

import pytest

from cockpit.figures import all_figures

pytestmark = pytest.mark.django_db

COCKPIT_USERS = ["leader", "admin", "duruan", "yjj", "duty"]


@pytest.mark.parametrize("username", ["leader", "duruan", "yjj"])
def test_each_figure_equals_the_count_of_its_api_list(api_as, username):
    client = api_as(username)
    answer = client.get("/api/v1/cockpit/")
    assert answer.status_code == 200
    figures = answer.json()["figures"]
    assert {f["code"] for f in figures} >= {"hazards_open", "hazards_overdue", "hazards_major_open"}
    for figure in figures:
        listed = client.get(figure["href"])
        assert listed.status_code == 200, figure
        assert listed.json()["count"] == figure["value"], figure


def _listed(response) -> int:
    """How many records a list page shows in all (its paginator's count, or its rows when it has no pages)."""
    for name in ("page_obj", "page"):
        found = response.context.get(name)
        if found is not None and hasattr(found, "paginator"):
            return found.paginator.count
    return len(response.context["rows"])


@pytest.mark.parametrize("username", ["leader", "duruan"])
def test_each_figure_on_the_screen_opens_a_page_of_as_many_records(as_user, username):
    client = as_user(username)
    screen = client.get("/cockpit/")
    tiles = screen.context["figures"] + screen.context["overdue_by_town"]
    assert {f["code"] for f in tiles} >= {"duty_open_reports", "emergency.shortfalls", "hazards_open"}
    for figure in tiles:
        assert not figure["page"].startswith("/api/"), figure
        page = client.get(figure["page"])
        assert page.status_code == 200, figure
        assert page["Content-Type"].startswith("text/html"), figure
        assert _listed(page) == figure["value"], figure


def test_a_town_sees_its_town_and_the_district_sees_more(persona):
    district = {f["code"]: f["value"] for f in all_figures(persona("leader"))}
    town = {f["code"]: f["value"] for f in all_figures(persona("duruan"))}
    assert district["hazards_open"] > town["hazards_open"] > 0


@pytest.mark.parametrize("username", ["ent_duruan", "inspector_duruan", "sysadmin"])
def test_who_answers_for_no_area_is_refused(api_as, as_user, username):
    assert api_as(username).get("/api/v1/cockpit/").status_code == 403
    assert as_user(username).get("/cockpit/").status_code == 403


def test_the_page_the_wall_and_the_live_part_show_the_same_figures(as_user, persona):
    client = as_user("duruan")
    expected = {f["code"]: f["value"] for f in all_figures(persona("duruan"))}
    for url in ("/cockpit/", "/cockpit/wall/", "/cockpit/live/?wall=1"):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        for code, value in expected.items():
            assert f'data-code="{code}" data-value="{value}"' in html, (url, code)
    assert 'hx-trigger="every 60s"' in client.get("/cockpit/").content.decode()


def test_overdue_by_town_links_each_town_to_its_list(api_as, as_user):
    page = as_user("leader").get("/cockpit/")
    rows = page.context["overdue_by_town"]
    assert len(rows) >= 2
    client = api_as("leader")
    for row in rows:
        assert client.get(row["href"]).json()["count"] == row["value"]


def test_the_leaders_home_page_carries_the_figures_in_small(as_user):
    html = as_user("leader").get("/").content.decode()
    assert 'data-testid="panel-cockpit"' in html
    for figure in as_user("leader").get("/cockpit/").context["figures"]:
        assert f'data-code="{figure["code"]}"' in html, figure["code"]
    assert 'data-testid="panel-cockpit"' not in as_user("duruan").get("/").content.decode()


def test_the_cockpit_shows_who_is_on_duty_and_the_assessment_ranking(as_user):
    page = as_user("leader").get("/cockpit/")
    rooms = page.context["on_duty"]
    assert len(rooms) >= 2 and any(r["people"] for r in rooms)
    html = page.content.decode()
    assert 'data-testid="cockpit-on-duty"' in html and 'data-testid="cockpit-ranking"' in html
    town = as_user("duruan").get("/cockpit/").context
    assert len(town["on_duty"]) == 1  # a town sees its own duty room
    assert all(r["url"].startswith("/accountability/assessment/town/") for r in town["ranking"]["rows"])


@pytest.mark.parametrize("username", ["leader", "duruan"])
def test_each_month_of_the_trend_opens_the_hazards_registered_in_it(as_user, username):
    client = as_user(username)
    screen = client.get("/cockpit/")
    trend = screen.context["trend"]
    assert len(trend) == 12 and sum(r["found"] for r in trend) > 0
    html = screen.content.decode()
    points = screen.context["trend_chart"]["series"][0]["data"]
    for row, point in zip(trend, points, strict=True):
        assert point == {"value": row["found"], "url": row["page"]}  # the chart's click target
        assert f'data-code="hazards_registered_{row["month"]}" data-value="{row["found"]}"' in html
        page = client.get(row["page"])
        assert page.status_code == 200
        assert _listed(page) == row["found"], row


def test_a_town_sees_only_its_own_line_of_the_shared_ranking_with_the_same_rank(persona):
    """The ranking is computed once for every reader; each reader keeps the towns its scope shows."""
    from cockpit.panels import ranking

    district = ranking(persona("leader"), limit=100)["rows"]
    assert len(district) >= 2
    town = ranking(persona("duruan"), limit=100)["rows"]  # read from the district's cached ranking
    assert [r["unit_id"] for r in town] == [persona("duruan").town_id]
    own = next(r for r in district if r["unit_id"] == persona("duruan").town_id)
    assert town[0] == own  # ranked among all towns, not first of one
    assert ranking(persona("ent_duruan"), limit=100)["rows"] == []


def test_the_cockpit_shows_each_towns_readiness_score_and_opens_its_explanation(as_user, district):
    from emergency.selectors import readiness

    page = as_user("leader").get("/cockpit/")
    rows = page.context["readiness"]
    assert len(rows) == len(district)
    assert [r["score"] for r in rows] == sorted(r["score"] for r in rows)  # weakest first
    duruan = district["duruan"]
    line = next(r for r in rows if r["url"] == f"/emergency/?town={duruan.pk}")
    assert line["score"] == float(readiness(duruan).score)
    assert 'data-testid="cockpit-readiness"' in page.content.decode()
    town = as_user("duruan").get("/cockpit/")
    assert [r["url"] for r in town.context["readiness"]] == [line["url"]]  # a town, its own line only
    assert as_user("duruan").get(line["url"]).status_code == 200
