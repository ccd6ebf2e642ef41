"""`/api/v1/risk-points/` as API.md fixes it: shape, computed numbers, 400 on out-of-table, scope, queries."""

import pytest

from risk.models import ControlMeasure, RiskAssessment, RiskPoint

URL = "/api/v1/risk-points/"


def _body(enterprise, **overrides):
    body = {
        "enterprise": enterprise.pk,
        "name": "喷涂作业",
        "method": "lec",
        "l": 6,
        "e": 6,
        "c": 15,
        "factor_categories": ["environment", "object"],
        "accident_types": ["08", "19"],
    }
    body.update(overrides)
    return body


def test_create_with_lec_returns_the_computed_point(api_as, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    response = api_as("duruan").post(URL, _body(enterprise), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["enterprise"] == enterprise.pk
    assert data["name"] == "喷涂作业"
    assert (data["method"], data["l"], data["e"], data["c"], data["s"]) == ("lec", 6, 6, 15, None)
    assert (data["score"], data["grade"], data["colour"]) == (540, 1, "red")
    assert data["colour_display"]
    assert data["town"] == enterprise.town_id
    assert data["accident_types"] == ["08", "19"]


def test_create_with_the_matrix_has_no_grade(api_as, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    response = api_as("admin").post(
        URL, _body(enterprise, method="ls", l=4, s=4, e=None, c=None), format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["l"], data["s"], data["score"], data["grade"], data["colour"]) == (4, 4, 16, None, "orange")


def test_fractional_lec_values_are_accepted_as_numbers_or_text(api_as, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    response = api_as("admin").post(URL, _body(enterprise, l="0.1", e=0.5, c=1), format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["l"], response.json()["score"], response.json()["grade"]) == (0.1, 0.05, 5)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"l": 5}, "l"),
        ({"e": 7}, "e"),
        ({"c": 50}, "c"),
        ({"c": None}, "c"),
        ({"l": "ten"}, "l"),
        ({"method": "ls", "l": 6, "s": 3}, "l"),
        ({"method": "ls", "l": 3, "s": 0}, "s"),
        ({"method": "ls", "l": 3, "s": 2.5}, "s"),
        ({"method": "xyz"}, "method"),
    ],
)
def test_out_of_table_factors_answer_400_and_write_nothing(api_as, enterprise_in, overrides, field):
    enterprise = enterprise_in("duruan", "industry_trade")
    before = RiskPoint.objects.count()
    response = api_as("admin").post(URL, _body(enterprise, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert RiskPoint.objects.count() == before


def test_an_enterprise_out_of_scope_is_refused_as_unknown(api_as, enterprise_in):
    response = api_as("duruan").post(URL, _body(enterprise_in("baisha")), format="json")
    assert response.status_code == 400
    assert "enterprise" in response.json()


@pytest.mark.parametrize("username", ["leader", "duty"])
def test_read_only_roles_get_403(api_as, enterprise_in, username):
    response = api_as(username).post(URL, _body(enterprise_in("duruan", "industry_trade")), format="json")
    assert response.status_code == 403


def test_list_filters_and_scope(api_as, district):
    response = api_as("duruan").get(URL, {"page_size": 200})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] > 0
    assert {row["town"] for row in body["results"]} == {district["duruan"].pk}
    red = api_as("admin").get(URL, {"colour": "red", "page_size": 200}).json()["results"]
    assert red and all(row["colour"] == "red" for row in red)
    in_town = api_as("admin").get(URL, {"town": district["baisha"].pk, "page_size": 200}).json()["results"]
    assert in_town and all(row["town"] == district["baisha"].pk for row in in_town)
    sector = api_as("admin").get(URL, {"sector": "road_traffic", "page_size": 200}).json()["results"]
    ids = {row["enterprise"] for row in sector}
    from registry.models import Enterprise

    assert ids and all(Enterprise.objects.get(pk=i).sectors.filter(code="road_traffic").exists() for i in ids)
    one = in_town[0]["enterprise"]
    by_enterprise = api_as("admin").get(URL, {"enterprise": one}).json()["results"]
    assert {row["enterprise"] for row in by_enterprise} == {one}
    assert api_as("admin").get(URL, {"colour": "purple"}).status_code == 400


def test_department_officer_sees_only_its_sectors(api_as):
    rows = api_as("jtj").get(URL, {"page_size": 200}).json()["results"]
    from registry.models import Enterprise

    for row in rows:
        codes = set(Enterprise.objects.get(pk=row["enterprise"]).sectors.values_list("code", flat=True))
        assert codes & {"road_traffic", "water_transport"}


def _point_in(town):
    return RiskPoint.objects.filter(enterprise__town=town, is_active=True).exclude(colour="").first()


def test_detail_history_and_actions_of_another_town_are_404(api_as, district):
    point = _point_in(district["baisha"])
    client = api_as("duruan")
    assert client.get(f"{URL}{point.pk}/").status_code == 404
    assert client.get(f"{URL}{point.pk}/assessments/").status_code == 404
    assert client.get(f"{URL}{point.pk}/measures/").status_code == 404
    assert (
        client.post(f"{URL}{point.pk}/assess/", {"version": point.version}, format="json").status_code == 404
    )
    assert client.patch(f"{URL}{point.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.post(f"{URL}{point.pk}/retire/", {"reason": "x"}, format="json").status_code == 404
    assert api_as("ent_duruan").get(f"{URL}{point.pk}/").status_code == 404


def test_reassess_keeps_history_and_checks_version_then_input(api_as, district):
    point = _point_in(district["duruan"])
    client = api_as("duruan")
    stale = client.post(
        f"{URL}{point.pk}/assess/",
        {"version": point.version - 1, "method": "ls", "l": 9, "s": 9},
        format="json",
    )
    assert stale.status_code == 409
    bad = client.post(
        f"{URL}{point.pk}/assess/", {"version": point.version, "method": "ls", "l": 9, "s": 2}, format="json"
    )
    assert bad.status_code == 400 and "l" in bad.json()
    before = RiskAssessment.objects.filter(point=point).count()
    ok = client.post(
        f"{URL}{point.pk}/assess/", {"version": point.version, "method": "ls", "l": 5, "s": 5}, format="json"
    )
    assert ok.status_code == 200, ok.content
    assert (ok.json()["colour"], ok.json()["score"], ok.json()["version"]) == ("red", 25, point.version + 1)
    history = client.get(f"{URL}{point.pk}/assessments/").json()
    assert len(history) == before + 1
    assert history[0]["colour"] == "red" and history[0]["method"] == "ls"
    assert (
        api_as("leader")
        .post(
            f"{URL}{point.pk}/assess/",
            {"version": point.version + 1, "method": "ls", "l": 1, "s": 1},
            format="json",
        )
        .status_code
        == 403
    )


def test_measures_carry_the_level_warning(api_as, district):
    point = _point_in(district["duruan"])
    point.refresh_from_db()
    response = api_as("admin").post(
        f"{URL}{point.pk}/measures/",
        {"kind": "ppe", "description": "佩戴防护手套", "level": "team"},
        format="json",
    )
    assert response.status_code == 201
    added = [m for m in response.json() if m["description"] == "佩戴防护手套"][0]
    assert added["level_too_low"] is (point.effective_colour != "blue")


def test_a_measure_is_added_at_the_version_read_or_at_the_one_this_request_reads(api_as, district):
    """The body is the measure form's, typed; `version` is optional, and a stale one changes nothing."""
    point = _point_in(district["duruan"])
    point.refresh_from_db()
    client = api_as("duruan")
    url = f"{URL}{point.pk}/measures/"
    body = {"kind": "training", "description": "岗前安全培训", "level": "team"}
    assert client.post(url, {**body, "version": point.version + 3}, format="json").status_code == 409
    assert not ControlMeasure.objects.filter(point=point, description="岗前安全培训").exists()
    assert client.post(url, {**body, "level": "boss"}, format="json").json().keys() == {"level"}
    assert client.post(url, body, format="json").status_code == 201
    point.refresh_from_db()
    assert client.post(url, {**body, "version": point.version}, format="json").status_code == 201
    assert ControlMeasure.objects.filter(point=point, description="岗前安全培训").count() == 2


def test_patch_updates_fields_with_version(api_as, district):
    point = _point_in(district["duruan"])
    client = api_as("duruan")
    assert (
        client.patch(
            f"{URL}{point.pk}/", {"version": point.version + 5, "name": "新名"}, format="json"
        ).status_code
        == 409
    )
    response = client.patch(
        f"{URL}{point.pk}/", {"version": point.version, "location": "二号车间"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["location"] == "二号车间"


@pytest.mark.parametrize("size", [5, 50])
def test_list_query_count_does_not_grow_with_page_size(api_as, django_assert_max_num_queries, size):
    client = api_as("admin")
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"page_size": size})
    assert len(response.json()["results"]) == size


def test_stats_are_scoped_and_grouped(api_as, district, persona):
    rows = api_as("duruan").get("/api/v1/stats/risk/", {"group_by": "town"}).json()
    assert [row["key"] for row in rows] == [str(district["duruan"].pk)]
    row = rows[0]
    assert row["total"] == row["red"] + row["orange"] + row["yellow"] + row["blue"] + row["none"]
    from registry.models import Enterprise

    assert row["total"] == Enterprise.objects.filter(town=district["duruan"]).count()
    sectors = api_as("jtj").get("/api/v1/stats/risk/", {"group_by": "sector"}).json()
    # Only enterprises the transport bureau sees count, in each of their sectors.
    assert "road_traffic" in {row["key"] for row in sectors}
    visible = Enterprise.objects.visible_to(persona("jtj"))
    for row in sectors:
        assert row["total"] == visible.filter(sectors__code=row["key"]).count()
    assert api_as("admin").get("/api/v1/stats/risk/", {"group_by": "planet"}).status_code == 400


def test_the_responsible_phone_is_masked_for_leaders(api_as, as_user, district):
    """R-REG-2: personal numbers in full for those who must call, masked for everyone else."""
    point = _point_in(district["duruan"])
    point.refresh_from_db()
    assert len(point.responsible_phone) == 11
    full = api_as("duruan").get(f"{URL}{point.pk}/").json()["responsible_phone"]
    masked = api_as("leader").get(f"{URL}{point.pk}/").json()["responsible_phone"]
    assert full == point.responsible_phone
    assert masked == f"{point.responsible_phone[:3]}****{point.responsible_phone[-4:]}"
    page = as_user("leader").get(f"/risk/points/{point.pk}/").content.decode()
    assert point.responsible_phone not in page and masked in page
