"""One hazard around the whole loop on a 390 px phone screen (issue 3, R-HAZ-2 and R-HAZ-5), every step
through the pages a phone user has: the inspector registers it with a photo from the page's file input, the
town officer assigns the five determinations, the enterprise submits its rectification with an "after" photo
and a note, the inspector accepts (the submitter may not), and the town officer closes it.

At each step the state badge changes and the timeline grows; no page scrolls sideways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import DEMO_PASSWORD, shot

pytestmark = pytest.mark.browser

PHONE_WIDTH, VIEWPORT_HEIGHT = 390, 844
# Where the inspector stands in Duruan; the phone gives it to the evidence form (R-HAZ evidence location).
POSITION = {"latitude": 22.6341, "longitude": 113.0045}


@pytest.fixture
def viewport() -> str:
    """This module runs at the phone size only."""
    return "phone"


def _photo(path: Path, colour: tuple[int, int, int], fmt: str) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (64, 48), colour)
    ImageDraw.Draw(image).rectangle((8, 8, 40, 30), fill=(255, 255, 255))
    image.save(path, fmt)
    return path


def _log_in(page, base_url: str, username: str) -> None:
    """Through the real login form; its own button (the navbar's language switch is a submit button too)."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名", exact=True).fill(username)
    page.get_by_label("密码", exact=True).fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()
    assert page.url == f"{base_url}/", f"{username} could not log in: {page.url}"


def _fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: the page is {width} px wide on a {PHONE_WIDTH} px phone"


def _unlabelled_controls(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main input, main select, main textarea'))
          .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                        && !el.getAttribute('aria-labelledby'))
          .map(el => el.name || el.id)"""
    )


def _timeline_length(page) -> int:
    return page.get_by_test_id("timeline").locator("ul.rl-timeline > li").count()


def _state(page) -> str:
    return page.get_by_test_id("hazard-state").first.inner_text().strip()


def _open_action(page, code: str, name: str):
    """From the hazard page, the action's button (visible and big enough to tap) opens its form."""
    button = page.get_by_test_id("hazard-actions").locator(f"[data-action='{code}']")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= 32 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (code, box)
    with page.expect_navigation():
        button.click()
    form = page.get_by_test_id("action-form")
    expect(form).to_be_visible()
    _fits(page, f"{code} form")
    assert _unlabelled_controls(page) == [], code
    submit = page.get_by_test_id("action-submit")
    submit.scroll_into_view_if_needed()
    assert submit.is_visible()
    shot(page, "phone", f"hazard-loop-{name}-form")
    return form


def _submit_action(page, hazard_url: str, state: str, events_before: int, name: str) -> int:
    with page.expect_navigation():
        page.get_by_test_id("action-submit").click()
    assert page.url == hazard_url, f"{name}: stayed on {page.url}"
    expect(page.get_by_test_id("hazard-state").first).to_have_text(state)
    assert page.locator(".alert-success").is_visible()  # the step's confirmation
    events = _timeline_length(page)
    assert events == events_before + 1, f"{name}: timeline {events_before} → {events}"
    _fits(page, f"hazard page after {name}")
    shot(page, "phone", f"hazard-loop-{name}")
    return events


def test_one_hazard_goes_around_the_whole_loop_on_a_phone(site, new_page, tmp_path):
    from accounts.models import User
    from attachments.models import Attachment
    from hazards.models import Hazard

    enterprise = User.objects.get(username="ent_duruan").enterprise
    assert enterprise.town.name == "杜阮镇"
    before_photo = _photo(tmp_path / "before.jpg", (180, 40, 30), "JPEG")
    after_photo = _photo(tmp_path / "after.png", (30, 140, 60), "PNG")
    title = "配电箱柜门缺失，带电部位裸露"

    page = new_page()
    page.context.grant_permissions(["geolocation"], origin=site)
    page.context.set_geolocation(POSITION)

    # 1. The inspector registers the hazard from the list, with a photo from the phone.
    _log_in(page, site, "inspector_duruan")
    expect(page.get_by_test_id("panel-hazards")).to_be_visible()
    page.goto(f"{site}/hazards/")
    _fits(page, "hazard list")
    assert _unlabelled_controls(page) == []
    # The rarer filters fold away on a phone, so the first hazards show on the first screen.
    expect(page.locator("#more-filters")).to_be_hidden()
    assert page.get_by_test_id("hazard-row").first.bounding_box()["y"] < VIEWPORT_HEIGHT
    shot(page, "phone", "hazard-loop-list")
    page.get_by_test_id("more-filters-toggle").click()
    expect(page.get_by_label("隐患等级", exact=True)).to_be_visible()
    _fits(page, "hazard list with every filter")
    with page.expect_navigation():
        page.get_by_test_id("report-hazard").click()
    form = page.get_by_test_id("hazard-form")
    _fits(page, "registration form")
    assert _unlabelled_controls(page) == []
    form.get_by_label("企业", exact=True).select_option(str(enterprise.pk))
    form.get_by_label("隐患名称", exact=True).fill(title)
    form.locator("input[type=file][name=photos]").set_input_files(str(before_photo))
    # The phone's position arrives after the photo is chosen; the form must wait for it, not for a clock.
    expect(form.locator("input[name=lat]")).not_to_have_value("")
    form.get_by_label("具体位置", exact=True).fill("二号车间东侧配电房")
    form.get_by_label("来源", exact=True).select_option("government_inspection")
    form.get_by_label("隐患描述", exact=True).fill("配电箱柜门缺失，母排带电部位裸露，未设警示标志。")
    shot(page, "phone", "hazard-loop-register-form")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    hazard = Hazard.objects.get(title=title)
    hazard_url = f"{site}/hazards/{hazard.pk}/"
    assert page.url == hazard_url
    expect(page.get_by_test_id("hazard-state").first).to_have_text("已登记")
    expect(page.get_by_test_id("evidence").locator("img")).to_have_count(1)
    assert "22.6341, 113.0045" in page.get_by_test_id("evidence").inner_text()
    events = _timeline_length(page)
    assert events == 1
    _fits(page, "hazard page")
    shot(page, "phone", "hazard-loop-registered")
    # The inspector does not assign or close: those buttons are not offered.
    assert page.locator("[data-action='assign'], [data-action='close']").count() == 0

    # 2. The town officer finds it in the list by searching (HTMX rows) and assigns the five determinations.
    _log_in(page, site, "duruan")
    page.goto(f"{site}/hazards/")
    with page.expect_response(lambda r: "/hazards/" in r.url and "q=" in r.url):
        page.get_by_label("搜索", exact=True).fill("配电箱柜门缺失")
        page.get_by_label("搜索", exact=True).press("Enter")
    row_link = page.locator("#rows").get_by_role("link", name=title)
    expect(row_link).to_be_visible()
    expect(page.get_by_test_id("hazard-row")).to_have_count(1)  # the search narrowed the list to it
    _fits(page, "searched hazard list")
    with page.expect_navigation():
        row_link.click()
    assert page.url == hazard_url
    form = _open_action(page, "assign", "assign")
    form.get_by_label("整改措施", exact=True).fill("补装柜门并加锁，张贴“有电危险”警示标志，检查接地。")
    form.get_by_label("整改责任人", exact=True).fill("李明")
    form.get_by_label("整改资金（元）", exact=True).fill("800")
    events = _submit_action(page, hazard_url, "整改中", events, "assigned")
    expect(page.get_by_test_id("countdown")).to_be_visible()
    assert "李明" in page.get_by_test_id("five-determinations").inner_text()

    # 3. The enterprise submits what it did, with an "after" photo.
    _log_in(page, site, "ent_duruan")
    page.goto(hazard_url)
    form = _open_action(page, "submit", "submit")
    form.locator("input[type=file][name=photos]").set_input_files(str(after_photo))
    form.get_by_label("整改完成情况", exact=True).fill("已补装柜门并加锁，张贴警示标志，接地电阻复测合格。")
    events = _submit_action(page, hazard_url, "待验收", events, "submitted")

    # The submitter may not accept (R-HAZ-5): no button, and the address itself is refused with a message.
    assert page.locator("[data-action='accept']").count() == 0
    response = page.goto(f"{hazard_url}accept/")
    assert response.status == 403
    expect(page.get_by_text("您无权执行此操作")).to_be_visible()
    _fits(page, "refusal page")
    shot(page, "phone", "hazard-loop-submitter-refused")
    page.goto(hazard_url)
    assert _state(page) == "待验收" and _timeline_length(page) == events

    # 4. The inspector, who did not submit, accepts.
    _log_in(page, site, "inspector_duruan")
    page.goto(hazard_url)
    form = _open_action(page, "accept", "accept")
    form.get_by_label("验收意见", exact=True).fill("现场复查，柜门已装并加锁，警示标志齐全，同意验收。")
    events = _submit_action(page, hazard_url, "已验收", events, "accepted")

    # 5. The town officer closes it (销号).
    _log_in(page, site, "duruan")
    page.goto(hazard_url)
    _open_action(page, "close", "close")
    events = _submit_action(page, hazard_url, "已销号", events, "closed")

    # The record at the end: both photos in the gallery, no further action, five steps on the timeline.
    evidence = page.get_by_test_id("evidence")
    expect(evidence.locator("img")).to_have_count(2)
    for img in evidence.locator("img").all():
        img.scroll_into_view_if_needed()
        assert img.evaluate("el => el.complete && el.naturalWidth > 0"), img.get_attribute("src")
    assert "已补装柜门并加锁" in evidence.inner_text()
    assert page.get_by_test_id("hazard-actions").count() == 0
    assert events == 5
    assert page.js_errors == []
    hazard.refresh_from_db()
    assert hazard.state == "closed" and hazard.submitted_by.username == "ent_duruan"
    assert hazard.accepted_by.username == "inspector_duruan"
    purposes = sorted(Attachment.objects.for_owner(hazard).values_list("purpose", flat=True))
    assert purposes == ["after", "before"]
    page.get_by_test_id("evidence").scroll_into_view_if_needed()
    shot(page, "phone", "hazard-loop-closed")
