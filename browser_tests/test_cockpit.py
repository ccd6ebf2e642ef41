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


WALL_NAME = "区应急局值班室大屏"


def _create_display(page, site: str, name: str) -> str:
    """Through the cockpit's own link to the displays page: create one and read its pairing link."""
    page.goto(f"{site}/cockpit/")
    page.get_by_test_id("displays-link").click()
    page.wait_for_url("**/cockpit/displays/")
    page.get_by_label("大屏名称").fill(name)
    with page.expect_navigation():
        page.get_by_role("button", name="新建并显示配对链接").click()
    return page.get_by_test_id("pairing-link").inner_text().strip()


def test_a_paired_wall_display_shows_at_1920_by_1080_without_a_login_and_stops_when_stopped(site, browser):
    office = browser.new_context(viewport={"width": 1366, "height": 800}, locale="zh-CN")
    wall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    try:
        leader = office.new_page()
        log_in(leader, site, "leader")
        link = _create_display(leader, site, WALL_NAME)
        assert leader.get_by_test_id("pairing-qr").is_visible()

        screen = wall.new_page()
        errors: list[str] = []
        screen.on("pageerror", lambda exc: errors.append(str(exc)))
        screen.clock.install()  # the minute between two refreshes, run on demand below
        screen.goto(link)  # the pairing page posts itself: no click on the wall
        screen.wait_for_url("**/cockpit/kiosk/")
        screen.wait_for_selector("[data-chart='cockpit-trend-chart'] canvas")
        size = screen.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert size[0] <= 1920 and size[1] <= 1080, size
        assert screen.get_by_test_id("wall-name").inner_text() == WALL_NAME
        assert screen.get_by_text("未销号隐患").first.is_visible()
        cookies = {c["name"]: c for c in wall.cookies()}
        assert "sessionid" not in cookies  # nobody is signed in on the wall
        cookie = cookies["redline_wall_display"]
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/cockpit/kiosk/"
        ARTIFACTS.mkdir(exist_ok=True)
        screen.screenshot(path=str(ARTIFACTS / "wall-display-paired.png"))

        # A minute later the live part refreshes itself, with the figures still there.
        with screen.expect_response("**/cockpit/kiosk/live/") as refreshed:
            screen.clock.run_for(61_000)
        assert refreshed.value.status == 200
        screen.wait_for_selector("[data-testid='cockpit-figures'] [data-code='hazards_open']")

        # The leader stops the display; at its next refresh the wall says so instead of freezing.
        leader.get_by_role("link", name=WALL_NAME).click()
        with leader.expect_navigation():
            leader.get_by_role("button", name="停用此大屏").click()
        assert "已停用" in leader.get_by_test_id("display-table").inner_text()
        with screen.expect_response("**/cockpit/kiosk/live/") as stopped:
            screen.clock.run_for(61_000)
        assert stopped.value.status == 403
        screen.get_by_test_id("kiosk-refused").wait_for()
        assert screen.get_by_text("此大屏已停用").is_visible()
        assert screen.locator("[data-code]").count() == 0  # no stale figures left on the wall
        screen.screenshot(path=str(ARTIFACTS / "wall-display-stopped.png"))
        assert not errors, errors
    finally:
        wall.close()
        office.close()


def test_a_town_leader_manages_wall_displays_on_a_phone_in_chinese(site, browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        log_in(page, site, "duruan")
        link = _create_display(page, site, "杜阮镇值班室大屏")
        assert "/cockpit/kiosk/pair/" in link
        assert page.get_by_role("heading", name="大屏终端", exact=True).is_visible()
        assert page.get_by_text("链接仅显示这一次").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        row = page.get_by_test_id("display-table").inner_text()
        assert "杜阮镇值班室大屏" in row and "等待配对" in row
        shot(page, "phone", "wall-displays")
        page.get_by_role("link", name="杜阮镇值班室大屏").click()
        page.get_by_label("大屏名称").fill("杜阮镇应急办大屏")
        with page.expect_navigation():
            page.get_by_role("button", name="保存名称").click()
        assert page.get_by_role("heading", name="杜阮镇应急办大屏", exact=True).is_visible()
        assert page.get_by_text("大屏终端已改名").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shot(page, "phone", "wall-display")
        assert not errors, errors
    finally:
        context.close()
