"""Finishing a day's inspection without signal, at 390×844 and 1366×800 (issue 20): the inspector starts the
task in a plant room with no signal, answers every item (one fails), types the place, presses 完成检查 and
confirms the failed item's hazard on the device. A reload without signal loses nothing; when the signal returns the server
gets the start, the answers and the finish in that order: one finished inspection and one hazard, titled as
the inspector confirmed it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import VIEWPORTS, shot
from browser_tests.test_field_review import _campaign_task, _user
from browser_tests.test_offline_field import kept_for_the_day

pytestmark = pytest.mark.browser


def _answer_every_item(page, items, failed) -> None:
    for item in items:
        section = page.locator(f"#item-{item.pk}")
        section.locator("label[for$='-fail']" if item == failed else "label[for$='-pass']").click()
    page.locator(f"#item-{failed.pk} textarea[name=note]").fill("泵房入口未设警示标志")
    page.locator(f"#item-{failed.pk} textarea[name=note]").blur()
    page.get_by_label("检查场所", exact=True).fill("地下泵房")
    page.get_by_label("检查场所", exact=True).blur()


def test_an_inspection_finished_without_signal_reaches_the_server_once(site, new_page, viewport):
    from hazards.models import Hazard
    from inspections.models import Inspection

    inspector = _user("inspector_duruan")
    _campaign, task = _campaign_task(inspector)
    items = list(task.template.items.order_by("number"))
    failed = items[0]
    page = new_page()
    kept_for_the_day(page, site, f"/inspections/tasks/{task.pk}/")

    page.context.set_offline(True)
    try:
        page.get_by_role("button", name="开始检查").click()
        page.get_by_role("link", name="完成检查").click()
        panel = page.get_by_test_id("offline-finish")
        panel.get_by_role("button", name="确认并完成").click()
        # Refused on the phone while items are open: said in words, nothing queued.
        expect(panel.get_by_role("alert")).to_contain_text("请先完成所有检查项")
        panel.get_by_role("button", name="返回检查项").click()

        _answer_every_item(page, items, failed)
        page.get_by_role("link", name="完成检查").click()
        title = panel.locator("fieldset:not([hidden])").get_by_label("隐患名称")
        expect(title).to_have_count(1)  # only the failed item's hazard to confirm
        title.fill("地下泵房入口未设警示标志")
        panel.get_by_role("button", name="确认并完成").click()
        expect(page.get_by_test_id("finish-queued")).to_be_visible()
        # Withdrawn, the answers can be changed again; confirmed again, it is queued once.
        panel.get_by_role("button", name="撤回以修改检查结果").click()
        expect(page.get_by_test_id("finish-queued")).to_be_hidden()
        page.get_by_role("link", name="完成检查").click()
        expect(title).to_have_value("地下泵房入口未设警示标志")
        panel.get_by_role("button", name="确认并完成").click()
        expect(page.get_by_test_id("finish-queued")).to_be_visible()
        assert not Inspection.objects.filter(task=task).exists()

        page.reload()  # from the cache: the finish is still queued, the answers still given
        expect(page.get_by_test_id("finish-queued")).to_be_visible()
        expect(page.locator(f"#item-{failed.pk} input[value=fail]")).to_be_checked()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS[viewport]["width"], f"the task page is {width} px wide"
        shot(page, viewport, "offline-finish")
    finally:
        page.context.set_offline(False)
    page.evaluate("window.redlineOffline.sync()")
    page.wait_for_function("window.redlineOffline.count().then(n => n === 0)")
    expect(page.get_by_test_id("finish-queued")).to_contain_text("检查已在服务器上完成")

    inspection = Inspection.objects.get(task=task)
    assert (inspection.state, inspection.place) == ("finished", "地下泵房")
    hazards = Hazard.objects.filter(
        origin_type="inspections.itemresult", origin_id__in=inspection.results.values("pk")
    )
    assert list(hazards.values_list("title", "description")) == [
        ("地下泵房入口未设警示标志", "泵房入口未设警示标志")
    ]
    assert page.js_errors == []
