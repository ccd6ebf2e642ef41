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
