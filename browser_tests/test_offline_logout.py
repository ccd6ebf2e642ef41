"""Logging out clears what the phone keeps (Clear-Site-Data), the offline queue included (issue 20): with
captures not yet sent, the inspector is asked first, told how many would be lost, and may stay."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import shot
from browser_tests.test_field_evidence import _inspection, _log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def _log_out(page) -> None:
    """As the menu's 退出 button does: submit the logout form (its submit event included)."""
    page.evaluate("document.querySelector(\"form[action='/accounts/logout/']\").requestSubmit()")


def test_logging_out_with_unsynced_captures_asks_first_and_names_their_number(site, new_page):
    inspection = _inspection()
    first_item = inspection.results.order_by("item__number").first().item
    page = new_page()
    context = page.context
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/records/{inspection.pk}/")

    context.set_offline(True)
    item = page.locator(f"#item-{first_item.pk}")
    item.locator("label[for$='-fail']").click()
    page.wait_for_function("window.redlineOffline.count().then(n => n === 1)")
    # The signal is back but the server cannot be reached yet: the answer stays queued.
    context.route("**/items/**", lambda route: route.abort())
    context.set_offline(False)

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    _log_out(page)
    page.wait_for_function("window.redlineOffline.count().then(n => n === 1)")
    expect(page.get_by_test_id("offline-queue")).to_contain_text("未同步：1 项")
    assert asked == ["本机还有 1 项采集未同步，现在退出将删除这些记录。仍要退出吗？"]
    assert page.url.endswith(f"/inspections/records/{inspection.pk}/")  # stayed, still signed in
    shot(page, "phone", "logout-kept")

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        _log_out(page)
    assert len(asked) == 2
    page.goto(f"{site}/inspections/tasks/")
    assert "/accounts/login/" in page.url


def test_logging_out_with_nothing_queued_asks_nothing(site, new_page):
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/tasks/")
    page.wait_for_function("window.redlineOffline.count().then(n => n === 0)")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    with page.expect_navigation():
        _log_out(page)
    page.goto(f"{site}/inspections/tasks/")
    assert "/accounts/login/" in page.url and not asked
