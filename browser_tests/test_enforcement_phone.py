"""The enforcement plan on a phone, in Chinese: a department officer plans whom to inspect."""

from __future__ import annotations

import pytest

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_department_adds_an_enterprise_to_its_plan(site, new_page, viewport):
    from django.utils import timezone

    from accountability.services import enforcement
    from accounts.models import User
    from registry.models import Enterprise

    yjj = User.objects.get(username="yjj")
    plan = enforcement.save_plan(
        actor=yjj, data={"year": timezone.localdate().year, "planned_inspections": 12}
    )
    target = (
        Enterprise.objects.visible_to(yjj)
        .exclude(pk__in=plan.entries.values("enterprise"))
        .order_by("name")[0]
    )
    page = new_page()
    log_in(page, site, "yjj")
    page.goto(f"{site}/accountability/cases/plans/{plan.pk}/")
    assert "执法计划" in page.locator("h1").inner_text()
    form = page.get_by_test_id("plan-entry-form")
    form.locator("select[name=enterprise]").select_option(str(target.pk))
    form.locator("input[name=month]").fill("13")
    form.locator("input[name=inspectors]").fill("张三、李四")
    form.locator("button").click()
    page.wait_for_load_state()
    # Refused (the month field's own range stops it before the server, which refuses it too): the month is
    # marked and the input is still there.
    assert page.locator("input[name=inspectors]").input_value() == "张三、李四"
    assert page.locator("input[name=month]").evaluate("e => e.validity.valid") is False
    page.locator("input[name=month]").fill("6")
    page.get_by_test_id("plan-entry-form").locator("button").click()
    page.wait_for_load_state()
    assert target.name in page.locator("table").inner_text()
    assert "尚未检查" in page.locator("table").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.js_errors == []
    shot(page, viewport, "enforcement-plan")


def _investigating_case(yjj, nth: int, title: str):
    """A case the department filed against one of its industry-and-trade enterprises, under investigation."""
    from accountability.services import enforcement
    from registry.models import Enterprise

    party = Enterprise.objects.visible_to(yjj).filter(sectors__code="industry_trade").order_by("pk")[nth]
    data = {"enterprise": party.pk, "sector": "industry_trade", "origin": "hazard", "title": title}
    case = enforcement.file_case(actor=yjj, data={**data, "facts": "经复查，隐患逾期未整改。"})
    return enforcement.investigate_case(case, actor=yjj, version=case.version)


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_department_records_a_hearing_request_and_issues_its_notice(site, new_page, viewport):
    import datetime as dt

    from django.utils import timezone

    from accountability.services import enforcement
    from accounts.models import User

    yjj = User.objects.get(username="yjj")
    case = _investigating_case(yjj, 0, "未采取措施消除事故隐患")
    case = enforcement.CASE_SERVICES["notify"](
        case, actor=yjj, version=case.version, data={"measure": "fine", "fine": "30000"}
    )
    page = new_page()
    log_in(page, site, "yjj")
    page.goto(f"{site}/accountability/cases/{case.pk}/hearing/")
    soon = timezone.localtime() + dt.timedelta(days=3)
    page.get_by_label("陈述申辩", exact=True).fill("当事人要求听证")
    page.get_by_label("听证时间", exact=True).fill(soon.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("听证地点", exact=True).fill("区应急管理局三楼会议室")
    page.get_by_role("button", name="记录陈述申辩或听证申请").click()
    page.wait_for_load_state()
    # Too soon: refused on the time, what was typed kept.
    assert "七日前" in page.locator("body").inner_text()
    assert page.get_by_label("听证地点", exact=True).input_value() == "区应急管理局三楼会议室"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, viewport, "enforcement-hearing-refused")
    later = timezone.localtime() + dt.timedelta(days=10)
    page.get_by_label("听证时间", exact=True).fill(later.strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="记录陈述申辩或听证申请").click()
    page.wait_for_load_state()
    assert "听证通知书 蓬应急听〔" in page.locator("body").inner_text()
    assert page.js_errors == []
    shot(page, viewport, "enforcement-hearing-notice")


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_an_inquiry_is_typed_question_by_question_and_kept_after_a_refusal(site, new_page, viewport):
    """The record of inquiry as the paper form has it (问/答), one pair at a time; a refusal keeps every
    pair typed; the record then lists its first question and its numbered document."""
    from accountability.models import EnforcementCase
    from accounts.models import User

    yjj = User.objects.get(username="yjj")
    case = _investigating_case(yjj, 1, "除尘系统隐患逾期未整改")
    page = new_page()
    log_in(page, site, "yjj")
    page.goto(f"{site}/accountability/cases/{case.pk}/")
    form = page.get_by_test_id("inquiry-form")
    form.get_by_label("被询问人", exact=True).fill("王五")
    form.get_by_label("日期", exact=True).fill("2026-03-02")
    form.locator("textarea[name=question]").nth(0).fill("你在本单位担任什么职务？")
    form.locator("textarea[name=answer]").nth(0).fill("车间主任。")
    form.get_by_role("button", name="增加一问").click()
    form.locator("textarea[name=question]").nth(1).fill("隐患为何逾期未整改？")
    # The second answer is left out: refused, naming the question, every pair kept.
    form.get_by_role("button", name="添加询问笔录").click()
    page.wait_for_load_state()
    form = page.get_by_test_id("inquiry-form")
    body = form.inner_text()
    assert "第 2 问：问题和回答都须填写。" in body
    assert form.locator("textarea[name=question]").nth(1).input_value() == "隐患为何逾期未整改？"
    assert form.locator("textarea[name=answer]").nth(0).input_value() == "车间主任。"
    assert form.get_by_label("被询问人", exact=True).input_value() == "王五"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, viewport, "enforcement-inquiry-refused")
    form.locator("textarea[name=answer]").nth(1).fill("配件没有到货。")
    form.get_by_role("button", name="添加询问笔录").click()
    page.wait_for_load_state()
    inquiry = EnforcementCase.objects.get(pk=case.pk).inquiries.get()
    assert [e["answer"] for e in inquiry.exchanges] == ["车间主任。", "配件没有到货。"]
    assert inquiry.document.number in page.locator("body").inner_text()
    assert page.js_errors == []
