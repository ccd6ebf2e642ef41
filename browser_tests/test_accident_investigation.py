"""The accident investigation's forms in a real browser, on a phone and a laptop."""

from __future__ import annotations

import pytest

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser


def test_a_measure_added_from_a_stale_page_comes_back_with_its_text_kept(site, new_page, viewport):
    """The investigation's forms post to the routes generated from its transition table, at the version
    the page was read; a colleague's change meanwhile is refused on the accident's page, the form open and
    the text kept, and the second try lands."""
    from django.db.models import F

    from accidents.models import Investigation

    investigation = Investigation.objects.filter(closed_at__isnull=True).order_by("id").first()
    measures = investigation.measures.count()
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/accidents/{investigation.accident_id}/")
    Investigation.objects.filter(pk=investigation.pk).update(version=F("version") + 1)  # a colleague
    page.get_by_text("添加整改措施").click()
    form = page.locator("form[action$='/investigation/measures/']")
    form.locator("#id_text").fill("脚手架全面加装防护栏杆")
    with page.expect_navigation():
        form.get_by_role("button", name="添加").click()
    assert page.locator(".alert-danger, [data-testid='form-errors']").first.is_visible()
    form = page.locator("form[action$='/investigation/measures/']")
    assert form.is_visible() and form.locator("#id_text").input_value() == "脚手架全面加装防护栏杆"
    assert investigation.measures.count() == measures
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width
    shot(page, viewport, "investigation-measure-refused")
    with page.expect_navigation():
        form.get_by_role("button", name="添加").click()
    assert investigation.measures.count() == measures + 1
    assert page.get_by_text("脚手架全面加装防护栏杆").first.is_visible()
