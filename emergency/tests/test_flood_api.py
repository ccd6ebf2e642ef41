"""The three preventions' registers through the API: a town edits its own points and shelters on the version
it read, through the same services as the pages (R-EMG-7)."""

from django.utils import translation

from audit.models import AuditEvent
from emergency.models import Shelter, WaterloggingPoint


def _point(district, town="duruan"):
    return WaterloggingPoint.objects.filter(town=district[town]).order_by("pk").first()


def _shelter(district, town="duruan"):
    return Shelter.objects.filter(town=district[town]).order_by("pk").first()


def _row(obj):
    return type(obj).objects.values().get(pk=obj.pk)


def test_a_town_officer_edits_its_own_point_on_the_version_read(api_as, district):
    point = _point(district)
    response = api_as("duruan").patch(
        f"/api/v1/waterlogging-points/{point.pk}/",
        {"version": point.version, "max_depth_cm": 55, "pumps": "潜水泵3台"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == point.version + 1
    assert (body["max_depth_cm"], body["pumps"], body["name"]) == (55, "潜水泵3台", point.name)
    point.refresh_from_db()
    assert (point.max_depth_cm, point.pumps) == (55, "潜水泵3台")
    event = AuditEvent.objects.for_object(point).get(action="emergency.waterloggingpoint.changed")
    assert event.data["changes"]["max_depth_cm"] == [40, 55]


def test_the_detail_shows_the_version_to_send(api_as, district):
    point, shelter = _point(district), _shelter(district)
    client = api_as("duruan")
    assert client.get(f"/api/v1/waterlogging-points/{point.pk}/").json()["version"] == point.version
    assert client.get(f"/api/v1/shelters/{shelter.pk}/").json()["version"] == shelter.version


def test_another_towns_point_and_shelter_are_not_found_and_stay_unchanged(api_as, district):
    point, shelter = _point(district, "baisha"), _shelter(district, "baisha")
    before = _row(point), _row(shelter)
    client = api_as("duruan")
    assert client.get(f"/api/v1/waterlogging-points/{point.pk}/").status_code == 404
    response = client.patch(
        f"/api/v1/waterlogging-points/{point.pk}/", {"version": point.version, "pumps": "无"}, format="json"
    )
    assert response.status_code == 404
    response = client.patch(
        f"/api/v1/shelters/{shelter.pk}/", {"version": shelter.version, "capacity": 1}, format="json"
    )
    assert response.status_code == 404
    assert (_row(point), _row(shelter)) == before


def test_a_stale_version_is_409_and_changes_nothing(api_as, district):
    shelter = _shelter(district)
    before = _row(shelter)
    response = api_as("duruan").patch(
        f"/api/v1/shelters/{shelter.pk}/", {"version": shelter.version - 1, "capacity": 500}, format="json"
    )
    assert response.status_code == 409 and "detail" in response.json()
    assert _row(shelter) == before


def test_a_bad_phone_is_400_in_the_callers_language_and_changes_nothing(api_as, district):
    point = _point(district)
    before = _row(point)
    client = api_as("duruan")
    url = f"/api/v1/waterlogging-points/{point.pk}/"
    body = {"version": point.version, "phone": "12345", "pumps": "潜水泵9台"}
    english = client.patch(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.patch(url, body, format="json")
    assert english.status_code == chinese.status_code == 400
    assert set(english.json()) == {"phone"} and english.json() != chinese.json()
    with translation.override("zh-hans"):
        from registry.validators import phone_error

        assert chinese.json()["phone"] == [str(phone_error("12345"))]
    assert _row(point) == before


def test_a_shelter_keeps_room_for_the_persons_assigned_to_it(api_as, district):
    shelter = _shelter(district)
    response = api_as("duruan").patch(
        f"/api/v1/shelters/{shelter.pk}/", {"version": shelter.version, "capacity": 1}, format="json"
    )
    assert response.status_code == 400 and set(response.json()) == {"capacity"}
    assert _row(shelter)["capacity"] == shelter.capacity


def test_the_enterprise_keeps_no_town_register(api_as, district):
    point, shelter = _point(district), _shelter(district)
    before = _row(point), _row(shelter)
    client = api_as("ent_duruan")
    for url, version in (
        (f"/api/v1/waterlogging-points/{point.pk}/", point.version),
        (f"/api/v1/shelters/{shelter.pk}/", shelter.version),
    ):
        assert client.get(url).status_code == 404
        assert client.patch(url, {"version": version, "name": "改"}, format="json").status_code == 404
    assert (_row(point), _row(shelter)) == before


def test_read_only_roles_see_a_point_but_may_not_change_it(api_as, district):
    from core.masking import mask_phone

    point = _point(district)
    client = api_as("leader")
    shown = client.get(f"/api/v1/waterlogging-points/{point.pk}/")
    assert shown.status_code == 200 and shown.json()["phone"] == mask_phone(point.phone)  # R-REG-2
    assert api_as("duruan").get(f"/api/v1/waterlogging-points/{point.pk}/").json()["phone"] == point.phone
    response = client.patch(
        f"/api/v1/waterlogging-points/{point.pk}/", {"version": point.version, "pumps": "无"}, format="json"
    )
    assert response.status_code == 403
