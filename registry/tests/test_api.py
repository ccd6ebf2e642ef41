"""The registry endpoints of API.md: shapes, filters, pagination, invalid input, language, mass assignment."""

import pytest
from django.utils import timezone, translation

from core.choices import RiskColour
from registry.choices import SECTORS
from registry.models import Department, Enterprise, Jurisdiction
from registry.tests.conftest import fresh_credit_code

API_MD_FIELDS = {
    "id",
    "name",
    "credit_code",
    "town",
    "address",
    "sectors",
    "status",
    "employees",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
    "lat",
    "lng",
    "risk_level",
}


def payload(district, **overrides) -> dict:
    data = {
        "name": "江门市接口约定测试有限公司",
        "credit_code": fresh_credit_code(),
        "town": district["duruan"].pk,
        "sectors": ["industry_trade"],
        "employees": 12,
    }
    data.update(overrides)
    return data


# --- Reference data ---------------------------------------------------------------------------------


def test_towns_are_the_eight_towns_and_streets_with_id_name_code(api_as):
    body = api_as("duruan").get("/api/v1/towns/").json()
    assert body["count"] == 8
    assert all(set(t) == {"id", "name", "code"} for t in body["results"])
    by_code = {t["code"]: t for t in body["results"]}
    duruan = Jurisdiction.objects.get(code="440703100")
    assert by_code["440703100"] == {"id": duruan.pk, "name": "杜阮镇", "code": "440703100"}


def test_town_names_follow_the_language(api_as):
    body = api_as("duruan").get("/api/v1/towns/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "Duruan Town" in {t["name"] for t in body["results"]}


def test_sectors_are_the_domain_codes_with_code_and_name(api_as):
    body = api_as("ent_duruan").get("/api/v1/sectors/").json()
    assert [set(s) for s in body["results"]] == [{"code", "name"}] * len(SECTORS)
    assert {s["code"]: s["name"] for s in body["results"]} == {c: zh for c, zh, _en, _d in SECTORS}


def test_departments_carry_their_sector_codes(api_as):
    body = api_as("jtj").get("/api/v1/departments/").json()
    # API.md fixes id, name and sectors; the department's own code is carried as well.
    assert all(set(d) == {"id", "name", "code", "sectors"} for d in body["results"])
    transport = next(d for d in body["results"] if d["code"] == "transport")
    assert transport["id"] == Department.objects.get(code="transport").pk
    assert sorted(transport["sectors"]) == ["road_traffic", "water_transport"]


def test_reference_lists_need_authentication(client):
    for url in ("/api/v1/towns/", "/api/v1/sectors/", "/api/v1/departments/", "/api/v1/enterprises/"):
        response = client.get(url)
        assert response.status_code == 401
        assert "detail" in response.json()


# --- Enterprise fields and filters ------------------------------------------------------------------


def test_an_enterprise_carries_at_least_the_fields_of_api_md(api_as, persona):
    enterprise = persona("ent_duruan").enterprise
    body = api_as("duruan").get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert set(body) >= API_MD_FIELDS
    assert body["id"] == enterprise.pk
    assert body["town"] == enterprise.town_id
    assert body["sectors"] == enterprise.sector_codes()
    assert body["status_display"] and body["status"] == enterprise.status
    assert "risk_level_display" in body
    assert isinstance(body["lat"], float) and isinstance(body["lng"], float)
    created = timezone.datetime.fromisoformat(body["created_at"])
    assert created.utcoffset() == timezone.timedelta(hours=8)  # Asia/Shanghai with offset


def test_phone_numbers_are_masked_for_a_leader_and_full_for_the_town(api_as, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"], principal_phone="13812345678")
    town = api_as("duruan").get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    leader = api_as("leader").get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert town["principal_phone"] == "13812345678"
    assert leader["principal_phone"] == "138****5678"


def test_filters_town_sector_status_risk_level_and_q(api_as, district, make_enterprise):
    target = make_enterprise(
        "tangxia",
        ["hazardous_chemicals"],
        "棠下过滤测试化工有限公司",
        status="suspended",
        risk_level=RiskColour.ORANGE,
        address="江门市蓬江区棠下镇过滤路8号",
    )
    api = api_as("admin")

    def ids(**params):
        body = api.get("/api/v1/enterprises/", {"page_size": 200, **params}).json()
        assert body["count"] == len(body["results"])
        return {r["id"] for r in body["results"]}

    tangxia = ids(town=district["tangxia"].pk)
    assert target.pk in tangxia
    assert tangxia == set(Enterprise.objects.filter(town=district["tangxia"]).values_list("pk", flat=True))
    chemicals = ids(sector="hazardous_chemicals")
    assert chemicals == set(
        Enterprise.objects.filter(sectors="hazardous_chemicals").values_list("pk", flat=True)
    )
    suspended = ids(status="suspended")
    assert suspended == set(Enterprise.objects.filter(status="suspended").values_list("pk", flat=True))
    assert ids(risk_level="orange") == set(
        Enterprise.objects.filter(risk_level="orange").values_list("pk", flat=True)
    )
    assert ids(q="过滤测试") == {target.pk}
    assert ids(q="过滤路8号") == {target.pk}  # the address is searched too
    assert ids(q=target.credit_code.lower()) == {target.pk}
    assert ids(town=district["tangxia"].pk, sector="hazardous_chemicals", status="suspended", q="过滤") == {
        target.pk
    }
    assert ids(town=district["duruan"].pk, q="过滤测试") == set()


@pytest.mark.parametrize(
    "params",
    [
        {"town": "abc"},
        {"town": "99999999"},
        {"town": "99999999999999999999999"},
        {"town": "-1"},
        {"sector": "no_such_sector"},
        {"status": "bogus"},
        {"risk_level": "purple"},
    ],
)
def test_an_invalid_filter_is_a_400_with_the_field_named(params, api_as):
    response = api_as("admin").get("/api/v1/enterprises/", params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)
    export = api_as("admin").get("/api/v1/enterprises/export/", params)
    assert export.status_code == 400
    assert set(export.json()) == set(params)


# --- Pagination -------------------------------------------------------------------------------------


@pytest.fixture
def many_enterprises(district):
    """Enough enterprises for the 200-row cap to bite (the small demo district holds fewer)."""
    existing = Enterprise.objects.count()
    Enterprise.objects.bulk_create(
        [
            Enterprise(name=f"分页测试企业{i:03d}", credit_code=fresh_credit_code(), town=district["hetang"])
            for i in range(max(0, 230 - existing))
        ]
    )
    return Enterprise.objects.count()


def test_pagination_shape_and_links(api_as, many_enterprises):
    api = api_as("admin")
    first = api.get("/api/v1/enterprises/", {"page_size": 50}).json()
    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == many_enterprises
    assert first["previous"] is None
    assert "page=2" in first["next"] and "page_size=50" in first["next"]
    second = api.get(first["next"]).json()
    assert second["previous"] is not None
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


def test_the_default_page_holds_20(api_as, many_enterprises):
    assert len(api_as("admin").get("/api/v1/enterprises/").json()["results"]) == 20


@pytest.mark.parametrize("size", ["201", "500", "100000000000000000000"])
def test_page_size_is_capped_at_200(size, api_as, many_enterprises):
    body = api_as("admin").get("/api/v1/enterprises/", {"page_size": size}).json()
    assert len(body["results"]) == 200
    assert body["count"] == many_enterprises


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "1.5"},
        {"page_size": "abc"},
        {"page_size": "0"},
        {"page_size": "-3"},
        {"page_size": "1e3"},
    ],
)
def test_a_bad_page_or_page_size_is_a_400(params, api_as):
    for url in ("/api/v1/enterprises/", "/api/v1/towns/", "/api/v1/sectors/", "/api/v1/notifications/"):
        response = api_as("admin").get(url, params)
        assert response.status_code == 400, url
        assert set(response.json()) == set(params)


def test_a_page_past_the_end_is_not_found(api_as):
    response = api_as("admin").get("/api/v1/enterprises/", {"page": 9999})
    assert response.status_code == 404
    assert "detail" in response.json()


# --- Invalid input of any shape: 400 with field messages, never 500 ---------------------------------

HUGE = "企" * 100_000
BAD_BODIES = [
    ("name_as_list", {"name": ["江门市", "公司"]}, "name"),
    ("name_as_object", {"name": {"zh": "公司"}}, "name"),
    ("huge_name", {"name": HUGE}, "name"),
    ("huge_address", {"address": HUGE}, "address"),
    ("null_byte_in_name", {"name": "公司\x00"}, "name"),
    ("credit_code_as_number", {"credit_code": 913501001}, "credit_code"),
    ("credit_code_as_list", {"credit_code": ["91350100M000100Y43"]}, "credit_code"),
    ("town_unknown", {"town": 99999999}, "town"),
    ("town_too_big", {"town": 10**25}, "town"),
    ("town_negative", {"town": -5}, "town"),
    ("village_unknown", {"village": 10**25}, "village"),
    ("village_of_another_town", {"village": "OTHER_VILLAGE"}, "village"),
    ("town_as_text", {"town": "杜阮镇"}, "town"),
    ("town_as_list", {"town": [1, 2]}, "town"),
    ("town_a_village", {"town": "VILLAGE"}, "town"),
    ("sectors_as_scalar", {"sectors": "industry_trade"}, "sectors"),
    ("sectors_unknown", {"sectors": ["no_such_sector"]}, "sectors"),
    ("sectors_empty", {"sectors": []}, "sectors"),
    ("sectors_nested", {"sectors": [["industry_trade"]]}, "sectors"),
    ("employees_as_words", {"employees": "twelve"}, "employees"),
    ("employees_negative", {"employees": -1}, "employees"),
    ("employees_huge", {"employees": 10**30}, "employees"),
    ("employees_as_float", {"employees": 12.5}, "employees"),
    ("employees_as_list", {"employees": [12]}, "employees"),
    ("lat_as_words", {"lat": "north"}, "lat"),
    ("lat_out_of_range", {"lat": 123.4}, "lat"),
    ("lat_nan", {"lat": "NaN"}, "lat"),
    ("lng_infinite", {"lng": "Infinity"}, "lng"),
    ("phone_malformed", {"principal_phone": "12345"}, "principal_phone"),
    ("phone_as_number", {"principal_phone": {"n": 1}}, "principal_phone"),
    ("date_impossible", {"established_on": "2024-13-45"}, "established_on"),
    ("scale_unknown", {"scale": "gigantic"}, "scale"),
    ("sub_sector_unknown", {"sub_sector": "mining"}, "sub_sector"),
]


def resolve_placeholders(override: dict) -> dict:
    """Ids that exist only in the database: a village as a town, a village of another town (Baisha)."""
    if override.get("town") == "VILLAGE":
        return {"town": Jurisdiction.objects.filter(kind="village").first().pk}
    if override.get("village") == "OTHER_VILLAGE":
        return {"village": Jurisdiction.objects.filter(parent__code="440703001").first().pk}
    return override


@pytest.mark.parametrize(("case", "override", "field"), BAD_BODIES, ids=[c for c, _o, _f in BAD_BODIES])
def test_invalid_create_input_is_a_400_naming_the_field(case, override, field, district, api_as):
    override = resolve_placeholders(override)
    count = Enterprise.objects.count()
    response = api_as("admin").post("/api/v1/enterprises/", payload(district, **override), format="json")
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert field in body, body
    assert all(isinstance(m, str) and m for m in body[field])
    assert Enterprise.objects.count() == count


@pytest.mark.parametrize(("case", "override", "field"), BAD_BODIES, ids=[c for c, _o, _f in BAD_BODIES])
def test_invalid_update_input_is_a_400_and_changes_nothing(case, override, field, api_as, make_enterprise):
    override = resolve_placeholders(override)
    enterprise = make_enterprise("duruan", ["industry_trade"])
    before = Enterprise.objects.values().get(pk=enterprise.pk)
    response = api_as("admin").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {**override, "version": 1}, format="json"
    )
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
    assert Enterprise.objects.values().get(pk=enterprise.pk) == before


@pytest.mark.parametrize(
    "raw",
    [b"{", b"not json", b"[1, 2, 3]", b'"a string"', b"null", b"\xff\xfe\x00", b'{"name": "\\ud800"}'],
    ids=["truncated", "text", "array", "string", "null", "binary", "lone-surrogate"],
)
def test_malformed_json_is_a_400(raw, api_as):
    response = api_as("admin").post("/api/v1/enterprises/", raw, content_type="application/json")
    assert response.status_code == 400
    assert response.json()


def test_an_unsupported_media_type_is_refused_cleanly(api_as):
    response = api_as("admin").post("/api/v1/enterprises/", b"<xml/>", content_type="application/xml")
    assert response.status_code == 415


def test_a_missing_body_names_every_required_field(api_as):
    response = api_as("admin").post("/api/v1/enterprises/", {}, format="json")
    assert response.status_code == 400
    assert {"name", "credit_code", "town", "sectors"} <= set(response.json())


def test_patch_without_a_version_uses_the_current_one(api_as, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    response = api_as("duruan").patch(
        f"/api/v1/enterprises/{enterprise.pk}/", {"address": "新址"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["version"] == 2


def test_put_and_delete_are_not_offered(api_as, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    api = api_as("admin")
    assert api.put(f"/api/v1/enterprises/{enterprise.pk}/", {}, format="json").status_code == 405
    assert api.delete(f"/api/v1/enterprises/{enterprise.pk}/").status_code == 405
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


@pytest.mark.parametrize("pk", ["abc", "0", "-1", "99999999999999999999", "1e3", "%00"])
def test_odd_ids_in_the_path_are_404(pk, api_as):
    api = api_as("admin")
    for url in ("/api/v1/enterprises/{}/", "/api/v1/notifications/{}/", "/api/v1/towns/{}/"):
        assert api.get(url.format(pk)).status_code == 404, url
    assert api.patch(f"/api/v1/enterprises/{pk}/", {"name": "x"}, format="json").status_code == 404


# --- Mass assignment ---------------------------------------------------------------------------------


def test_status_risk_version_and_dates_cannot_be_set_on_create(district, api_as):
    response = api_as("admin").post(
        "/api/v1/enterprises/",
        payload(
            district,
            id=424242,
            status="closed",
            risk_level="red",
            risk_level_reason="伪造",
            version=99,
            created_at="2000-01-01T00:00:00+08:00",
            updated_at="2000-01-01T00:00:00+08:00",
        ),
        format="json",
    )
    assert response.status_code == 201
    enterprise = Enterprise.objects.get(pk=response.json()["id"])
    assert enterprise.pk != 424242
    assert (enterprise.status, enterprise.risk_level, enterprise.risk_level_reason) == ("operating", "", "")
    assert enterprise.version == 1
    assert enterprise.created_at.year == timezone.now().year


def test_status_risk_and_dates_cannot_be_set_on_update(api_as, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    before = Enterprise.objects.values("status", "risk_level", "created_at").get(pk=enterprise.pk)
    response = api_as("admin").patch(
        f"/api/v1/enterprises/{enterprise.pk}/",
        {
            "status": "closed",
            "risk_level": "red",
            "created_at": "2000-01-01T00:00:00+08:00",
            "address": "合法修改",
            "version": 1,
        },
        format="json",
    )
    assert response.status_code == 200
    assert Enterprise.objects.values("status", "risk_level", "created_at").get(pk=enterprise.pk) == before
    assert response.json()["address"] == "合法修改"
    assert response.json()["version"] == 2


def test_a_version_sent_on_update_is_a_precondition_not_a_value(api_as, make_enterprise):
    enterprise = make_enterprise("duruan", ["industry_trade"])
    response = api_as("admin").patch(f"/api/v1/enterprises/{enterprise.pk}/", {"version": 1}, format="json")
    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise.pk).version in (1, 2)
    far = api_as("admin").patch(f"/api/v1/enterprises/{enterprise.pk}/", {"version": 1000}, format="json")
    assert far.status_code == 409


# --- Language -----------------------------------------------------------------------------------------


def test_display_labels_and_messages_follow_accept_language(api_as, make_enterprise, district):
    enterprise = make_enterprise("duruan", ["industry_trade"], status="suspended")
    api = api_as("admin")
    english = api.get(f"/api/v1/enterprises/{enterprise.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api.get(f"/api/v1/enterprises/{enterprise.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    default = api.get(f"/api/v1/enterprises/{enterprise.pk}/").json()
    assert english["status_display"] == "Suspended (ordered to stop)"
    with translation.override("zh-hans"):
        label = str(Enterprise._meta.get_field("status").flatchoices[1][1])
    assert chinese["status_display"] == default["status_display"] == label

    bad = payload(district, credit_code="91350100M000100Y44")
    en_error = api.post("/api/v1/enterprises/", bad, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    zh_error = api.post("/api/v1/enterprises/", bad, format="json").json()
    assert en_error == {"credit_code": ["The check character is wrong: this is not a valid credit code."]}
    with translation.override("zh-hans"):
        from registry.validators import credit_code_error

        expected = credit_code_error("91350100M000100Y44")
    assert zh_error == {"credit_code": [expected]}


def test_chinese_is_the_default_language_of_labels(api_as, make_enterprise):
    """Simplified Chinese by default (issue 2 §5): the label of a status is Chinese text."""
    enterprise = make_enterprise("duruan", ["industry_trade"])
    label = api_as("admin").get(f"/api/v1/enterprises/{enterprise.pk}/").json()["status_display"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in label), label
