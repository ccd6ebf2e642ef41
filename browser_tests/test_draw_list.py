"""The list of double-random draws tells an undone draw from a standing one (issue 20, point 11), on the
desktop and on a phone, without scrolling sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import VIEWPORTS, log_in, shot

pytestmark = pytest.mark.browser


def _undone_draw():
    from accounts.models import User
    from core.errors import InvalidInput
    from inspections import services

    admin = User.objects.get(username="admin")
    town = User.objects.get(username="duruan").town
    for seed in range(20261203, 20261243):  # the first seed the demo's conflicts of interest allow
        try:
            draw = services.make_draw(
                actor=admin,
                pool={"town": town.pk, "sector": "industry_trade"},
                inspector_pool={"town": town.pk},
                count=1,
                seed=seed,
            )
            break
        except InvalidInput:
            continue
    return services.undo_draw(draw, actor=admin, version=draw.version, data={"reason": "抽取范围选错"})


def test_the_draw_list_marks_an_undone_draw(site, new_page, viewport):
    draw = _undone_draw()
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/inspections/draws/")
    row = page.locator("tr", has=page.locator(f'a[href="/inspections/draws/{draw.pk}/"]'))
    expect(row.get_by_test_id("draw-state")).to_have_text("已撤销")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], width
    shot(page, viewport, "draw-list")
