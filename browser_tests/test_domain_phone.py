"""The accident chain and the enterprise file on a 390 px phone: the duty officer records the notification
of public security from the accident page and sees its clock turn done; the enterprise's safety officer sees
its expired licence flagged on the file and adds a special operator. No page scrolls sideways, every control
has a label."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


def _accident():
    from accidents import services
    from accounts.models import User
    from registry.models import Enterprise

    town = User.objects.get(username="duruan")
    enterprise = Enterprise.objects.filter(town=town.town, sectors="industry_trade").order_by("pk").first()
    return services.record_accident(
        actor=town,
        data={
            "occurred_at": timezone.now() - dt.timedelta(minutes=40),
            "town": town.town,
            "sector": "industry_trade",
            "enterprise": enterprise,
            "accident_type": "04",
            "narrative": "冲压车间工人手部被压伤",
            "deaths": 0,
            "serious_injuries": 1,
            "direct_loss": Decimal("0"),
        },
    )


def test_the_duty_officer_records_a_notification_on_the_accident_page(site, new_page, viewport):
    accident = _accident()
    page = new_page()
    log_in(page, site, "duty")
    page.goto(f"{site}/accidents/{accident.pk}/")
    chain = page.get_by_test_id("accident-chain")
    expect(chain).to_be_visible()
    expect(page.get_by_test_id("chain-notify_procuratorate")).to_be_visible()
    _fits(page, "accident chain")
    assert _unlabelled(page) == []
    step = page.get_by_test_id("chain-notify_public_security")
    step.get_by_label("备注", exact=True).fill("已电话通报区公安分局指挥中心")
    with page.expect_navigation():
        step.get_by_role("button", name="记录").click()
    step = page.get_by_test_id("chain-notify_public_security")
    expect(step).to_contain_text("已完成")
    expect(step).to_contain_text("已电话通报区公安分局指挥中心")
    _fits(page, "accident chain after recording")
    shot(page, viewport, "accident-chain")


def test_a_refused_closing_says_why_beside_the_button_and_keeps_the_typed_step(site, new_page, viewport):
    from accidents.choices import State

    accident = _accident()
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/accidents/{accident.pk}/")
    page.get_by_label("牵头单位", exact=True).fill("区应急管理局")
    with page.expect_navigation():
        page.get_by_role("button", name="启动调查").click()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="结案").click()
    refusal = page.get_by_test_id("form-errors")
    expect(refusal).to_contain_text("调查报告")
    expect(page.get_by_role("button", name="结案")).to_be_visible()
    _fits(page, "refused closing")
    accident.refresh_from_db()
    assert accident.state == State.INVESTIGATING
    step = page.get_by_test_id("chain-notify_public_security")
    step.get_by_label("完成时间", exact=True).fill("2099-01-01T08:00")
    step.get_by_label("备注", exact=True).fill("已电话通报区公安分局")
    with page.expect_navigation():
        step.get_by_role("button", name="记录").click()
    step = page.get_by_test_id("chain-notify_public_security")
    expect(step.get_by_test_id("form-errors")).to_be_visible()
    expect(step.get_by_label("备注", exact=True)).to_have_value("已电话通报区公安分局")
    _fits(page, "refused chain step")
    shot(page, viewport, "accident-refused")


def test_the_enterprise_sees_its_expired_licence_and_adds_a_special_operator(site, new_page, viewport):
    from accounts.models import User
    from registry.models import Licence

    enterprise = User.objects.get(username="ent_duruan").enterprise
    Licence.objects.create(
        enterprise=enterprise,
        kind="safety_production",
        number="（粤）WH安许证字〔2020〕0099",
        expires_on=timezone.localdate() - dt.timedelta(days=3),
    )
    page = new_page()
    log_in(page, site, "ent_duruan")
    page.goto(f"{site}/registry/enterprises/{enterprise.pk}/file/")
    expect(page.get_by_test_id("file-expired")).to_contain_text("WH安许证字〔2020〕0099")
    expect(page.get_by_test_id("ledger-licence").get_by_test_id("expired-badge")).to_be_visible()
    _fits(page, "enterprise file")
    ledger = page.get_by_test_id("ledger-special_operator")
    ledger.locator("summary").click()
    assert _unlabelled(page) == []
    ledger.get_by_label("姓名", exact=True).fill("王强")
    ledger.get_by_label("作业类别", exact=True).fill("焊接与热切割作业")
    ledger.get_by_label("证书编号", exact=True).fill("T440703199001011234")
    ledger.get_by_label("证书有效期至", exact=True).fill("2030-06-30")
    with page.expect_navigation():
        ledger.get_by_role("button", name="添加").click()
    expect(page.get_by_test_id("ledger-special_operator")).to_contain_text("王强")
    _fits(page, "enterprise file after adding")
    shot(page, viewport, "enterprise-file")


def test_the_district_adds_a_new_edition_of_a_criteria_source_on_a_phone(site, new_page, viewport):
    """R-HAZ-9: a new edition of a criteria document gets its own row before its items are imported; a
    code with spaces is refused with what was typed kept; the edition then heads the library's list."""
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/hazards/criteria/")
    page.get_by_test_id("add-source").click()
    page.get_by_label("编码", exact=True).fill("粉尘 2026")
    page.get_by_label("标题", exact=True).fill("粉尘防爆安全规程")
    page.get_by_label("标准号或文号", exact=True).fill("GB 15577-2026")
    page.get_by_label("版本", exact=True).fill("2026")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    expect(page.locator("[data-field=code].rl-has-error")).to_be_visible()
    expect(page.get_by_label("标题", exact=True)).to_have_value("粉尘防爆安全规程")
    assert _unlabelled(page) == []
    _fits(page, "source edition form")
    shot(page, viewport, "criteria-source-refused")
    page.get_by_label("编码", exact=True).fill("gb-dust-2026")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("source-table")).to_contain_text("《粉尘防爆安全规程》（GB 15577-2026）")
    _fits(page, "criteria library")
    assert page.js_errors == []
