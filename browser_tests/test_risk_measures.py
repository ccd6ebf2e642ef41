"""A risk point's control measures in a real browser, on a phone and a laptop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


def test_a_measure_below_the_required_level_is_added_with_a_warning_and_removed_from_a_fresh_page(
    site, new_page, viewport
):
    """Adding and removing a measure are the point's transitions, posted at the version the page read: the
    added measure warns when its level is below the colour's (R-RISK-4); a removal from a page read before
    a colleague's change is refused with the reason on top and the measure kept."""
    from django.db.models import F

    from risk.models import ControlMeasure, RiskPoint

    point = (
        RiskPoint.objects.filter(
            enterprise__town__code="440703100",
            is_active=True,
            effective_colour__in=["red", "orange", "yellow"],
        )
        .order_by("id")
        .first()
    )
    description = f"班组每日班前安全喊话（{viewport}）"
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/risk/points/{point.pk}/")
    page.get_by_text("新增管控措施").click()
    form = page.locator("form[action$='/measures/']")
    form.locator("#id_kind").select_option("training")
    form.locator("#id_description").fill(description)
    form.locator("#id_level").select_option("team")
    with page.expect_navigation():
        form.get_by_role("button", name="添加").click()
    expect(page.locator(".alert-warning").first).to_be_visible()
    row = page.locator("tr", has_text=description)
    expect(row.get_by_test_id("level-warning")).to_be_visible()
    RiskPoint.objects.filter(pk=point.pk).update(version=F("version") + 1)  # a colleague saved meanwhile
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        row.get_by_role("button", name="移除").click()
    expect(page.locator(".alert-danger").first).to_be_visible()
    measure = ControlMeasure.objects.get(point=point, description=description)
    assert measure.is_active
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    shot(page, viewport, "risk-measure-removal-refused")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator("tr", has_text=description).get_by_role("button", name="移除").click()
    expect(page.locator("tr", has_text=description)).to_have_count(0)
    measure.refresh_from_db()
    assert not measure.is_active
