"""The map's data is bounded (issue 17): bounds and zoom in, towns or grid cells when zoomed out, points
only zoomed in, never more than the caps, and the legend still counts the whole scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Enterprise
from risk import mapdata

URL = "/risk/map/data.json"
DISTRICT_BOX = "22.3,112.8,22.9,113.4"


@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setattr(mapdata, "POINT_CAP", 20)
    monkeypatch.setattr(mapdata, "CELL_CAP", 6)


def on_map(user="admin"):
    return Enterprise.objects.filter(lat__isnull=False, lng__isnull=False)


def test_zoomed_out_the_map_gets_one_cluster_per_town_that_adds_up(as_user, small_caps):
    data = as_user("admin").get(URL, {"bbox": DISTRICT_BOX, "zoom": 10}).json()
    assert data["mode"] == "clusters" and data["enterprises"] == []
    assert sum(c["count"] for c in data["clusters"]) == data["total"] == on_map().count()
    assert {c["key"].split("-")[0] for c in data["clusters"]} == {"town"}
    assert len(data["clusters"]) <= 8
    # A cluster takes its highest level's colour: the red enterprises are never hidden.
    assert "red" in {c["level"] for c in data["clusters"]}


def test_zoomed_in_past_the_cap_the_map_gets_cells_never_more_than_the_cap(as_user, small_caps):
    data = as_user("admin").get(URL, {"bbox": DISTRICT_BOX, "zoom": 15}).json()
    assert data["total"] > mapdata.POINT_CAP
    assert data["mode"] == "clusters" and 0 < len(data["clusters"]) <= mapdata.CELL_CAP
    assert sum(c["count"] for c in data["clusters"]) == data["total"]


def test_zoomed_in_on_a_few_enterprises_the_map_gets_points_inside_the_bounds(as_user, small_caps):
    one = on_map().order_by("id").first()
    lat, lng = float(one.lat), float(one.lng)
    box = f"{lat - 0.002},{lng - 0.002},{lat + 0.002},{lng + 0.002}"
    data = as_user("admin").get(URL, {"bbox": box, "zoom": 16}).json()
    assert data["mode"] == "points" and not data["complete"]
    assert one.pk in {e["id"] for e in data["enterprises"]}
    assert len(data["enterprises"]) <= mapdata.POINT_CAP
    assert all(abs(e["lat"] - lat) <= 0.002 and abs(e["lng"] - lng) <= 0.002 for e in data["enterprises"])
    # The legend counts the whole filtered scope, not only the screen.
    assert sum(c["count"] for c in data["counts"]) + data["unassessed"] == on_map().count()


def test_clusters_are_scoped(as_user, district, small_caps):
    data = as_user("duruan").get(URL, {"bbox": DISTRICT_BOX, "zoom": 10}).json()
    assert [c["label"] for c in data["clusters"]] == [district["duruan"].name]
    assert data["total"] == on_map().filter(town=district["duruan"]).count()


def test_the_answer_costs_the_same_queries_however_many_enterprises(as_user, small_caps):
    client = as_user("admin")
    client.get(URL, {"bbox": DISTRICT_BOX, "zoom": 13})  # session and caches warm
    with CaptureQueriesContext(connection) as before:
        first = client.get(URL, {"bbox": DISTRICT_BOX, "zoom": 13}).json()
    model = on_map().order_by("id").first()
    sectors = list(model.sectors.all())
    clones = []
    for index in range(200):
        clone = Enterprise.objects.get(pk=model.pk)
        clone.pk = clone.id = None
        clone.credit_code = f"91440703MAX{index:05d}X"[:18]
        clones.append(clone)
    for clone in Enterprise.objects.bulk_create(clones):
        clone.sectors.set(sectors)
    with CaptureQueriesContext(connection) as after:
        second = client.get(URL, {"bbox": DISTRICT_BOX, "zoom": 13}).json()
    assert second["total"] == first["total"] + 200
    assert len(after) == len(before)


@pytest.mark.parametrize("bbox", ["", "x", "1,2,3", "50,10,40,20", "10,200,20,210"])
def test_a_bad_box_is_the_whole_scope(bbox, as_user):
    data = as_user("duruan").get(URL, {"bbox": bbox}).json()
    assert data["mode"] == "points" and data["complete"] and data["enterprises"]
