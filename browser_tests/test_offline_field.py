"""Offline-first field capture at 390×844 (issue 20): open the inspection with signal, lose it, answer the
checklist, attach a photo, report a hazard, reload without signal (nothing lost, "未同步" counted), get the
signal back and find exactly one hazard and the answer on the server, even when the connection drops in the
middle of an upload (the retry carries the same idempotency key)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import shot
from browser_tests.test_field_evidence import _inspection, _log_in, _photo

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def _controlled(page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")


def kept_for_the_day(page, site, path: str, username: str = "inspector_duruan") -> None:
    """Signed in with signal, `path` opened once under the service worker's control and again through it:
    the page is kept for a day without signal."""
    from browser_tests.test_field_evidence import _log_in

    _log_in(page, site, username)
    page.goto(f"{site}{path}")
    _controlled(page)
    page.goto(f"{site}{path}")


def _queued(page) -> int:
    return page.evaluate("window.redlineOffline.count()")


def test_a_days_capture_without_signal_reaches_the_server_once(site, new_page, tmp_path):
    from attachments.models import Attachment
    from hazards.models import Hazard
    from inspections.models import ItemResult

    inspection = _inspection()
    first_item = inspection.results.order_by("item__number").first().item
    enterprise = inspection.enterprise
    title = "地下泵房有限空间未设警示标志"
    page = new_page()
    context = page.context
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/hazards/new/")
    _controlled(page)
    page.goto(f"{site}/hazards/new/")  # now through the service worker: cached for the day
    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    _controlled(page)
    page.goto(f"{site}/inspections/records/{inspection.pk}/")

    context.set_offline(True)
    try:
        item = page.locator(f"#item-{first_item.pk}")
        item.locator("label[for$='-fail']").click()
        item.locator("textarea[name=note]").fill("未设置安全警示标志")
        item.locator("textarea[name=note]").blur()
        item.locator("input[type=file][name=file]").set_input_files(str(_photo(tmp_path / "pump.jpg")))
        expect(item.get_by_test_id("photo-queued")).to_be_visible()
        page.wait_for_function("window.redlineOffline.count().then(n => n >= 2)")

        page.goto(f"{site}/hazards/new/")
        form = page.get_by_test_id("hazard-form")
        form.get_by_label("企业", exact=True).select_option(str(enterprise.pk))
        form.get_by_label("隐患名称", exact=True).fill(title)
        form.locator("input[type=file][name=photos]").set_input_files(str(_photo(tmp_path / "hazard.jpg")))
        form.locator("button[type=submit]").click()
        expect(page.get_by_test_id("hazard-queued")).to_be_visible()
        assert _queued(page) == 3

        # A reload without signal loses nothing: the page opens from the cache and the queue is counted.
        page.goto(f"{site}/inspections/records/{inspection.pk}/")
        page.reload()
        expect(page.get_by_test_id("offline-queue")).to_contain_text("未同步：3 项")
        expect(page.locator(f"#item-{first_item.pk} input[value=fail]")).to_be_checked()
        shot(page, "phone", "offline-queue")
        assert Hazard.objects.filter(title=title).count() == 0

        # The connection drops in the middle of the hazard's upload: the server got it, the phone did not.
        def drop_after_sending(route):
            if route.request.method == "POST":
                route.fetch()
                route.abort()
            else:
                route.continue_()

        context.route("**/hazards/new/", drop_after_sending)
    finally:
        context.set_offline(False)
    page.evaluate("window.redlineOffline.sync()")
    context.unroute("**/hazards/new/")
    assert Hazard.objects.filter(title=title).count() == 1
    assert _queued(page) == 1  # the phone never heard the answer: the hazard is still queued
    page.evaluate("window.redlineOffline.sync()")
    page.wait_for_function("window.redlineOffline.count().then(n => n === 0)")

    assert Hazard.objects.filter(title=title).count() == 1
    hazard = Hazard.objects.get(title=title)
    assert Attachment.objects.for_owner(hazard, "before").count() == 1
    result = ItemResult.objects.get(inspection=inspection, item=first_item)
    assert result.result == "fail" and result.note == "未设置安全警示标志"
    assert Attachment.objects.filter(owner_type="inspections.itemresult", owner_id=result.pk).count() == 1
    expect(page.get_by_test_id("offline-queue")).to_be_hidden()
