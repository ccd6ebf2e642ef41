"""A checklist answer captured offline never overwrites a change made on the server meanwhile (issue 20,
offline capture): at 390×844, the inspector answers without signal while a town officer changes the same
answers; when the signal returns the phone shows each conflict with both answers, and the inspector keeps
theirs for one item and takes the server's for the other."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import between_requests, shot
from browser_tests.test_field_evidence import _inspection
from browser_tests.test_offline_field import kept_for_the_day

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def _answer(item, result: str, note: str) -> None:
    item.locator(f"label[for$='-{result}']").click()
    item.locator("textarea[name=note]").fill(note)
    item.locator("textarea[name=note]").blur()


def _row(inspection, item):
    from inspections.models import ItemResult

    with between_requests():  # the page may be saving an answer this very moment
        return ItemResult.objects.get(inspection=inspection, item=item)


def test_an_answer_changed_on_the_server_meanwhile_is_shown_as_a_conflict(site, new_page):
    from accounts.models import User
    from inspections import services

    inspection = _inspection()
    first, second = [r.item for r in inspection.results.order_by("item__number")[:2]]
    page = new_page()
    kept_for_the_day(page, site, f"/inspections/records/{inspection.pk}/")

    page.context.set_offline(True)
    try:
        _answer(page.locator(f"#item-{first.pk}"), "pass", "现场查看合格")
        _answer(page.locator(f"#item-{second.pk}"), "pass", "警示标志齐全")
        page.wait_for_function("window.redlineOffline.count().then(n => n === 2)")
        # Meanwhile the town officer, with signal, records other answers for the same two items.
        officer = User.objects.get(username="duruan")
        for item in (first, second):
            services.save_item_result(
                actor=officer, inspection=inspection, item_id=item.pk, result="fail", note="通风设备损坏"
            )
    finally:
        page.context.set_offline(False)
    page.evaluate("window.redlineOffline.sync()")

    # Nothing was overwritten; each item shows both answers and the choice.
    for item in (first, second):
        row = _row(inspection, item)
        assert (row.result, row.note) == ("fail", "通风设备损坏")
        conflict = page.locator(f"#item-{item.pk}").get_by_test_id("answer-conflict")
        expect(conflict).to_be_visible()
        expect(conflict.get_by_test_id("conflict-theirs")).to_contain_text("通风设备损坏")
        expect(conflict.get_by_test_id("conflict-mine")).to_contain_text(
            "警示标志齐全" if item == second else "现场查看合格"
        )
    expect(page.get_by_test_id("offline-queue")).to_be_visible()
    shot(page, "phone", "offline-conflict")

    # Keep mine on the first item: saved, now based on the server's answer.
    page.locator(f"#item-{first.pk}").get_by_role("button", name="保留我的").click()
    expect(page.locator(f"#status-{first.pk}")).to_contain_text("已保存")
    row = _row(inspection, first)
    assert (row.result, row.note) == ("pass", "现场查看合格")

    # Take theirs on the second: the page shows the server's answer, the server keeps it.
    page.locator(f"#item-{second.pk}").get_by_role("button", name="采用对方的").click()
    expect(page.locator(f"#item-{second.pk} input[value=fail]")).to_be_checked()
    expect(page.locator(f"#item-{second.pk} textarea[name=note]")).to_have_value("通风设备损坏")
    page.wait_for_function("window.redlineOffline.count().then(n => n === 0)")
    row = _row(inspection, second)
    assert (row.result, row.note) == ("fail", "通风设备损坏")

    # A later answer online is based on what the page now shows: no false conflict.
    _answer(page.locator(f"#item-{second.pk}"), "na", "已停用")
    for _attempt in range(50):  # the autosave of the note follows the click's
        row = _row(inspection, second)
        if row.note == "已停用":
            break
        page.wait_for_timeout(200)
    expect(page.locator(f"#status-{second.pk}")).to_contain_text("已保存")
    assert (row.result, row.note) == ("na", "已停用")
    assert page.js_errors == []
