"""The district's own offline base map (issue 20, point 9): imported by the district or system administrator
from the surveying office's GeoJSON, checked whole (a bad file changes nothing and says what is wrong),
served to every signed-in user under a URL that names its hash, kept by the service worker, and drawn by
every map instead of the shipped schematic."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from core.errors import InvalidInput
from registry import services
from registry.models import BaseMap

pytestmark = pytest.mark.django_db


def _geojson(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}, ensure_ascii=False).encode()


def _line(kind="river", name="西江", coords=((113.03, 22.60), (113.10, 22.62))):
    return {
        "type": "Feature",
        "properties": {"kind": kind, "name": name},
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
    }


GOOD = _geojson(_line(), _line("motorway", "江门大道", ((113.05, 22.58), (113.08, 22.66))))


def test_an_imported_base_map_is_what_every_map_draws_and_is_served_to_signed_in_users(persona, as_user):
    from risk.mapdata import base_config

    assert base_config()["baseUrl"].endswith("risk/pengjiang-base.geojson")
    base_map = services.import_base_map(actor=persona("admin"), raw=GOOD, source_name="蓬江底图.geojson")
    assert base_map.features == 2
    url = base_config()["baseUrl"]
    assert url == f"/registry/base-map.geojson?v={base_map.sha256[:16]}"
    served = as_user("inspector_duruan").get(url)
    assert served.status_code == 200 and served["Content-Type"] == "application/geo+json"
    assert json.loads(b"".join(served.streaming_content))["features"][0]["properties"]["name"] == "西江"


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"not json", "GeoJSON"),
        (_geojson(_line(kind="canal")), "kind"),
        (_geojson(_line(coords=((22.60, 113.03), (22.62, 113.10)))), "WGS 84"),
        (_geojson({"type": "Feature", "properties": {"kind": "river"}, "geometry": None}), "几何"),
        (_geojson(_line(coords=(("a", "b"), (1, 2)))), "数值"),
    ],
)
def test_a_bad_file_is_refused_in_words_and_changes_nothing(persona, raw, words):
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as refused:
        services.import_base_map(actor=persona("admin"), raw=raw)
    assert words in " ".join(refused.value.errors["file"])
    assert not BaseMap.objects.exists()


def test_only_the_district_and_system_administrators_import_and_the_page_keeps_the_file_error(as_user):
    for username in ("duruan", "yjj", "inspector_duruan", "leader"):
        assert as_user(username).get("/registry/admin/jurisdictions/base-map/").status_code == 403
    page = as_user("admin").get("/registry/admin/jurisdictions/base-map/")
    assert page.status_code == 200 and "系统自带的近似示意底图" in page.content.decode()
    bad = SimpleUploadedFile(
        "底图.geojson", _geojson(_line(kind="canal")), content_type="application/geo+json"
    )
    refused = as_user("admin").post("/registry/admin/jurisdictions/base-map/", {"file": bad})
    assert refused.status_code == 400 and "kind" in refused.content.decode()
    good = SimpleUploadedFile("底图.geojson", GOOD, content_type="application/geo+json")
    done = as_user("admin").post("/registry/admin/jurisdictions/base-map/", {"file": good})
    assert done.status_code == 302 and BaseMap.current().source_name == "底图.geojson"


def test_without_an_import_the_base_map_url_is_404_and_the_service_worker_keeps_it(as_user, client, tmp_path):
    assert as_user("admin").get("/registry/base-map.geojson").status_code == 404
    assert client.get("/registry/base-map.geojson").status_code == 302  # signed out: to the login page
    worker = client.get("/sw.js").content.decode()
    assert "base-map" in worker


def test_the_command_imports_with_the_same_checks(persona, tmp_path):
    path = tmp_path / "base.geojson"
    path.write_bytes(GOOD)
    call_command("import_base_map", str(path), actor="admin")
    assert BaseMap.current().features == 2
