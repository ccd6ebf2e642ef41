"""A plan's evaluation in a real browser, on a phone and a laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


def test_an_evaluation_dated_in_the_future_is_refused_with_the_findings_kept(site, new_page, viewport):
    """The evaluation posts to the route generated from the plan's table; the refusal draws the plan's page
    again with the evaluation form as posted."""
    from accounts.models import User
    from emergency.models import Plan

    keeper = User.objects.get(username="ent_duruan")
    plan = Plan.objects.filter(owner_enterprise=keeper.enterprise).order_by("pk").first()
    version = plan.version
    page = new_page()
    log_in(page, site, "ent_duruan")
    page.goto(f"{site}/emergency/plans/{plan.pk}/")
    form = page.get_by_test_id("evaluation-form")
    form.locator("#id_evaluated_on").fill("2099-01-01")
    form.locator("#id_findings").fill("通讯录需更新")
    with page.expect_navigation():
        form.get_by_role("button", name="登记评估").click()
    form = page.get_by_test_id("evaluation-form")
    expect(form.get_by_test_id("field-error").first).to_be_visible()
    expect(form.locator("#id_findings")).to_have_value("通讯录需更新")
    expect(form.locator("#id_evaluated_on")).to_have_value("2099-01-01")
    plan.refresh_from_db()
    assert plan.version == version
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    shot(page, viewport, "plan-evaluation-refused")
