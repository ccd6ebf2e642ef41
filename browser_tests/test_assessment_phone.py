"""The annual assessment on a phone: a town officer goes from the town's score to an item's records, and
the table stacks instead of scrolling sideways."""

from __future__ import annotations

import pytest

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_town_drills_down_from_its_score_to_the_records(site, new_page, viewport):
    from django.utils import timezone

    year = timezone.localdate().year
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/accountability/assessment/?year={year}&kind=town")
    table = page.get_by_test_id("scorecard")
    assert table.locator("tbody tr").count() == 1  # the town's own score only
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    shot(page, viewport, "assessment-town")
    table.locator("tbody a").first.click()
    page.get_by_test_id("score-items").wait_for()
    score = float(page.get_by_test_id("unit-score").inner_text())
    points = [
        float(cell.inner_text().split()[0])
        for cell in page.get_by_test_id("score-items").locator("tbody td:nth-child(4)").all()
    ]
    assert round(sum(points), 2) == score
    shot(page, viewport, "assessment-unit")
    link = page.get_by_test_id("records-accidents")
    count = int(link.inner_text())
    link.click()
    page.get_by_test_id("item-records").wait_for()
    listed = page.get_by_test_id("item-records").locator("li:not(.text-muted)").count()
    assert listed == count
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.js_errors == []
    shot(page, viewport, "assessment-records")
