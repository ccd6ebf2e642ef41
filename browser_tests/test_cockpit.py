"""The leaders' cockpit in a real browser (issue 16): the wall display fills 1920×1080 without scrolling
and refreshes itself; the cockpit page works on a 390 px phone without sideways scrolling."""

from __future__ import annotations

import pytest

from browser_tests.conftest import ARTIFACTS, log_in, shot

pytestmark = pytest.mark.browser


def test_the_wall_display_fits_1920_by_1080_and_refreshes_itself(site, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        log_in(page, site, "leader")
        page.goto(f"{site}/cockpit/wall/")
        page.wait_for_selector("[data-chart='cockpit-trend-chart'] canvas")
        size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size[0] <= 1920 and size[1] <= 1080, size
        assert page.get_by_text("未销号隐患").first.is_visible()
        # The four-colour map: every town coloured by its highest risk, on the screen without scrolling.
        assert page.locator("[data-testid='cockpit-town-map'] polygon").count() == 8
        box = page.get_by_test_id("cockpit-town-map").bounding_box()
        assert box and box["y"] + box["height"] <= 1080 and box["height"] > 100, box
        first = page.get_by_test_id("cockpit-updated").inner_text()
        # The live part swaps itself without a reload (HTMX polling); trigger one poll now.
        page.evaluate("htmx.trigger('#cockpit-live', 'every 60s')")
        page.evaluate(
            "htmx.ajax('GET', '/cockpit/live/?wall=1', {target: '#cockpit-live', swap: 'outerHTML'})"
        )
        page.wait_for_selector("[data-testid='cockpit-town-map'] polygon")
        assert page.get_by_test_id("cockpit-updated").inner_text().startswith(first[:3])
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "wall-cockpit.png"))
        assert not errors, errors
    finally:
        context.close()


def test_a_town_leader_opens_the_cockpit_on_a_phone(site, new_page, viewport):
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/cockpit/")
    page.wait_for_selector("[data-chart='cockpit-trend-chart'] canvas")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    shot(page, viewport, "cockpit")
    figure = page.locator("[data-code='hazards_open']").first
    value = figure.get_attribute("data-value")
    figure.click()
    page.wait_for_url("**/hazards/?open=true")
    assert value in page.get_by_test_id("result-count").inner_text()
    shot(page, viewport, "cockpit-list")
    # The town on the four-colour map opens to the list of its risk points, with the same count.
    page.go_back()
    town = page.locator("[data-testid='cockpit-town-map'] a").first
    value = town.get_attribute("data-value")
    town.click()
    page.wait_for_url("**/risk/points/?town=*")
    assert value in page.get_by_test_id("result-count").inner_text()
    assert not page.js_errors
