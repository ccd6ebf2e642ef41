"""Phone and desktop layout defects of issue 20, point 10: the inspection sub-tabs keep each label on one
line, checklist items follow their numbers, and the statistics year label does not wrap."""

from __future__ import annotations

import pytest

from browser_tests.conftest import shot
from browser_tests.test_field_evidence import _inspection, _log_in

pytestmark = pytest.mark.browser


def test_subtabs_items_and_year_label(site, new_page, viewport):
    inspection = _inspection()
    page = new_page()
    _log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/tasks/")
    for link in page.locator("ul.nav-pills .nav-link").all():
        box = link.bounding_box()
        line = float(link.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 20"))
        assert box["height"] < 2.2 * line, (link.inner_text(), box)
    shot(page, viewport, "inspection-subtabs")

    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    numbers = page.locator("section[id^=item-] h2").evaluate_all(
        "els => els.map(e => parseInt(e.textContent.trim(), 10))"
    )
    assert numbers == sorted(numbers) and len(numbers) > 3, numbers

    page = new_page(fresh=True)
    _log_in(page, site, "admin")
    page.goto(f"{site}/accidents/stats/")
    label = page.locator("label[for=f-year]")
    box = label.bounding_box()
    assert box["width"] > box["height"], box  # one line, not one character per line
    shot(page, viewport, "accident-stats")
