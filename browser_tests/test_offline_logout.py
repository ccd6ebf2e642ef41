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


def _queue_one_answer_offline(page, site) -> None:
    """On a checklist, without signal: one answer goes to the phone's queue, and the server stays out of
    reach afterwards so that it stays there."""
    inspection = _inspection()
    first_item = inspection.results.order_by("item__number").first().item
    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    page.context.set_offline(True)
    page.locator(f"#item-{first_item.pk}").locator("label[for$='-fail']").click()
    page.wait_for_function("window.redlineOffline.count().then(n => n === 1)")
    page.context.route("**/items/**", lambda route: route.abort())
    page.context.set_offline(False)


def _click_log_out(page) -> None:
    """Through the shell's user menu, as a user does (the phone opens the collapsed navigation first)."""
    toggle = page.get_by_test_id("nav-toggle")
    if toggle.is_visible():
        toggle.click()
        # The menu slides open; a tap during the slide can land before the user menu is in place.
        page.locator("#rl-nav.show").wait_for()
    page.get_by_test_id("user-menu").click()
    button = page.get_by_role("button", name="退出登录")
    expect(button).to_be_visible()
    button.click()


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_logging_out_from_a_page_without_the_field_app_still_asks_about_unsynced_captures(
    site, new_page, viewport
):
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    _queue_one_answer_offline(page, site)

    page.goto(f"{site}/")  # the home page: no offline queue script of its own
    assert page.evaluate("typeof window.redlineOutbox") == "undefined"  # loaded only when logging out
    with page.expect_event("dialog") as asking:
        _click_log_out(page)
    dialog = asking.value
    assert dialog.message == "本机还有 1 项采集未同步，现在退出将删除这些记录。仍要退出吗？"
    dialog.dismiss()
    assert page.evaluate("window.redlineOutbox.count()") == 1  # cancelled: the queue is kept
    assert page.url == f"{site}/"
    page.reload()
    expect(page.get_by_test_id("user-menu")).to_be_attached()  # still signed in
    shot(page, viewport, "logout-kept-home")

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        _click_log_out(page)
    assert asked == ["本机还有 1 项采集未同步，现在退出将删除这些记录。仍要退出吗？"]
    page.goto(f"{site}/inspections/tasks/")
    assert "/accounts/login/" in page.url
    assert not page.js_errors


def test_logging_out_without_indexeddb_just_logs_out(site, new_page):
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    page.add_init_script(
        "delete window.indexedDB; Object.defineProperty(window, 'indexedDB', {value: undefined})"
    )
    page.goto(f"{site}/")
    assert page.evaluate("window.indexedDB === undefined")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    with page.expect_navigation():
        _click_log_out(page)
    page.goto(f"{site}/inspections/tasks/")
    assert "/accounts/login/" in page.url and not asked
    assert not page.js_errors


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
