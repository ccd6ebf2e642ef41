"""The user interface in a real browser, at a desktop and a 390 px phone viewport (issue 2, §5 and §9):
every demo role logs in through the login form and reaches its home page; a filtered list keeps to the
scope; a form shows its errors next to the fields; the language switch works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import log_in, shot

pytestmark = pytest.mark.browser

# (username, test ids of panels the home page must show, ones it must not)
PERSONAS = [
    ("admin", ["panel-registry", "panel-notifications"], []),
    ("leader", ["panel-registry"], []),
    ("yjj", ["panel-registry"], ["panel-own-enterprise"]),
    ("jtj", ["panel-registry"], []),
    ("duruan", ["panel-registry"], ["panel-own-enterprise"]),
    ("baisha", ["panel-registry"], []),
    ("inspector_duruan", ["panel-registry"], []),
    ("ent_duruan", ["panel-own-enterprise", "panel-notifications"], ["panel-registry"]),
    ("duty", ["panel-registry"], []),
    ("sysadmin", ["panel-notifications"], ["panel-registry"]),
    ("secadmin", ["panel-notifications"], ["panel-registry"]),
    ("auditadmin", ["panel-notifications"], ["panel-registry"]),
]


def _no_sideways_scroll(page) -> bool:
    # Against the device's width: a phone browser widens its layout viewport to fit content that overflows.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _unlabelled_controls(page) -> list[str]:
    """Form controls a screen reader cannot name: no <label>, no aria-label, no aria-labelledby."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
          .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
          .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                        && !el.getAttribute('aria-labelledby'))
          .map(el => el.name || el.id || el.outerHTML.slice(0, 60))"""
    )


def _count(page) -> int:
    return int(re.search(r"\d+", page.get_by_test_id("result-count").inner_text()).group())


def test_every_role_logs_in_and_sees_its_home_page(site, new_page, viewport):
    from accounts.models import User

    page = new_page()
    for username, shown, hidden in PERSONAS:
        page.context.clear_cookies()  # a fresh session; the static files stay cached
        log_in(page, site, username)
        assert page.url == f"{site}/", f"{username} ended on {page.url}"
        user = User.objects.get(username=username)
        assert user.display_name in page.locator("h1").inner_text()
        for test_id in shown:
            assert page.get_by_test_id(test_id).is_visible(), (username, test_id)
        for test_id in hidden:
            assert page.get_by_test_id(test_id).count() == 0, (username, test_id)
        system = page.locator("#rl-nav").get_by_text("系统管理")
        assert (system.count() > 0) is (username in ("admin", "sysadmin", "secadmin"))
        assert _no_sideways_scroll(page), f"{username}: the page scrolls sideways"
        assert page.js_errors == []
        if viewport == "phone":
            # The navigation collapses behind the toggle on a phone and opens with it.
            assert not page.locator("#rl-nav").is_visible()
            page.get_by_test_id("nav-toggle").click()
            page.locator("#rl-nav.show").wait_for()
            assert page.get_by_test_id("user-menu").is_visible()
        shot(page, viewport, f"home-{username}")


def test_filtered_lists_change_with_the_filters_and_keep_to_the_scope(site, new_page, viewport):
    from registry.models import Enterprise, Jurisdiction

    baisha = Jurisdiction.objects.get(code="440703001")
    duruan = Jurisdiction.objects.get(code="440703100")

    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/registry/enterprises/")
    assert _count(page) == Enterprise.objects.count()
    with page.expect_response(lambda r: "/registry/enterprises/" in r.url and "town=" in r.url):
        page.get_by_label("镇街", exact=True).select_option(str(baisha.pk))
    page.wait_for_function(
        f"document.querySelector('[data-testid=result-count]').innerText.match(/\\d+/)[0] == '{Enterprise.objects.filter(town=baisha).count()}'"
    )
    assert f"town={baisha.pk}" in page.url  # the filter is in the address, so it can be shared and reloaded
    towns = page.locator("tbody td[data-label='镇街']").all_inner_texts()
    assert towns and all(t.strip() == baisha.name for t in towns)
    assert _no_sideways_scroll(page)
    assert _unlabelled_controls(page) == []
    shot(page, viewport, "enterprises-admin-baisha")
    page.close()

    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/registry/enterprises/")
    mine = Enterprise.objects.filter(town=duruan)
    assert _count(page) == mine.count()
    text = page.locator("#rows").inner_text()
    for name in Enterprise.objects.filter(town=baisha).values_list("name", flat=True)[:25]:
        assert name not in text
    expected = mine.filter(sectors__code="industry_trade").distinct().count()
    assert expected != mine.count()
    with page.expect_response(lambda r: "sector=industry_trade" in r.url):
        page.get_by_label("行业领域", exact=True).select_option("industry_trade")
    page.wait_for_function(
        f"document.querySelector('[data-testid=result-count]').innerText.match(/\\d+/)[0] == '{expected}'"
    )
    # Asking for another town's enterprises by address gives nothing of theirs.
    page.goto(f"{site}/registry/enterprises/?town={baisha.pk}")
    assert _count(page) == 0
    page.goto(f"{site}/registry/enterprises/?sector=industry_trade")
    shot(page, viewport, "enterprises-duruan-industry-trade")
    page.close()


def test_form_errors_are_shown_next_to_their_fields(site, new_page, viewport):
    from registry.models import Enterprise

    before = Enterprise.objects.count()
    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/registry/enterprises/new/")
    page.get_by_label("企业名称").fill("杜阮测试五金制品有限公司")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")  # wrong check character (R-REG-1)
    page.get_by_label("镇街", exact=True).select_option(label="杜阮镇")
    page.get_by_role("button", name="保存").click()
    for field in ("credit_code", "sectors"):
        error = page.locator(f"[data-field='{field}'] [data-testid='field-error']")
        expect(error).to_be_visible()
        control = page.locator(f"[data-field='{field}'] input").first
        gap = error.bounding_box()["y"] - control.bounding_box()["y"]
        assert 0 < gap < 400, (field, gap)
    assert "校验码" in page.locator("[data-field='credit_code'] [data-testid='field-error']").inner_text()
    # What was typed is kept.
    assert page.get_by_label("企业名称").input_value() == "杜阮测试五金制品有限公司"
    assert _no_sideways_scroll(page)
    assert _unlabelled_controls(page) == []
    page.locator("[data-field='credit_code']").scroll_into_view_if_needed()
    shot(page, viewport, "enterprise-form-errors")
    assert Enterprise.objects.count() == before
    page.close()

    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/accounts/admin/users/new/")
    page.get_by_label("用户名", exact=True).fill("new_town_officer")
    page.get_by_label("镇街人员").check()
    page.get_by_label("初始密码").fill("Kx9#mPq2$Lw7vN")
    page.get_by_label("再次输入密码").fill("Kx9#mPq2$Lw7vN")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-field='town'] [data-testid='field-error']")).to_be_visible()
    assert _unlabelled_controls(page) == []
    shot(page, viewport, "user-form-errors")
    # The other administration screens render and fit the screen too.
    for path, name in (
        ("/accounts/admin/users/?role=town_officer", "admin-users"),
        ("/registry/admin/jurisdictions/", "admin-jurisdictions"),
        ("/registry/admin/departments/", "admin-departments"),
    ):
        page.goto(f"{site}{path}")
        assert _no_sideways_scroll(page), name
        assert _unlabelled_controls(page) == [], name
        shot(page, viewport, name)
    assert page.js_errors == []
    page.close()


def test_language_switches_from_any_page(site, new_page, viewport):
    page = new_page()
    page.goto(f"{site}/accounts/login/")
    with page.expect_navigation():
        page.get_by_test_id("switch-language").click()
    assert page.get_by_label("Username", exact=True).is_visible()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Username", exact=True).fill("baisha")
    page.get_by_label("Password", exact=True).fill("Redline@2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    page.goto(f"{site}/registry/enterprises/")
    # Keyboard: the first Tab reaches the skip link, shown on focus; it moves focus to the content.
    page.keyboard.press("Tab")
    skip = page.locator("a.rl-skip")
    assert skip.evaluate("el => el === document.activeElement") and skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    with page.expect_response(lambda r: "status=operating" in r.url):
        page.get_by_label("Operating status", exact=True).select_option("operating")
    assert page.locator("h1").inner_text() == "Enterprises"
    assert page.get_by_label("Sector", exact=True).is_visible()
    shot(page, viewport, "enterprises-english")
    with page.expect_navigation():
        page.get_by_test_id("switch-language").click()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("h1").inner_text() == "企业"
    assert page.get_by_label("行业领域", exact=True).is_visible()
    assert "status=operating" in page.url  # back on the same page, with the filter chosen there
    shot(page, viewport, "enterprises-chinese")
    page.close()
