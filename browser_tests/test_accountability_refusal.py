"""A refused post on an accountability page: the page again with the reason, never a silent redirect.
The district administrator writes a commitment on a measure that a colleague closes meanwhile."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import VIEWPORTS, log_in, shot

pytestmark = pytest.mark.browser


def test_a_commitment_on_a_measure_closed_meanwhile_is_refused_on_its_page(site, new_page, viewport):
    from accountability.models import MeasureRecord

    measure = MeasureRecord.objects.exclude(state="closed").order_by("pk").first()
    before = measure.commitments.count()
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/accountability/measures/{measure.pk}/")
    page.get_by_label("整改承诺", exact=True).fill("完成全员安全生产培训")
    page.get_by_label("完成期限", exact=True).fill("2027-03-31")
    MeasureRecord.objects.filter(pk=measure.pk).update(state="closed")  # a colleague closed it
    with page.expect_navigation():
        page.get_by_role("button", name="添加整改承诺").click()
    expect(page.locator(".alert-danger").first).to_contain_text("该措施已办结")
    assert measure.commitments.count() == before
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    done = page.get_by_role("button", name="已完成").first
    if done.count():  # a commitment's button keeps its label on one line on the phone
        box = done.bounding_box()
        assert box["width"] > box["height"], box
    shot(page, viewport, "commitment-refused")
