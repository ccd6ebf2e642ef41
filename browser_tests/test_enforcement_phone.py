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
