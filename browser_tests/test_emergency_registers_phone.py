"""On a 390 px phone, in Chinese: a town officer keeps the town's transfer list (a bad entry refused with the
field named and the input kept, then saved and edited) and adds a member to a micro fire station with a
certificate; the district administrator sets a reserve norm. No page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_tests.conftest import shot
from browser_tests.test_emergency_phone import _fits, _log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport() -> str:
    return "phone"


def _save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()


def test_a_town_keeps_its_transfer_list_and_team_members_on_a_phone(site, new_page, viewport):
    from emergency.models import RescueTeam, Shelter

    page = new_page()
    _log_in(page, site, "duruan")
    page.goto(f"{site}/emergency/three-preventions/transfers/")
    expect(page.get_by_role("heading", name="转移安置", exact=True)).to_be_visible()
    expect(page.get_by_test_id("transfer-table")).to_contain_text("杜阮镇沿河片区")
    _fits(page, "transfer list")
    page.get_by_test_id("transfer-create").click()
    shelter = Shelter.objects.filter(town__name="杜阮镇").first()
    page.get_by_label("镇街", exact=True).select_option(label="杜阮镇")
    page.get_by_label("危险区域", exact=True).fill("杜阮河低洼片区")
    page.get_by_label("户数", exact=True).fill("8")
    page.get_by_label("人数", exact=True).fill("5")
    page.get_by_label("避护场所", exact=True).select_option(str(shelter.pk))
    page.get_by_label("转移责任人", exact=True).fill("网格员陈七")
    page.get_by_role("button", name="保存").click()
    # Fewer persons than households: refused, the field named, what was typed kept.
    expect(page.locator("[data-field=persons].rl-has-error")).to_be_visible()
    expect(page.get_by_label("危险区域", exact=True)).to_have_value("杜阮河低洼片区")
    _fits(page, "transfer form refused")
    shot(page, viewport, "emergency-transfer-refused")
    page.get_by_label("人数", exact=True).fill("26")
    _save(page)
    expect(page.get_by_test_id("transfer-table")).to_contain_text("杜阮河低洼片区")
    page.get_by_test_id("transfer-table").locator("tr", has_text="杜阮河低洼片区").get_by_role(
        "link", name="编辑"
    ).click()
    page.get_by_label("人数", exact=True).fill("28")
    _save(page)
    expect(page.get_by_test_id("transfer-table")).to_contain_text("28")
    _fits(page, "transfer list after the edit")

    team = RescueTeam.objects.filter(town__name="杜阮镇").first()
    page.goto(f"{site}/emergency/teams/{team.pk}/")
    expect(page.get_by_test_id("member-table")).to_contain_text("站长")
    expect(page.get_by_test_id("certificate-expiring").first).to_be_visible()
    _fits(page, "team")
    page.get_by_test_id("member-create").click()
    page.get_by_label("姓名", exact=True).fill("队员赵八")
    page.get_by_label("队内职务", exact=True).select_option(label="队员")
    page.get_by_label("电话", exact=True).fill("12345")
    page.get_by_label("证书类型", exact=True).select_option(label="救护员证")
    page.get_by_label("证书编号", exact=True).fill("JH2026001")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("[data-field=phone].rl-has-error")).to_be_visible()
    expect(page.get_by_label("证书编号", exact=True)).to_have_value("JH2026001")
    _fits(page, "member form refused")
    page.get_by_label("电话", exact=True).fill("13800138000")
    _save(page)
    expect(page.get_by_test_id("member-table")).to_contain_text("队员赵八")
    _fits(page, "team after the new member")
    shot(page, viewport, "emergency-team-members")
    assert not page.js_errors, page.js_errors

    admin = new_page(fresh=True)
    _log_in(admin, site, "admin")
    admin.goto(f"{site}/emergency/norms/")
    expect(admin.get_by_test_id("norm-defaults")).to_contain_text("编织袋")
    admin.get_by_test_id("norm-create").click()
    admin.get_by_label("镇街", exact=True).select_option(label="杜阮镇")
    admin.get_by_label("物资", exact=True).select_option(label="编织袋")
    admin.get_by_label("定额", exact=True).fill("-3")
    admin.get_by_role("button", name="保存").click()
    expect(admin.locator("[data-field=quantity].rl-has-error")).to_be_visible()
    admin.get_by_label("定额", exact=True).fill("6000")
    _save(admin)
    expect(admin.get_by_test_id("norm-table")).to_contain_text("6000")
    _fits(admin, "norms")
    shot(admin, viewport, "emergency-norms")
    assert not admin.js_errors, admin.js_errors


def test_a_town_records_a_joint_drill_of_two_plans_on_a_phone(site, new_page, viewport):
    from emergency.models import Drill, Plan

    plans = list(Plan.objects.filter(town__name="杜阮镇").order_by("-owner_town", "pk")[:2])
    assert len(plans) == 2, "the demo gives every town its plan and its enterprises theirs"
    page = new_page()
    _log_in(page, site, "duruan")
    page.goto(f"{site}/emergency/drills/new/")
    _fits(page, "drill form")
    page.get_by_label("预案", exact=True).select_option(str(plans[0].pk))
    page.get_by_label("同时演练的其他预案", exact=True).select_option([str(plans[0].pk), str(plans[1].pk)])
    page.get_by_label("演练日期", exact=True).fill("2026-11-20")
    page.get_by_label("演练形式", exact=True).select_option("tabletop")
    page.get_by_label("演练情景", exact=True).fill("杜阮河水位超警，镇村联合转移群众")
    page.get_by_role("button", name="保存").click()
    # The main plan named again among the others: refused on that field, what was typed kept.
    expect(page.locator("[data-field=other_plans].rl-has-error")).to_be_visible()
    expect(page.get_by_label("演练情景", exact=True)).to_have_value("杜阮河水位超警，镇村联合转移群众")
    shot(page, viewport, "emergency-joint-drill-refused")
    page.get_by_label("同时演练的其他预案", exact=True).select_option([str(plans[1].pk)])
    _save(page)
    expect(page.get_by_test_id("other-plans")).to_contain_text(plans[1].title)
    _fits(page, "drill page")
    drill = Drill.objects.latest("pk")
    assert (drill.plan, list(drill.other_plans.all())) == (plans[0], [plans[1]])
    shot(page, viewport, "emergency-joint-drill")
