"""Starting an inspection without signal at 390×844 (issue 20): the inspector opens the day's task with
signal, loses it in the plant room, presses 开始检查, answers an item and types the place; a reload without
signal loses nothing; when the signal returns the server gets one inspection, started when the button was
pressed, with the answer and the place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.conftest import shot
from browser_tests.test_field_review import _campaign_task, _user
from browser_tests.test_offline_field import kept_for_the_day

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def test_an_inspection_started_without_signal_reaches_the_server_once_with_its_answers(site, new_page):
    from inspections.models import Inspection, ItemResult

    inspector = _user("inspector_duruan")
    _campaign, task = _campaign_task(inspector)
    item = task.template.items.order_by("number").first()
    page = new_page()
    kept_for_the_day(page, site, f"/inspections/tasks/{task.pk}/")

    page.context.set_offline(True)
    try:
        pressed = timezone.now()
        page.get_by_role("button", name="开始检查").click()
        panel = page.get_by_test_id("offline-start")
        expect(panel).to_be_visible()
        answer = page.locator(f"#item-{item.pk}")
        answer.locator("label[for$='-fail']").click()
        answer.locator("textarea[name=note]").fill("泵房入口未设警示标志")
        answer.locator("textarea[name=note]").blur()
        page.get_by_label("检查场所", exact=True).fill("地下泵房")
        page.get_by_label("检查场所", exact=True).blur()
        page.wait_for_function("window.redlineOffline.count().then(n => n >= 3)")
        assert not Inspection.objects.filter(task=task).exists()

        page.reload()  # from the cache: the start, the answer and the place are still there
        expect(panel).to_be_visible()
        expect(page.locator(f"#item-{item.pk} input[value=fail]")).to_be_checked()
        expect(page.get_by_label("检查场所", exact=True)).to_have_value("地下泵房")
        expect(page.get_by_test_id("offline-queue")).to_contain_text("未同步：3 项")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the task page is {width} px wide"
        shot(page, "phone", "offline-start")
    finally:
        page.context.set_offline(False)
    page.evaluate("window.redlineOffline.sync()")
    page.wait_for_function("window.redlineOffline.count().then(n => n === 0)")

    inspection = Inspection.objects.get(task=task)
    assert abs(inspection.started_at - pressed) < dt.timedelta(seconds=30)
    assert inspection.place == "地下泵房"
    row = ItemResult.objects.get(inspection=inspection, item=item)
    assert (row.result, row.note) == ("fail", "泵房入口未设警示标志")
    assert page.js_errors == []
