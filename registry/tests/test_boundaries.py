"""Town boundaries from GeoJSON (issue 20): imported all or nothing by a district administrator, audited;
a bad file names what is wrong and changes nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from core.errors import InvalidInput, NotAllowed
from registry import services
from registry.boundaries import DEMO_BOUNDARIES, demo_boundaries
from registry.models import Jurisdiction

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _second_factor_done(settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True


def _collection(*features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _square(code: str, lat: float = 22.61, lng: float = 112.98, size: float = 0.01) -> dict:
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {
        "type": "Feature",
        "properties": {"code": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_the_shipped_outlines_cover_every_demo_town_and_say_they_are_approximate(district):
    header = json.loads(DEMO_BOUNDARIES.read_text())
    assert header["metadata"]["approximate"] is True and "approximate" in header["name"]
    shapes = demo_boundaries()
    assert set(shapes) == set(Jurisdiction.objects.towns().values_list("code", flat=True))
    assert all(len(ring) >= 3 for ring in shapes.values())


def test_an_administrator_imports_a_town_boundary_audited(district, persona):
    duruan = district["duruan"]
    changed = services.import_town_boundaries(
        actor=persona("admin"), raw=_collection(_square(duruan.code)), source_name="towns.geojson"
    )
    duruan.refresh_from_db()
    assert changed == [duruan]
    assert duruan.boundary == [[22.61, 112.98], [22.61, 112.99], [22.62, 112.99], [22.62, 112.98]]
    event = AuditEvent.objects.get(action="registry.jurisdiction.boundaries_imported")
    assert event.actor == persona("admin") and event.data["changed"] == [duruan.code]


def test_a_multipolygon_keeps_its_largest_part(district, persona):
    duruan = district["duruan"]
    small, large = _square(duruan.code, size=0.001), _square(duruan.code, lat=22.7, size=0.02)
    feature = {
        "type": "Feature",
        "properties": {"code": duruan.code},
        "geometry": {
            "type": "MultiPolygon",
            "coordinates": [small["geometry"]["coordinates"], large["geometry"]["coordinates"]],
        },
    }
    services.import_town_boundaries(actor=persona("admin"), raw=_collection(feature))
    duruan.refresh_from_db()
    assert duruan.boundary[0] == [22.7, 112.98]


def _with_a_good_feature(*bad) -> bytes:
    # A good feature first: the bad one after it must still leave the good one unwritten.
    return _collection(_square("440703001"), *bad)


@pytest.mark.parametrize(
    "raw, words",
    [
        (b"not json", "GeoJSON"),
        (json.dumps({"type": "Feature"}).encode(), "FeatureCollection"),
        (_collection(), "no features"),
        (_with_a_good_feature(_square("999999999")), "999999999"),
        (_with_a_good_feature({"type": "Feature", "properties": {}, "geometry": None}), "no code"),
        (
            _with_a_good_feature(
                {**_square("440703100"), "geometry": {"type": "Point", "coordinates": [1, 2]}}
            ),
            "Polygon",
        ),
        (_with_a_good_feature(_square("440703100", lat=95)), "Polygon"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_error_and_changes_nothing(district, persona, raw, words):
    before = {t.code: t.boundary for t in Jurisdiction.objects.towns()}
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        services.import_town_boundaries(actor=persona("admin"), raw=raw)
    assert words in " ".join(refused.value.errors["file"])
    assert {t.code: t.boundary for t in Jurisdiction.objects.towns()} == before
    assert not AuditEvent.objects.filter(action="registry.jurisdiction.boundaries_imported").exists()


@pytest.mark.parametrize("username", ["leader", "duruan", "yjj", "ent_duruan", "duty"])
def test_only_the_administrators_import_boundaries(district, persona, username):
    with pytest.raises(NotAllowed):
        services.import_town_boundaries(actor=persona(username), raw=_collection(_square("440703100")))


def test_the_command_refuses_a_bad_file_and_imports_a_good_one(district, persona, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(_collection(_square("440703100"), _square("440703100")))
    with translation.override("en"), pytest.raises(CommandError, match="appears twice"):
        call_command("import_boundaries", str(bad), actor="admin")
    assert district["duruan"].boundary == Jurisdiction.objects.get(pk=district["duruan"].pk).boundary
    good = tmp_path / "good.geojson"
    good.write_bytes(_collection(_square("440703100")))
    call_command("import_boundaries", str(good), actor="admin")
    assert Jurisdiction.objects.get(code="440703100").boundary[0] == [22.61, 112.98]


def test_the_import_page_shows_the_error_on_the_file_field(district, as_user):
    client = as_user("admin")
    url = reverse("registry:admin_boundary_import")
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("towns.geojson", _collection(_square("123")), content_type="application/json")
    response = client.post(url, {"file": upload})
    assert response.status_code == 400
    assert "123" in response.content.decode()
    upload = SimpleUploadedFile("towns.geojson", _collection(_square("440703100")))
    assert client.post(url, {"file": upload}).status_code == 302
    assert as_user("duruan").get(url).status_code == 403
