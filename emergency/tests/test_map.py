"""The preparedness map follows the page's town pick: a district user who picks a town sees that town's
reserves, waterlogging points and shelters only; a town outside the user's scope is 404, a bad value 400."""

import pytest
from django.urls import reverse

from emergency.models import Shelter, Warehouse, WaterloggingPoint


@pytest.fixture
def placed(district):
    """One warehouse, waterlogging point and shelter with coordinates in each of two towns."""

    def make(key):
        town = district[key]
        where = {"town": town, "lat": 22.6, "lng": 113.07}
        return {
            "warehouses": Warehouse.objects.create(name=f"{key}地图仓库", level="town", **where),
            "points": WaterloggingPoint.objects.create(name=f"{key}地图内涝点", responsible="张三", **where),
            "shelters": Shelter.objects.create(name=f"{key}地图避护点", capacity=50, **where),
        }

    return {"duruan": make("duruan"), "baisha": make("baisha")}


def _map(client, town=None):
    return client.get(reverse("emergency:map_data"), {"town": town} if town is not None else {})


def test_a_district_user_who_picks_a_town_gets_only_that_towns_layers(as_user, district, placed):
    duruan = district["duruan"]
    data = _map(as_user("admin"), duruan.pk).json()
    for layer, record in placed["duruan"].items():
        names = {row["name"] for row in data["layers"][layer]}
        assert record.name in names and placed["baisha"][layer].name not in names, layer
        expected = type(record).objects.filter(town=duruan).exclude(lat=None).exclude(lng=None)
        assert names == {str(o.name) for o in expected}, layer
    assert [t["name"] for t in data["towns"]] == [duruan.display_name]


def test_without_a_pick_the_district_map_keeps_every_town(as_user, district, placed):
    data = _map(as_user("admin")).json()
    names = {row["name"] for row in data["layers"]["points"]}
    assert {placed["duruan"]["points"].name, placed["baisha"]["points"].name} <= names
    assert len(data["towns"]) > 1


def test_a_town_officer_asking_for_another_town_gets_404(as_user, district, placed):
    assert _map(as_user("baisha"), district["duruan"].pk).status_code == 404
    assert _map(as_user("baisha"), district["baisha"].pk).status_code == 200


@pytest.mark.parametrize("value", ["abc", "-1", "0", "1.5", "99999999999999999999999"])
def test_a_bad_town_is_400_with_a_localized_message(as_user, value):
    response = _map(as_user("admin"), value)
    assert response.status_code == 400
    assert response.json()["detail"] == "请从列表中选择镇街。"
    page = as_user("admin").get(reverse("emergency:preparedness"), {"town": value})
    assert page.status_code == 400 and "请从列表中选择镇街。" in page.content.decode()


def test_the_page_passes_its_town_pick_to_the_map(as_user, district):
    duruan = district["duruan"]
    picked = as_user("admin").get(reverse("emergency:preparedness"), {"town": duruan.pk})
    assert picked.context["map_source"] == f"{reverse('emergency:map_data')}?town={duruan.pk}"
    assert f'data-source="{reverse("emergency:map_data")}?town={duruan.pk}"' in picked.content.decode()
    whole = as_user("admin").get(reverse("emergency:preparedness"))
    assert whole.context["map_source"] == reverse("emergency:map_data")


def test_the_service_worker_keeps_the_preparedness_page_and_its_points_for_use_without_signal(client):
    import json
    import re

    worker = client.get("/sw.js").content.decode()
    assert "emergency/layers.js" in worker
    pages = re.compile(json.loads(re.search(r"const FIELD_PAGES = new RegExp\((.*)\);", worker)[1]))
    data = re.compile(json.loads(re.search(r"const FIELD_DATA = new RegExp\((.*)\);", worker)[1]))
    assert pages.match("/emergency/") and pages.match("/inspections/tasks/3/") and pages.match("/")
    assert not pages.match("/emergency/warehouses/1/") and not pages.match("/accounts/login/")
    assert data.match("/emergency/map-data/") and data.match("/risk/map/data.json")
    assert not data.match("/emergency/") and not data.match("/api/v1/hazards/")
