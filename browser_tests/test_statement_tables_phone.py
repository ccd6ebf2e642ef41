"""The enterprise's principal opens its hazard statistics table on a 390 px phone and signs it (R-HAZ-10,
order 16 art. 14): the table shows the ledger's figures, the signature records name and time, and no
page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


@pytest.fixture
def viewport() -> str:
    """This module runs at the phone size only (390×844)."""
    return "phone"


def _fits(page, name: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{name}: the page is {width} px wide on a {PHONE_WIDTH} px phone"


def test_the_principal_signs_the_quarterly_table_on_a_phone(site, new_page, viewport):
    from hazards.models import HazardStatement
    from registry.models import Enterprise

    page = new_page()
    log_in(page, site, "ent_duruan_head")
    page.goto(f"{site}/hazards/statements/")
    expect(page.get_by_role("heading", name="统计分析表")).to_be_visible()
    _fits(page, "own tables")
    shot(page, viewport, "statement-list")
    page.get_by_role("link", name="事故隐患排查治理情况季度统计分析表").first.click()
    figures = page.get_by_test_id("statement-figures")
    expect(figures).to_contain_text("本期排查发现一般事故隐患")
    _fits(page, "the table")
    shot(page, viewport, "statement-detail")
    statement = HazardStatement.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[-1]))
    for code, value in statement.figures.items():
        expect(page.locator(f'tr[data-figure="{code}"] td.text-end')).to_have_text(str(value))
    page.once("dialog", lambda dialog: dialog.accept())  # "sign with these figures?"
    with page.expect_navigation():
        page.get_by_role("button", name="签字报送").click()
    expect(page.get_by_test_id("statement-state")).to_contain_text("已签字")
    principal = Enterprise.objects.get(pk=statement.enterprise_id).principal_user
    expect(page.get_by_test_id("signed-by")).to_have_text(principal.display_name)
    expect(page.get_by_test_id("signed-at")).not_to_have_text("—")
    expect(page.get_by_role("button", name="签字报送")).to_have_count(0)
    _fits(page, "the signed table")
    shot(page, viewport, "statement-signed")
    assert not page.js_errors
