"""Risk pages: scope for every page, the forms, the map without network, the board PDF, the register."""

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from risk.models import ControlMeasure, RiskAssessment, RiskPoint


def _point_in(town):
    return (
        RiskPoint.objects.filter(enterprise__town=town, is_active=True)
        .exclude(colour="")
        .order_by("id")
        .first()
    )


@pytest.mark.parametrize(
    "path",
    [
        "/risk/points/{pk}/",
        "/risk/points/{pk}/edit/",
        "/risk/points/{pk}/assess/",
        "/risk/points/{pk}/board.pdf",
    ],
)
def test_pages_of_another_towns_point_are_404(as_user, district, path):
    point = _point_in(district["baisha"])
    assert as_user("duruan").get(path.format(pk=point.pk)).status_code == 404
    assert as_user("ent_duruan").get(path.format(pk=point.pk)).status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/risk/points/{pk}/retire/", "/risk/points/{pk}/measures/", "/risk/points/{pk}/measures/1/remove/"],
)
def test_posts_on_another_towns_point_are_404(as_user, district, path):
    point = _point_in(district["baisha"])
    assert as_user("duruan").post(path.format(pk=point.pk), {"reason": "x", "version": 1}).status_code == 404


def test_creating_for_another_towns_enterprise_is_404(as_user, enterprise_in):
    assert (
        as_user("duruan").get(f"/risk/enterprises/{enterprise_in('baisha').pk}/points/new/").status_code
        == 404
    )


def test_read_only_roles_see_the_point_but_get_403_on_forms(as_user, district):
    point = _point_in(district["duruan"])
    client = as_user("leader")
    page = client.get(f"/risk/points/{point.pk}/")
    assert page.status_code == 200
    assert f"/risk/points/{point.pk}/assess/" not in page.content.decode()
    assert client.get(f"/risk/points/{point.pk}/assess/").status_code == 403
    assert client.get(f"/risk/enterprises/{point.enterprise_id}/points/new/").status_code == 403


def test_the_list_excludes_other_towns_and_filters(as_user, district):
    response = as_user("duruan").get("/risk/points/", {"effective_colour": "", "town": ""})
    assert response.status_code == 200
    html = response.content.decode()
    baisha = _point_in(district["baisha"])
    duruan = _point_in(district["duruan"])
    assert f"/risk/points/{duruan.pk}/" in html
    assert f"/risk/points/{baisha.pk}/" not in html
    htmx = as_user("admin").get("/risk/points/", {"town": district["baisha"].pk}, HTTP_HX_REQUEST="true")
    assert f"/risk/points/{baisha.pk}/" in htmx.content.decode()
    assert "<html" not in htmx.content.decode()


def test_list_page_query_count_is_bounded(as_user, django_assert_max_num_queries):
    client = as_user("admin")
    with django_assert_max_num_queries(14):
        response = client.get("/risk/points/")
    assert response.status_code == 200


def test_the_register_export_is_scoped_and_holds_assessments_and_controls(as_user, district):
    response = as_user("duruan").get("/risk/points/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "风险点" in header or "Risk point" in header
    visible = RiskPoint.objects.filter(enterprise__town=district["duruan"], is_active=True).count()
    assert len(rows) - 1 == visible
    measures_col = header.index("管控措施") if "管控措施" in header else header.index("Control measures")
    assert any(row[measures_col] for row in rows[1:])


def test_the_enterprise_one_file_page_shows_the_risk_section(as_user, persona):
    user = persona("ent_duruan")
    response = as_user("ent_duruan").get(f"/registry/enterprises/{user.enterprise_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="risk-section"' in html
    assert f"/risk/enterprises/{user.enterprise_id}/points/new/" in html
    for colour in ("red", "orange", "yellow", "blue"):
        assert f'data-testid="risk-count-{colour}"' in html


def test_an_enterprise_user_builds_its_register_in_the_ui(as_user, persona):
    user = persona("ent_duruan")
    client = as_user("ent_duruan")
    response = client.post(
        f"/risk/enterprises/{user.enterprise_id}/points/new/",
        {
            "name": "激光切割机",
            "kind": "equipment",
            "factor_categories": ["object", "human"],
            "accident_types": ["03", "07"],
            "a-method": "lec",
            "a-lec_l": "3",
            "a-lec_e": "6",
            "a-lec_c": "15",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    point = RiskPoint.objects.get(enterprise_id=user.enterprise_id, name="激光切割机")
    assert (point.score, point.grade, point.colour) == (270, 2, "orange")
    response = client.post(
        f"/risk/points/{point.pk}/measures/",
        {"kind": "engineering", "description": "加装光幕", "level": "team", "version": point.version},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert ControlMeasure.objects.filter(point=point, level="team").exists()
    page = client.get(f"/risk/points/{point.pk}/").content.decode()
    assert 'data-testid="level-warning"' in page  # R-RISK-4: team is below orange's department
    response = client.post(
        f"/risk/points/{point.pk}/assess/",
        {"method": "ls", "ls_l": "2", "ls_s": "2", "version": point.version},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.method, point.colour) == ("ls", "blue")
    assert RiskAssessment.objects.filter(point=point).count() == 2


def test_the_assess_form_shows_errors_for_missing_factors(as_user, district):
    point = _point_in(district["duruan"])
    response = as_user("duruan").post(
        f"/risk/points/{point.pk}/assess/", {"method": "lec", "lec_l": "3", "version": point.version}
    )
    assert response.status_code == 400
    assert response.content.decode().count('data-testid="field-error"') == 2


def test_the_assess_form_offers_only_table_values(as_user, district):
    point = _point_in(district["duruan"])
    html = as_user("duruan").get(f"/risk/points/{point.pk}/assess/").content.decode()
    select = re.search(r'<select name="lec_c".*?</select>', html, re.S).group(0)
    assert re.findall(r'value="([^"]*)"', select) == ["", "100", "40", "15", "7", "3", "1"]
    response = as_user("duruan").post(
        f"/risk/points/{point.pk}/assess/",
        {"method": "lec", "lec_l": "5", "lec_e": "6", "lec_c": "7", "version": point.version},
    )
    assert response.status_code == 400  # 5 is not an L value of LEC: the form refuses it


def test_the_board_pdf_contains_the_chinese_text(as_user, district):
    point = _point_in(district["duruan"])
    point.refresh_from_db()
    response = as_user("duruan").get(f"/risk/points/{point.pk}/board.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = re.sub(r"\s+", "", text)
    assert "风险告知卡" in compact
    assert re.sub(r"\s+", "", point.name) in compact
    assert re.sub(r"\s+", "", point.enterprise.name) in compact
    assert re.sub(r"\s+", "", point.hazard_factors)[:8] in compact


def test_the_map_page_renders_without_network(as_user, settings):
    settings.MAP_TILE_URL = ""
    response = as_user("duruan").get("/risk/map/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/leaflet/leaflet.js" in html and "risk/map.js" in html
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost)", html)
    # No inline scripts (CSP): every <script> has a src, data comes as JSON.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag


def test_the_map_data_is_scoped_and_filtered(as_user, district):
    data = as_user("duruan").get("/risk/map/data.json").json()
    assert data["enterprises"]
    assert {e["town"] for e in data["enterprises"]} == {district["duruan"].name}
    assert len(data["towns"]) == 8 and all(t["boundary"] for t in data["towns"])
    admin = as_user("admin").get("/risk/map/data.json", {"level": "red"}).json()
    assert admin["enterprises"] and all(e["level"] == "red" for e in admin["enterprises"])
    sector = as_user("admin").get("/risk/map/data.json", {"sector": "no-such"}).json()
    assert sector["enterprises"] == []
    colours = {e["level"] for e in as_user("admin").get("/risk/map/data.json").json()["enterprises"]}
    assert {"red", "orange", "yellow", "blue"} <= colours  # the demo shows all four colours


def test_the_statistics_are_scoped(as_user, district):
    response = as_user("duruan").get("/risk/stats/")
    assert response.status_code == 200
    towns = response.context["towns"]
    assert [row["name"] for row in towns] == [str(district["duruan"])]
    admin = as_user("admin").get("/risk/stats/").context
    assert len(admin["towns"]) == 8
    assert admin["sector_chart"]["series"][0]["type"] == "bar"
    html = as_user("admin").get("/risk/stats/").content.decode()
    assert 'data-chart="town-chart"' in html and 'id="town-chart"' in html


def test_nav_shows_risk(as_user):
    html = as_user("duruan").get("/risk/points/").content.decode()
    assert 'href="/risk/map/"' in html and 'href="/risk/stats/"' in html


def test_the_home_panel_shows_levels_and_due_points_in_scope(as_user, district):
    response = as_user("duruan").get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="panel-risk"' in html
    panel = next(p["context"] for p in response.context["panels"] if p["template"] == "risk/panels/home.html")
    assert all(p.enterprise.town_id == district["duruan"].pk for p in panel["due"])
    from registry.models import Enterprise

    levelled = Enterprise.objects.filter(town=district["duruan"]).exclude(risk_level="").count()
    assert sum(level["count"] for level in panel["levels"]) == levelled


def test_a_refused_measure_or_retirement_shows_the_point_again_with_the_input_kept(as_user, district):
    point = _point_in(district["duruan"])
    client = as_user("duruan")
    measures = ControlMeasure.objects.filter(point=point).count()
    missing = client.post(
        f"/risk/points/{point.pk}/measures/",
        {"kind": "engineering", "description": "加装光幕", "version": point.version},
    )
    assert missing.status_code == 400 and ControlMeasure.objects.filter(point=point).count() == measures
    page = missing.content.decode()
    assert "加装光幕" in page and 'data-field="level"' in page and "rl-has-error" in page
    stale = client.post(
        f"/risk/points/{point.pk}/retire/", {"reason": "设备已拆除", "version": point.version - 1}
    )
    assert stale.status_code == 409 and 'value="设备已拆除"' in stale.content.decode()
    point.refresh_from_db()
    assert point.is_active


def test_a_measure_removed_from_a_stale_page_is_refused_with_the_reason_on_top(as_user, district):
    """Removal is the point's transition at the version the page read: a stale page is refused (409) and the
    measure stays; removed once, a second removal is refused as well."""
    point = _point_in(district["duruan"])
    client = as_user("duruan")
    added = client.post(
        f"/risk/points/{point.pk}/measures/",
        {"kind": "ppe", "description": "佩戴防护眼镜", "level": "company", "version": point.version},
    )
    assert added.status_code == 302
    measure = ControlMeasure.objects.get(point=point, description="佩戴防护眼镜")
    remove = f"/risk/points/{point.pk}/measures/{measure.pk}/remove/"
    stale = client.post(remove, {"version": point.version})
    assert stale.status_code == 409 and 'role="alert"' in stale.content.decode()
    measure.refresh_from_db()
    assert measure.is_active
    point.refresh_from_db()
    assert client.post(remove, {"version": point.version}).status_code == 302
    point.refresh_from_db()
    assert client.post(remove, {"version": point.version}).status_code == 409
    assert client.get(remove).status_code == 405
