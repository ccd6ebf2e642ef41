"""The risk module in a real browser: the four-colour map draws the district without any network, the
statistics draw their charts, and the assessment form shows only the chosen method's factors."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


def test_the_map_draws_enterprises_and_towns_without_network(site, new_page, viewport):
    page = new_page()
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname or ""))
    log_in(page, site, "admin")
    with page.expect_response(lambda r: "/risk/map/data.json" in r.url):
        page.goto(f"{site}/risk/map/")
    page.locator(".rl-cluster-mix, .rl-risk-marker").first.wait_for()
    assert page.locator("path.leaflet-interactive").count() >= 8  # the town boundaries
    assert page.locator(".rl-town-label").count() == 8
    assert page.locator("#map-legend [data-count='red']").inner_text() not in ("", "…")
    assert hosts <= {urlparse(site).hostname}, hosts
    assert page.js_errors == []
    shot(page, viewport, "risk-map")


def test_the_map_colours_the_towns_on_the_offline_base_map_with_no_tiles(site, new_page, viewport, settings):
    """Issue 20: towns filled with their highest colour, clusters by colour under the town names, the
    district's own base map (no tile request at all), a town opening to its risk points, same count."""
    settings.MAP_TILE_URL = ""
    page = new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    log_in(page, site, "admin")
    page.goto(f"{site}/risk/map/")
    page.wait_for_selector("#risk-map[data-ready='1']")
    page.wait_for_selector(".rl-offline-base")
    # The map page installs the offline worker, which stores the base map first: let it finish, so that
    # the town's link below navigates on a settled page.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert page.locator("path.rl-town-area").count() == 8
    coloured = {
        cls.split("rl-town-")[-1].split()[0]
        for cls in page.locator("path.rl-town-area").evaluate_all(
            "els => els.map(e => e.getAttribute('class'))"
        )
    }
    assert coloured & {"red", "orange", "yellow", "blue"}, coloured
    assert page.locator(".rl-cluster-mix .rl-chip").count() >= 1
    # Names above the clusters: the label pane is stacked over the marker pane.
    z = page.evaluate(
        "[getComputedStyle(document.querySelector('.leaflet-rl-labels-pane')).zIndex,"
        " getComputedStyle(document.querySelector('.leaflet-marker-pane')).zIndex]"
    )
    assert int(z[0]) > int(z[1]), z
    assert not [u for u in requests if "/tile" in u or "{z}" in u]
    assert {urlparse(u).hostname for u in requests} <= {urlparse(site).hostname}
    shot(page, viewport, "risk-map-towns")
    # A town's area opens to its risk points, with the same count as the list.
    page.evaluate(
        "(() => { const p = document.querySelector('path.rl-town-area.rl-town-red, path.rl-town-area.rl-town-orange');"
        " const r = p.getBoundingClientRect(); const x = r.left + r.width / 2, y = r.top + r.height / 2;"
        " p.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y})); })()"
    )
    link = page.get_by_test_id("town-points-link")
    link.wait_for()
    count = link.inner_text().split()[-1]
    link.click()
    page.wait_for_url("**/risk/points/?town=*", timeout=30_000)
    assert count in page.get_by_test_id("result-count").inner_text()
    assert page.js_errors == []


def test_a_marker_opens_a_popup_with_the_enterprise_file(site, new_page, viewport):
    from registry.models import Enterprise

    enterprise = Enterprise.objects.exclude(risk_level="").filter(lat__isnull=False).order_by("id").first()
    page = new_page()
    log_in(page, site, "admin")
    with page.expect_response(lambda r: "/risk/map/data.json" in r.url):
        page.goto(f"{site}/risk/map/?town={enterprise.town_id}&level={enterprise.risk_level}")
    page.locator(".rl-cluster-mix, .rl-risk-marker").first.wait_for()
    # Zoom in until the clusters open into single markers.
    for _ in range(8):
        if page.locator(".rl-risk-marker").count():
            break
        page.locator(".rl-cluster-mix").first.click()
        page.wait_for_timeout(400)
    link = page.locator(".leaflet-popup-content a")
    # A zoom still animating re-renders the markers under the pointer (a busy machine shows it): click
    # again once the map has settled rather than fail on a detached marker.
    for _ in range(4):
        page.locator(".rl-risk-marker").first.click()
        try:
            link.wait_for(timeout=4000)
            break
        except PlaywrightTimeoutError:
            page.wait_for_timeout(500)
    link.wait_for()
    assert "/registry/enterprises/" in link.get_attribute("href")
    assert page.js_errors == []


def test_statistics_draw_their_charts(site, new_page, viewport):
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/risk/stats/")
    page.locator("[data-chart='town-chart'] canvas").wait_for()
    page.locator("[data-chart='sector-chart'] canvas").wait_for()
    assert page.js_errors == []
    shot(page, viewport, "risk-stats")


def test_the_assessment_form_shows_only_the_chosen_methods_factors(site, new_page, viewport):
    from risk.models import RiskPoint

    user_point = RiskPoint.objects.filter(enterprise__users__username="ent_duruan").order_by("id").first()
    page = new_page()
    log_in(page, site, "ent_duruan")
    page.goto(f"{site}/risk/points/{user_point.pk}/assess/")
    page.get_by_label("风险矩阵法（L×S）").check()
    assert page.locator("select[name='ls_s']").is_visible()
    assert not page.locator("select[name='lec_c']").is_visible()
    page.get_by_label("作业条件危险性评价法（LEC）").check()
    assert page.locator("select[name='lec_c']").is_visible()
    page.locator("select[name='lec_l']").select_option("6")
    page.locator("select[name='lec_e']").select_option("6")
    page.locator("select[name='lec_c']").select_option("15")
    with page.expect_navigation():
        page.get_by_role("button", name="保存评估").click()
    assert f"/risk/points/{user_point.pk}/" in page.url
    assert "540" in page.get_by_test_id("score").inner_text()
    assert page.js_errors == []
    shot(page, viewport, "risk-point")


def test_a_retirement_from_a_stale_page_is_refused_with_the_reason_kept(site, new_page, viewport):
    from django.db.models import F

    from risk.models import RiskPoint

    point = (
        RiskPoint.objects.filter(enterprise__users__username="ent_duruan", is_active=True)
        .order_by("id")
        .first()
    )
    page = new_page()
    log_in(page, site, "ent_duruan")
    page.goto(f"{site}/risk/points/{point.pk}/")
    RiskPoint.objects.filter(pk=point.pk).update(version=F("version") + 1)  # a colleague saved meanwhile
    page.get_by_text("停用该风险点").click()
    page.get_by_label("原因", exact=True).fill("设备已拆除")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="停用", exact=True).click()
    assert page.get_by_test_id("form-errors").is_visible()
    assert page.get_by_label("原因", exact=True).input_value() == "设备已拆除"
    point.refresh_from_db()
    assert point.is_active
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    shot(page, viewport, "risk-retire-refused")


def test_an_imported_base_map_is_drawn_by_the_map_and_kept_for_use_without_signal(
    site, new_page, viewport, settings, tmp_path
):
    """Issue 20, point 9: the district administrator imports the surveying office's base map on the towns
    admin page; the risk map draws it (not the shipped schematic), and draws it again without signal."""
    import json

    settings.MAP_TILE_URL = ""
    river = {
        "type": "Feature",
        "properties": {"kind": "river", "name": "天沙河（测绘）"},
        "geometry": {
            "type": "LineString",
            "coordinates": [[113.02, 22.60], [113.06, 22.61], [113.10, 22.63]],
        },
    }
    path = tmp_path / "蓬江区底图.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [river]}, ensure_ascii=False))
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/registry/admin/jurisdictions/")
    page.get_by_test_id("import-base-map").click()
    page.get_by_label("底图文件（GeoJSON）").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()
    page.get_by_test_id("base-map-current").filter(has_text="蓬江区底图.geojson").wait_for()
    shot(page, viewport, "base-map-import")

    fetched: list[str] = []
    page.on("response", lambda r: fetched.append(r.url) if "base-map.geojson" in r.url and r.ok else None)
    page.goto(f"{site}/risk/map/")
    page.wait_for_selector(".rl-offline-base")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert fetched and not [u for u in fetched if "pengjiang-base" in u]
    assert page.locator(".leaflet-rl-base-pane path").count() == 1  # the imported river alone
    page.reload()
    page.wait_for_selector(".rl-offline-base")
    page.wait_for_function("!!navigator.serviceWorker.controller")
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(".rl-offline-base")
        assert page.locator(".leaflet-rl-base-pane path").count() == 1
    finally:
        page.context.set_offline(False)
    assert page.js_errors == []
