"""The duty room on a 390 px phone: a town officer reports an event with a death through the report form,
the report page shows its running clocks; the duty officer's board lists who is on duty now and the new
report with its clocks. No page scrolls sideways, every control has a label."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@pytest.fixture
def viewport() -> str:
    """This module runs at the phone size only."""
    return "phone"


def _fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: the page is {width} px wide on a {PHONE_WIDTH} px phone"


def _unlabelled(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
          .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
          .map(el => el.name || el.id)"""
    )


def test_a_towns_report_reaches_the_duty_board_with_its_clock(site, new_page, viewport):
    page = new_page()
    log_in(page, site, "baisha")
    page.clock.install()  # the page's own clock, moved on below to see the countdowns tick
    page.goto(f"{site}/duty/reports/new/")
    _fits(page, "report form")
    assert _unlabelled(page) == []
    now = timezone.localtime()
    page.get_by_label("标题", exact=True).fill("白沙街道某仓库坍塌")
    page.get_by_label("事件类型", exact=True).select_option("production_accident")
    page.get_by_label("事发时间", exact=True).fill(
        (now - dt.timedelta(minutes=15)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("单位获知时间", exact=True).fill(
        (now - dt.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("死亡人数", exact=True).fill("1")
    page.get_by_label("事件经过", exact=True).fill("仓库货架坍塌，一人被压，经抢救无效死亡。")
    shot(page, viewport, "duty-report-form")
    with page.expect_navigation():
        page.get_by_role("button", name="报送").click()
    expect(page.get_by_test_id("report-state")).to_have_text("已报送")
    expect(page.get_by_test_id("clock-phone")).to_be_visible()
    expect(page.get_by_test_id("clock-written")).to_contain_text("书面报告")
    _fits(page, "report page")
    shot(page, viewport, "duty-report-page")
    # The next follow-up (R-ACC-4, a day after the report) counts down without a reload, and turns red
    # once it is overdue.
    follow_up = page.get_by_test_id("clock-follow-up")
    expect(follow_up.locator("[data-countdown]")).to_have_text(re.compile(r"^剩余2[34]:\d\d$"))
    page.clock.fast_forward("25:00:00")
    expect(follow_up.locator("[data-countdown]")).to_have_text(re.compile(r"^已超时[01]:\d\d$"))
    expect(follow_up).to_have_class(re.compile(r"text-bg-danger"))

    page.context.clear_cookies()
    log_in(page, site, "duty")
    page.goto(f"{site}/duty/")
    expect(page.get_by_test_id("on-duty")).to_contain_text("区应急管理局总值班室")
    reports = page.get_by_test_id("open-reports")
    expect(reports).to_contain_text("白沙街道某仓库坍塌")
    expect(reports.get_by_test_id("clock-written").first).to_be_visible()
    _fits(page, "duty board")
    shot(page, viewport, "duty-board")
    assert page.js_errors == []


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_the_district_prepares_next_months_rosters_for_every_room_from_the_rooms_page(
    site, new_page, viewport
):
    from core import background
    from core.models import BackgroundJob
    from duty.tests.conftest import month_ahead

    month = f"{month_ahead(7):%Y-%m}"
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/duty/rooms/?month={month}")
    if viewport == "phone":
        _fits(page, "rooms")
    assert _unlabelled(page) == []
    expect(page.get_by_test_id("room-roster").first).to_contain_text("尚未编排")
    page.get_by_label("月份", exact=True).fill(month)
    page.get_by_label("覆盖完整的排班表直接发布").check()
    shot(page, viewport, "duty-month-form")
    with page.expect_navigation():
        page.get_by_role("button", name="编排全部值班室排班").click()
    expect(page.get_by_test_id("job-progress")).to_be_visible()
    job = BackgroundJob.objects.get(kind="duty.month", params__month=month)
    background.run_background_job(job.pk)  # what the job runner does beside the web server
    expect(page.get_by_test_id("job-progress")).to_have_attribute("data-state", "done", timeout=10_000)
    with page.expect_navigation():
        page.get_by_role("link", name="继续").click()
    expect(page.get_by_test_id("room-roster")).to_have_count(9)
    for cell in page.get_by_test_id("room-roster").all():
        expect(cell).to_contain_text("已发布")
    if viewport == "phone":
        _fits(page, "rooms after")
    shot(page, viewport, "duty-month-done")


def test_a_town_sets_its_rooms_shift_pattern_on_a_phone(site, new_page, viewport):
    """The town's officer sets the town's room to 12-hour shifts from 08:00 on a 390 × 844 phone: a
    start typed wrong comes back with its error beside the field and nothing saved; then the room's page
    shows the pattern in words and its two shifts a day."""
    from duty.models import DutyRoom

    room = DutyRoom.objects.get(town__users__username="duruan")
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/duty/rooms/{room.pk}/")
    expect(page.get_by_test_id("room-pattern")).to_contain_text("每日 08:30 起 24 小时一班")
    expect(page.get_by_test_id("room-pattern")).to_contain_text("全区设置")
    _fits(page, "room page")
    with page.expect_navigation():
        page.get_by_role("link", name="设置值班班制").click()
    expect(page.get_by_test_id("pattern-note")).to_contain_text("已发布的排班表")
    _fits(page, "pattern form")
    assert _unlabelled(page) == []
    start = page.get_by_label("首班开始时间", exact=True)
    # A browser without a time picker sends what was typed: the server's rule answers it.
    start.evaluate("el => { el.type = 'text'; }")
    start.fill("8点")
    page.get_by_label("班次时长", exact=True).select_option("12")
    with page.expect_navigation():
        page.get_by_role("button", name="保存班制").click()
    error = page.locator('[data-field="shift_start"] [data-testid="field-error"]')
    expect(error).to_contain_text("HH:MM")
    expect(page.get_by_label("班次时长", exact=True)).to_have_value("12")  # the rest of the input kept
    _fits(page, "pattern form with an error")
    shot(page, viewport, "duty-pattern-error")
    room.refresh_from_db()
    assert (room.shift_start, room.shift_hours) == (None, None)

    start = page.get_by_label("首班开始时间", exact=True)
    start.evaluate("el => { el.type = 'time'; }")
    start.fill("08:00")
    shot(page, viewport, "duty-pattern-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存班制").click()
    expect(page.get_by_test_id("room-pattern")).to_contain_text(
        "每日 08:00 起 12 小时一班（每日 2 班：08:00、20:00）"
    )
    expect(page.get_by_test_id("room-pattern")).not_to_contain_text("全区设置")
    _fits(page, "room page after")
    shot(page, viewport, "duty-pattern-saved")
    room.refresh_from_db()
    assert (room.shift_start.strftime("%H:%M"), room.shift_hours) == ("08:00", 12)
    assert page.js_errors == []
