"""The cockpit's four-colour map (issue 16): each town coloured by its highest risk point, each one a link
to the list of its risk points with the same count, for the district leader and a town leader."""

import re

import pytest

from risk import mapdata
from risk.models import RiskPoint

pytestmark = pytest.mark.django_db


def _links(html: str) -> list[tuple[str, int, str]]:
    found = re.findall(
        r'<a href="([^"]+)" data-code="town_points_\d+" data-value="(\d+)" data-level="(\w+)"', html
    )
    return [(url.replace("&amp;", "&"), int(value), level) for url, value, level in found]


@pytest.mark.parametrize("username, towns", [("leader", 8), ("duruan", 1)])
def test_every_town_on_the_map_counts_like_its_list(as_user, persona, username, towns):
    client = as_user(username)
    html = client.get("/cockpit/").content.decode()
    assert 'data-testid="cockpit-town-map"' in html
    links = _links(html)
    assert len(links) == towns
    visible = RiskPoint.objects.visible_to(persona(username)).active()
    for url, value, level in links:
        page = client.get(url)
        assert page.context["page_obj"].paginator.count == value, url
        town_id = int(url.rsplit("=", 1)[1])
        colours = visible.filter(enterprise__town_id=town_id).values_list("effective_colour", flat=True)
        assert (mapdata.highest_colour(colours) or "none") == level


def test_the_wall_display_holds_the_map_too(as_user):
    html = as_user("leader").get("/cockpit/wall/").content.decode()
    assert html.count("<polygon ") == 8 and "cockpit/townmap.css" in html
