"""The accidents API exactly as API.md fixes it, plus cases, sessions and statistics."""

import datetime as dt

import pytest
from django.utils import timezone

from accidents.choices import Level

pytestmark = pytest.mark.django_db
URL = "/api/v1/accidents/"


def payload(district, enterprise=None, **extra):
    return {
        "occurred_at": (timezone.now() - dt.timedelta(minutes=15)).isoformat(),
        "town": district["duruan"].pk,
        "enterprise": enterprise.pk if enterprise else None,
        "sector": "industry_trade",
        "accident_type": "03",
        "deaths": 0,
        "missing": 0,
        "serious_injuries": 1,
        "minor_injuries": 2,
        "direct_loss": "150000",
        **extra,
    }


def test_post_answers_the_computed_level_and_the_deadlines(api_as, district, enterprise_in):
    response = api_as("duruan").post(
        URL, payload(district, enterprise_in("duruan", "industry_trade"), deaths=3), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    for field in (
        "id",
        "occurred_at",
        "town",
        "enterprise",
        "sector",
        "accident_type",
        "deaths",
        "missing",
        "serious_injuries",
        "minor_injuries",
        "direct_loss",
        "level",
        "report_deadlines",
    ):
        assert field in data
    assert data["level"] == Level.LARGER
    assert data["level_display"] and data["accident_type_display"] and data["state_display"]
    assert data["standard"] == "gb6441_1986"
    assert [d["step"] for d in data["report_deadlines"]] == [
        "unit_to_district",
        "district_to_city",
        "city_to_province",
    ]
    for deadline in data["report_deadlines"]:
        assert set(deadline) == {"step", "due_at", "done_at", "overdue"}
        assert dt.datetime.fromisoformat(deadline["due_at"]).utcoffset() is not None
    assert data["report_deadlines"][0]["done_at"] is not None


def test_a_level_typed_by_hand_is_ignored(api_as, district):
    response = api_as("duruan").post(URL, payload(district, level="especially_major"), format="json")
    assert response.status_code == 201
    assert response.json()["level"] == Level.GENERAL


def test_patch_of_casualty_numbers_recomputes_the_level(api_as, district):
    client = api_as("duruan")
    accident = client.post(URL, payload(district), format="json").json()
    response = client.patch(f"{URL}{accident['id']}/", {"serious_injuries": 10}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["level"] == Level.LARGER
    assert client.get(f"{URL}{accident['id']}/").json()["level"] == Level.LARGER
    response = client.patch(
        f"{URL}{accident['id']}/", {"serious_injuries": 1, "address": "二号车间"}, format="json"
    )
    assert response.json()["level"] == Level.GENERAL and response.json()["address"] == "二号车间"


def test_bad_input_answers_400_with_field_messages_and_writes_nothing(api_as, district):
    from accidents.models import Accident

    before = Accident.objects.count()
    response = api_as("duruan").post(URL, payload(district, deaths=-1, accident_type="99"), format="json")
    assert response.status_code == 400
    assert "deaths" in response.json() and "accident_type" in response.json()
    future = (timezone.now() + dt.timedelta(days=1)).isoformat()
    response = api_as("duruan").post(URL, payload(district, occurred_at=future), format="json")
    assert response.status_code == 400 and "occurred_at" in response.json()
    assert Accident.objects.count() == before


def test_a_town_officer_records_only_in_its_own_town(api_as, district):
    data = payload(district, town=district["baisha"].pk)
    response = api_as("duruan").post(URL, data, format="json")
    assert response.status_code == 400 and "town" in response.json()


def test_the_leader_reads_but_may_not_record(api_as, district):
    assert api_as("leader").get(URL).status_code == 200
    assert api_as("leader").post(URL, payload(district), format="json").status_code == 403


def test_an_enterprise_user_reports_its_own_enterprise_only(api_as, district, persona, enterprise_in):
    own = persona("ent_duruan").enterprise
    response = api_as("ent_duruan").post(URL, payload(district, own), format="json")
    assert response.status_code == 201, response.content
    response = api_as("ent_duruan").post(URL, payload(district, None), format="json")
    assert response.status_code == 400 and "enterprise" in response.json()
    without = payload(district)
    del without["enterprise"]
    response = api_as("ent_duruan").post(URL, without, format="json")
    assert response.status_code == 201 and response.json()["enterprise"] == own.pk


def test_stale_version_answers_409(api_as, district):
    client = api_as("duruan")
    accident = client.post(URL, payload(district), format="json").json()
    response = client.patch(
        f"{URL}{accident['id']}/", {"address": "x", "version": accident["version"] + 5}, format="json"
    )
    assert response.status_code == 409


def test_marking_a_report_step_via_the_api(api_as, district):
    accident = api_as("duruan").post(URL, payload(district), format="json").json()
    url = f"{URL}{accident['id']}/report-steps/"
    assert api_as("duruan").post(url, {"step": "district_to_city"}, format="json").status_code == 403
    response = api_as("duty").post(url, {"step": "district_to_city"}, format="json")
    assert response.status_code == 200
    city = [d for d in response.json()["report_deadlines"] if d["step"] == "district_to_city"][0]
    assert city["done_at"] is not None and city["overdue"] is False
    assert api_as("duty").post(url, {"step": "district_to_city"}, format="json").status_code == 409


def test_follow_up_and_final_reports(api_as, district):
    client = api_as("duruan")
    accident = client.post(URL, payload(district), format="json").json()
    url = f"{URL}{accident['id']}/reports/"
    assert client.post(url, {"kind": "follow_up", "text": "伤者稳定"}, format="json").status_code == 201
    assert client.post(url, {"kind": "final", "text": "处置结束"}, format="json").status_code == 201
    assert client.post(url, {"kind": "follow_up", "text": "再报"}, format="json").status_code == 409
    kinds = [r["kind"] for r in client.get(url).json()]
    assert kinds == ["initial", "follow_up", "final"]


def test_list_query_count_does_not_grow_with_page_size(api_as, record, django_assert_max_num_queries):
    for _ in range(6):
        record()
    client = api_as("admin")
    with django_assert_max_num_queries(8):
        small = client.get(URL, {"page_size": 2})
    with django_assert_max_num_queries(8):
        large = client.get(URL, {"page_size": 50})
    assert len(small.json()["results"]) == 2 and len(large.json()["results"]) > 2


def test_statistics_by_each_grouping(api_as, record):
    record(deaths=1)
    for group in ("month", "type", "sector", "town", "level"):
        response = api_as("duruan").get("/api/v1/stats/accidents/", {"group_by": group})
        assert response.status_code == 200
        rows = response.json()
        assert rows and set(rows[0]) == {
            "key",
            "name",
            "accidents",
            "deaths",
            "serious_injuries",
            "direct_loss",
        }
    assert api_as("duruan").get("/api/v1/stats/accidents/", {"group_by": "x"}).status_code == 400


def test_statistics_are_scoped(api_as, record, district):
    record()
    rows = api_as("baisha").get("/api/v1/stats/accidents/", {"group_by": "town"}).json()
    assert district["duruan"].pk not in [r["key"] for r in rows]


def test_external_case_and_session_via_the_api(api_as, district):
    case = api_as("yjj").post(
        "/api/v1/cases/",
        {
            "title": "外地案例",
            "summary": "某地发生触电事故",
            "lessons": "落实停电挂牌制度",
            "deaths": 1,
            "accident_type": "05",
            "tags": ["触电"],
        },
        format="json",
    )
    assert case.status_code == 201, case.content
    assert case.json()["level"] == "general" and case.json()["origin"] == "external"
    url, version = f"/api/v1/cases/{case.json()['id']}/", case.json()["version"]
    edited = api_as("yjj").patch(url, {"deaths": 3, "version": version}, format="json")
    assert edited.status_code == 200 and edited.json()["level"] == "larger"  # the level follows the facts
    assert edited.json()["version"] == version + 1
    stale = api_as("admin").patch(url, {"lessons": "旧版本上的修改", "version": version}, format="json")
    assert stale.status_code == 409  # a second editor working from the old version overwrites nothing
    assert "旧版本" not in api_as("yjj").get(url).json()["lessons"]
    assert (
        api_as("duruan").post("/api/v1/cases/", {"title": "x", "summary": "y"}, format="json").status_code
        == 403
    )
    session = api_as("duruan").post(
        "/api/v1/education-sessions/",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "镇警示教育",
            "cases": [case.json()["id"]],
            "attendee_count": 30,
        },
        format="json",
    )
    assert session.status_code == 201, session.content
    assert session.json()["town"] == district["duruan"].pk
    assert api_as("baisha").get(f"/api/v1/education-sessions/{session.json()['id']}/").status_code == 404
    assert api_as("duruan").get(f"/api/v1/education-sessions/{session.json()['id']}/").status_code == 200
    missing = api_as("duruan").post(
        "/api/v1/education-sessions/",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "无人",
            "cases": [case.json()["id"]],
        },
        format="json",
    )
    assert missing.status_code == 400 and "attendee_count" in missing.json()


@pytest.mark.parametrize("url", ["/api/v1/cases/", "/api/v1/education-sessions/"])
def test_case_and_session_lists_do_not_grow_queries_with_page_size(
    api_as, url, django_assert_max_num_queries
):
    client = api_as("admin")
    with django_assert_max_num_queries(10) as small:
        client.get(url, {"page_size": 1})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url, {"page_size": 100})
    assert response.json()["count"] >= 2


def test_an_unknown_and_an_out_of_scope_enterprise_get_the_same_answer(api_as, district, enterprise_in):
    other = enterprise_in("baisha")
    out_of_scope = api_as("duruan").post(URL, {**payload(district), "enterprise": other.pk}, format="json")
    unknown = api_as("duruan").post(URL, {**payload(district), "enterprise": 99999999}, format="json")
    assert out_of_scope.status_code == unknown.status_code == 400
    assert out_of_scope.json() == unknown.json()


def test_the_investigation_is_read_through_the_accident_and_its_scope(api_as, record, persona):
    from accidents import services

    accident = record()
    url = f"/api/v1/accidents/{accident.pk}/investigation/"
    assert api_as("duruan").get(url).status_code == 404
    investigation = services.open_investigation(
        accident, actor=persona("admin"), version=accident.version, data={"lead_unit": "区政府"}
    )
    services.add_finding(
        investigation,
        actor=persona("admin"),
        version=investigation.version,
        data={"party": "车间主任", "responsibility": "direct", "measure": "penalty"},
    )
    data = api_as("duruan").get(url).json()
    assert data["lead_unit"] == "区政府" and data["findings"][0]["measure"] == "penalty"
    assert data["findings"][0]["measure_display"] and data["report_attachments"] == []
    assert api_as("baisha").get(url).status_code == 404


def test_a_session_links_its_uploaded_materials(api_as, persona, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accidents.models import Case
    from attachments.services import store_attachment
    from core.pdf import PdfDocument

    upload = SimpleUploadedFile(
        "材料.pdf", PdfDocument("警示教育材料").render(), content_type="application/pdf"
    )
    attachment = store_attachment(actor=persona("duruan"), upload=upload)
    response = api_as("duruan").post(
        "/api/v1/education-sessions/",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "带材料的学习",
            "cases": [Case.objects.first().pk],
            "attendee_count": 12,
            "attachments": [attachment.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["materials_attachments"] == [attachment.pk]
    listed = api_as("duruan").get("/api/v1/education-sessions/").json()["results"]
    assert [s["materials_attachments"] for s in listed if s["id"] == response.json()["id"]] == [
        [attachment.pk]
    ]
    other = api_as("baisha").post(
        "/api/v1/education-sessions/",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "盗用材料",
            "cases": [Case.objects.first().pk],
            "attendee_count": 3,
            "attachments": [attachment.pk],
        },
        format="json",
    )
    assert other.status_code == 400 and "attachments" in other.json()
