"""Every role's home page has a small chart of its own scope (issue 20), and every figure of it is the
count of the hazard list it links to, for the same user."""

import re

import pytest

pytestmark = pytest.mark.django_db

ROLES = {
    "admin": "town",
    "leader": "town",
    "duty": "town",
    "yjj": "sector",
    "duruan": "state",
    "inspector_duruan": "state",
    "ent_duruan": "state",
}


@pytest.fixture(autouse=True)
def _second_factor_done(settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True


def _figures(html: str) -> list[tuple[str, int]]:
    block = html.split('data-testid="home-chart-figures"', 1)[1].split("</ul>", 1)[0]
    return [
        (url.replace("&amp;", "&"), int(n))
        for url, n in re.findall(r'<a href="([^"]+)" data-value="(\d+)"', block)
    ]


@pytest.mark.parametrize("username, kind", list(ROLES.items()))
def test_each_roles_home_chart_counts_like_its_lists(as_user, username, kind):
    client = as_user(username)
    html = client.get("/").content.decode()
    assert 'data-chart="home-hazard-chart"' in html and 'id="home-hazard-chart"' in html
    figures = _figures(html)
    assert figures, username
    assert all(f"{kind}=" in url for url, _ in figures), figures
    for url, value in figures:
        listed = client.get(url)
        assert listed.status_code == 200
        assert listed.context["page_obj"].paginator.count == value, (username, url)


def test_a_town_sees_only_its_own_figures(as_user, district):
    admin = _figures(as_user("admin").get("/").content.decode())
    assert len(admin) == len(district)
    town = _figures(as_user("duruan").get("/").content.decode())
    assert all("town=" not in url for url, _ in town)


@pytest.mark.parametrize("username", ["leader", "yjj", "duruan"])
def test_the_chart_counts_from_the_counters_not_the_rows(persona, username):
    """At a million hazards the chart's group-by over the rows was most of an official's home page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from hazards.home_chart import home_chart

    user = persona(username)
    with CaptureQueriesContext(connection) as queries:
        chart = home_chart(user)
    assert chart["bars"] and any(bar["value"] for bar in chart["bars"])
    assert not [q for q in queries.captured_queries if 'FROM "hazards_hazard"' in q["sql"]]
