"""The enterprise's change of operating status in a real browser, on a phone and a laptop."""

from __future__ import annotations

import pytest

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


def test_a_change_of_status_from_a_stale_page_comes_back_with_the_reason_kept(site, new_page, viewport):
    """The status form posts to the route generated from the enterprise's transition table; a refusal draws
    the enterprise's page again with what was typed."""
    from django.db.models import F

    from registry.models import Enterprise

    enterprise = Enterprise.objects.filter(town__code="440703100", status="operating").order_by("id").first()
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/registry/enterprises/{enterprise.pk}/")
    Enterprise.objects.filter(pk=enterprise.pk).update(
        version=F("version") + 1
    )  # a colleague saved meanwhile
    page.locator("#id_status").select_option("suspended")
    page.locator("#id_reason").fill("责令停产整顿")
    with page.expect_navigation():
        page.get_by_role("button", name="变更状态").click()
    assert page.get_by_test_id("form-errors").is_visible()
    assert page.locator("#id_reason").input_value() == "责令停产整顿"
    assert page.locator("#id_status").input_value() == "suspended"
    enterprise.refresh_from_db()
    assert enterprise.status == "operating"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    shot(page, viewport, "enterprise-status-refused")
