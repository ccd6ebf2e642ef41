"""A town officer on a 390 px phone: the town's preparedness page (score explained, shortfalls, charts and
the map's switchable layers) and an issue of stock from the town's warehouse, which lands in its movements.
No page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import DEMO_PASSWORD, shot

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@pytest.fixture
def viewport() -> str:
    return "phone"


def _log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()


def _fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: the page is {width} px wide on a {PHONE_WIDTH} px phone"


def test_a_town_sees_its_preparedness_and_issues_stock_on_a_phone(site, new_page, viewport):
    from emergency.models import Warehouse

    page = new_page()
    _log_in(page, site, "duruan")
    page.goto(f"{site}/emergency/")
    expect(page.get_by_role("heading", name="杜阮镇应急准备")).to_be_visible()
    expect(page.get_by_test_id("readiness-table")).to_contain_text("杜阮镇")
    expect(page.locator(".leaflet-control-layers")).to_contain_text("内涝点")
    expect(page.locator("[data-chart][data-rendered='1']").first).to_be_attached()
    _fits(page, "preparedness")
    shot(page, viewport, "emergency-preparedness")
    assert not page.js_errors, page.js_errors

    warehouse = Warehouse.objects.get(town__name="杜阮镇", level="town")
    page.goto(f"{site}/emergency/warehouses/{warehouse.pk}/")
    _fits(page, "warehouse")
    page.get_by_test_id("issue-stock").click()
    page.get_by_label("物资", exact=True).select_option(label="编织袋")
    page.get_by_label("数量", exact=True).fill("0")
    page.get_by_label("事由", exact=True).fill("杜阮河段抢险领用")
    page.get_by_role("button", name="保存").click()
    # Zero units: refused, the field named, what was typed kept.
    expect(page.locator("[data-field=quantity].rl-has-error")).to_be_visible()
    expect(page.get_by_label("事由", exact=True)).to_have_value("杜阮河段抢险领用")
    _fits(page, "issue form")
    shot(page, viewport, "emergency-issue-refused")
    page.get_by_label("数量", exact=True).fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("杜阮河段抢险领用")).to_be_visible()
    _fits(page, "warehouse after the issue")
    shot(page, viewport, "emergency-issued")


def test_a_second_revision_is_refused_with_the_typed_changes_kept(site, new_page, viewport):
    from accounts.models import User
    from emergency import services
    from emergency.models import Plan

    keeper = User.objects.get(username="ent_duruan")
    plan = Plan.objects.filter(owner_enterprise=keeper.enterprise).order_by(
        "pk"
    ).first() or services.create_plan(
        actor=keeper,
        data={
            "type": "comprehensive",
            "title": "生产安全事故综合应急预案",
            "owner_enterprise": keeper.enterprise_id,
        },
    )
    if not plan.versions.filter(state="draft").exists():
        services.start_revision(plan, actor=keeper, changes="应急指挥机构调整")
    page = new_page()
    _log_in(page, site, "ent_duruan")
    page.goto(f"{site}/emergency/plans/{plan.pk}/")
    page.get_by_label("修订内容", exact=True).fill("通讯录更新")
    with page.expect_navigation():
        page.get_by_role("button", name="开始修订").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("草稿")
    expect(page.get_by_label("修订内容", exact=True)).to_have_value("通讯录更新")
    _fits(page, "refused revision")
    shot(page, viewport, "plan-revision-refused")


def test_the_preparedness_map_opens_without_signal_as_last_opened(site, new_page, viewport):
    """Issue 14: the preparedness page and its map's points, opened once with signal, open again with
    none (a flood night in a town hall), the layer script stored with the base map."""
    page = new_page()
    _log_in(page, site, "duruan")
    page.goto(f"{site}/emergency/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now through the service worker, which stores the page and the map's points
    page.wait_for_function("!!navigator.serviceWorker.controller")
    expect(page.locator(".leaflet-interactive").first).to_be_attached()
    points = page.locator("path.leaflet-interactive").count()

    page.context.set_offline(True)
    try:
        page.reload()
        expect(page.get_by_role("heading", name="杜阮镇应急准备")).to_be_visible()
        expect(page.locator(".leaflet-control-layers")).to_contain_text("内涝点")
        expect(page.locator("path.leaflet-interactive")).to_have_count(points)
        shot(page, viewport, "emergency-preparedness-offline")
    finally:
        page.context.set_offline(False)
