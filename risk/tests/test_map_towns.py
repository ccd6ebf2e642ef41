"""Town areas on the four-colour map (issue 20): each town takes the highest colour of its risk points,
counted through the scoping layer, its number equal to the risk-point list it links to; clusters carry
their counts per colour; the town's name sits inside its area."""

import pytest

from core.choices import RiskColour
from risk import mapdata
from risk.models import RiskPoint

pytestmark = pytest.mark.django_db
URL = "/risk/map/data.json"


@pytest.mark.parametrize(
    "colours, expected",
    [
        (["blue", "red", "yellow"], "red"),
        (["blue", "orange", "yellow"], "orange"),
        (["yellow", "blue", "yellow"], "yellow"),
        (["blue"], "blue"),
        (["", "blue", ""], "blue"),
        ([], ""),
        ([""], ""),
    ],
)
def test_a_town_takes_the_highest_colour_of_its_points(colours, expected):
    assert mapdata.highest_colour(colours) == expected


def test_the_label_goes_inside_the_area():
    square = [[0.0, 0.0], [0.0, 2.0], [2.0, 2.0], [2.0, 0.0]]
    assert mapdata.label_point(square, 1, 1) == [1.0, 1.0]
    # A centre outside the area (a badly placed town point) moves inside.
    assert mapdata.inside(tuple(mapdata.label_point(square, 5, 5)), square)
    # A U shape whose vertices' mean falls in the notch.
    u_shape = [[0, 0], [0, 3], [3, 3], [3, 2], [1, 2], [1, 1], [3, 1], [3, 0]]
    assert mapdata.inside(tuple(mapdata.label_point(u_shape, None, None)), u_shape)


def _expected(user_points, town) -> tuple[str, int]:
    points = user_points.active().filter(enterprise__town=town)
    colours = points.values_list("effective_colour", flat=True)
    return mapdata.highest_colour(colours), points.count()


def test_the_district_sees_every_town_coloured_by_its_points(as_user, district, persona):
    data = as_user("admin").get(URL).json()
    towns = {t["id"]: t for t in data["towns"]}
    assert len(towns) == len(district)
    visible = RiskPoint.objects.visible_to(persona("admin"))
    for town in district.values():
        level, count = _expected(visible, town)
        row = towns[town.pk]
        assert (row["level"], row["points"]) == (level, count), town.name
        assert row["in_scope"] and row["url"] == f"/risk/points/?town={town.pk}"
        assert sum(row["by_colour"].values()) <= count
        assert mapdata.inside(tuple(row["label_at"]), row["boundary"])
    assert any(t["level"] == RiskColour.RED for t in towns.values())


def test_a_town_gets_only_its_own_towns_colour(as_user, district, persona):
    data = as_user("duruan").get(URL).json()
    coloured = [t for t in data["towns"] if t["in_scope"]]
    assert [t["id"] for t in coloured] == [district["duruan"].pk]
    assert all(
        t["level"] == "" and t["points"] == 0 and not t["url"] for t in data["towns"] if not t["in_scope"]
    )
    level, count = _expected(RiskPoint.objects.visible_to(persona("duruan")), district["duruan"])
    assert (coloured[0]["level"], coloured[0]["points"]) == (level, count)


def test_a_department_counts_only_its_sectors_points(as_user, district, persona):
    data = as_user("yjj").get(URL).json()
    visible = RiskPoint.objects.visible_to(persona("yjj"))
    for row in data["towns"]:
        assert row["points"] == visible.active().filter(enterprise__town_id=row["id"]).count()


def test_each_towns_number_is_the_count_of_the_list_it_links_to(as_user, district):
    client = as_user("duruan")
    row = next(t for t in client.get(URL).json()["towns"] if t["in_scope"])
    page = client.get(row["url"])
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.count == row["points"]


def test_town_clusters_carry_their_counts_per_colour(as_user):
    data = as_user("admin").get(URL, {"bbox": "22.3,112.8,22.9,113.4", "zoom": 10}).json()
    for cluster in data["clusters"]:
        assert sum(cluster["by_level"].values()) == cluster["count"]
        assert cluster["level"] == mapdata.highest_colour(k for k, n in cluster["by_level"].items() if n)


def test_without_a_tile_service_the_map_draws_the_shipped_base_map_stored_for_offline(
    as_user, settings, client
):
    settings.MAP_TILE_URL = ""
    config = as_user("duruan").get("/risk/map/").context["map_config"]
    assert config["baseUrl"].endswith("risk/pengjiang-base.geojson") and not config["tileUrl"]
    worker = client.get("/sw.js").content.decode()
    assert "risk/pengjiang-base.geojson" in worker and "leaflet.js" in worker


def test_with_a_tile_service_the_map_uses_its_tiles(as_user, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    config = as_user("duruan").get("/risk/map/").context["map_config"]
    assert config["tileUrl"] == settings.MAP_TILE_URL and config["baseUrl"] == ""
