"""What users found in the field review (defects 2–7), each seen in a real browser as the user sees it: the
page's text or the text of the downloaded document, in Chinese, on a 390 px phone. Each test fails on the
behaviour the users reported (event codes and login names in histories, one app's Chinese in another's
page, internal rule ids in official documents, numbers and seals not as the agency issues them, a company
named in the case library, a bare 同意/不同意 extension decision)."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from browser_tests.conftest import VIEWPORTS, log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.parametrize("viewport", ["phone"], indirect=True)]

RULE_ID = re.compile(r"R-[A-Z]{2,6}-\d+")
EVENT_CODE = re.compile(r"[a-z_]+\.[a-z_]+\.[a-z_]+")
BUREAU = "江门市蓬江区应急管理局"
DISTRICT = "江门市蓬江区"


# --- what the phone shows ----------------------------------------------------------------------------------


def _fits(page, viewport: str, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"], f"{what}: {width} px wide, scrolls sideways"


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def _history(page) -> list[tuple[str, str]]:
    """(who, what) of each entry of the page's timeline, as shown."""
    return page.get_by_test_id("timeline").evaluate(
        """el => Array.from(el.querySelectorAll('ul.rl-timeline > li')).map(li => {
             const [head, what] = li.querySelectorAll(':scope > div');
             return [head.innerText.split(' · ').slice(1).join(' · ').trim(), what.innerText.trim()];
           })"""
    )


def _assert_history_in_words(page, *, verbs: list[str], people: set[str], what: str) -> None:
    """Chinese verbs and the people's real names; no event code, no login name."""
    from accounts.models import User

    entries = _history(page)
    shown_verbs = [verb for _who, verb in entries]
    who = {person for person, _verb in entries}
    for verb in verbs:
        assert any(shown.startswith(verb) for shown in shown_verbs), f"{what}: no {verb!r} in {shown_verbs}"
    assert people <= who, f"{what}: {people - who} not named in {who}"
    logins = set(User.objects.values_list("username", flat=True))
    assert not who & logins, f"{what}: login names {who & logins} instead of names"
    text = page.get_by_test_id("timeline").inner_text()
    assert not EVENT_CODE.search(text), f"{what}: event codes {EVENT_CODE.findall(text)}"


def _stacked_labels(page, selector: str = "table.rl-table-responsive-stack") -> set[str]:
    """The label a phone shows before each cell of a stacked table (its ::before of data-label)."""
    return set(
        page.locator(selector).first.evaluate(
            """t => Array.from(t.querySelectorAll('tbody td[data-label]'))
                 .filter(td => getComputedStyle(td, '::before').content !== 'none')
                 .map(td => td.dataset.label)"""
        )
    )


def _downloaded(page, link) -> io.BytesIO:
    with page.expect_download() as info:
        link.click()
    return io.BytesIO(Path(info.value.path()).read_bytes())


def _pdf_text(page, link) -> str:
    """The text of the PDF behind the page's link (fetched with the page's session: the browser would show
    it in its viewer rather than download it), without the line breaks and spaces of its layout."""
    from pypdf import PdfReader

    expect(link).to_be_visible()
    response = page.request.get(urljoin(page.url, link.get_attribute("href")))
    assert response.ok and response.headers["content-type"] == "application/pdf", response.status
    reader = PdfReader(io.BytesIO(response.body()))
    text = "".join(p.extract_text() or "" for p in reader.pages)
    assert text.strip(), "no text read from the PDF"
    return re.sub(r"\s+", "", text)


# --- shared records ----------------------------------------------------------------------------------------


def _user(username: str):
    from accounts.models import User

    return User.objects.get(username=username)


def _campaign_task(inspector, family: str = "confined_space"):
    """A campaign on one checklist's sector in the inspector's town, its first task assigned to the
    inspector."""
    from inspections import services
    from inspections.models import InspectionTask
    from inspections.tests.helpers import campaign_data

    admin = _user("admin")
    data = campaign_data([inspector.town], sectors=(family,), family=family)
    campaign = services.launch_campaign(actor=admin, data=data)
    services.assign_tasks(
        actor=admin, campaign=campaign, deadline=campaign.end_date, inspectors=[inspector.pk]
    )
    return campaign, InspectionTask.objects.filter(campaign=campaign).order_by("pk").first()


def _finished_inspection(inspector, task):
    """Every item failed, so every legal basis of the checklist is printed on the order."""
    from inspections import services
    from inspections.tests.helpers import answer_all

    inspection = services.start_inspection(actor=inspector, task=task)
    answer_all(inspection, inspector, fail_numbers=tuple(range(1, 100)), note="现场发现问题")
    return services.finish_inspection(actor=inspector, inspection=inspection, version=inspection.version)


def _accident(actor, enterprise, **data):
    from accidents import services

    return services.record_accident(
        actor=actor,
        data={
            "occurred_at": timezone.now() - dt.timedelta(minutes=20),
            "town": enterprise.town,
            "sector": "industry_trade",
            "enterprise": enterprise,
            "accident_type": "03",
            "narrative": "冲床压伤手部",
            "deaths": 0,
            "serious_injuries": 0,
            "direct_loss": Decimal("0"),
            **data,
        },
    )


def _industry_enterprise(town, *, other_than=None):
    from registry.models import Enterprise

    found = Enterprise.objects.filter(town=town, sectors__code="industry_trade").order_by("pk")
    if other_than is not None:
        found = found.exclude(pk=other_than.pk)
    return found.first()


# --- defect 2: histories in words --------------------------------------------------------------------------


def test_accident_campaign_and_inspection_histories_name_verbs_and_people(site, new_page, viewport):
    """Defect 2: the accident, campaign and inspection timelines read 登记事故 / 发起检查活动 / 分派检查任务 /
    开始检查 / 完成检查 beside the people's real names, never `accidents.accident.recorded` beside `duruan`."""
    admin, duruan, inspector = _user("admin"), _user("duruan"), _user("inspector_duruan")
    accident = _accident(duruan, _industry_enterprise(duruan.town))
    campaign, task = _campaign_task(inspector)
    inspection = _finished_inspection(inspector, task)

    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/accidents/{accident.pk}/")
    _assert_history_in_words(page, verbs=["登记事故"], people={duruan.display_name}, what="accident")
    _fits(page, viewport, "accident page")
    page.get_by_test_id("timeline").scroll_into_view_if_needed()
    shot(page, viewport, "field-review-accident-timeline")

    page.goto(f"{site}/inspections/campaigns/{campaign.pk}/")
    _assert_history_in_words(
        page, verbs=["发起检查活动", "分派检查任务"], people={admin.display_name}, what="campaign"
    )
    _fits(page, viewport, "campaign page")

    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    _assert_history_in_words(
        page,
        verbs=["开始检查", "填写检查项结果", "完成检查"],
        people={inspector.display_name},
        what="inspection",
    )
    _fits(page, viewport, "inspection page")
    assert page.js_errors == []


def test_the_audit_log_names_actions_roles_and_records_in_words(site, new_page, viewport):
    """Defect 2, the audit administrator's log: each row reads 签发接口令牌 / 用户 / 区级管理员, the event's code
    kept small beneath for the record, never a role's code or a model's label."""
    from audit.services import record

    record(_user("duruan"), "accounts.token.issued", actor=_user("admin"))
    page = new_page()
    log_in(page, site, "auditadmin")
    page.goto(f"{site}/audit/?action=accounts.token")
    words = page.get_by_test_id("action-words").all_inner_texts()
    assert words and all(w == "签发接口令牌" for w in words), words
    table = page.locator("table.rl-table").inner_text()
    assert "区级管理员" in table and "用户 #" in table
    assert "district_admin" not in table and "accounts.user" not in table
    _fits(page, viewport, "audit log")
    shot(page, viewport, "field-review-audit-log")
    page.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).first.click()
    expect(page.locator("h1")).to_contain_text("签发接口令牌")
    assert page.js_errors == []


def test_duty_report_and_enforcement_case_histories_name_fields_verbs_and_people(site, new_page, viewport):
    """Defect 2: a duty report's follow-up lists what changed by the form's words (重伤人数, not
    `serious_injuries`) under the reporter's name; an enforcement case's page shows its history (立案, 开始调查取证,
    添加询问笔录) with the officer's name."""
    from accountability.services import enforcement
    from duty.services import reports
    from registry.models import Enterprise

    baisha, yjj = _user("baisha"), _user("yjj")
    now = timezone.now()
    report = reports.submit_report(
        actor=baisha,
        data={
            "title": "白沙街道某厂房外墙脱落",
            "event_type": "production_accident",
            "occurred_at": (now - dt.timedelta(minutes=30)).isoformat(),
            "known_at": (now - dt.timedelta(minutes=20)).isoformat(),
            "town": baisha.town_id,
            "deaths": 0,
            "missing": 0,
            "serious_injuries": 0,
            "description": "厂房外墙瓷砖脱落，砸中路过车辆。",
        },
    )

    page = new_page()
    log_in(page, site, "baisha")
    page.goto(f"{site}/duty/reports/{report.pk}/")
    with page.expect_navigation():
        page.locator("[data-action='follow_up']").click()
    page.get_by_label("新情况", exact=True).fill("一名司机被碎片划伤，已送医。")
    page.get_by_label("重伤人数", exact=True).fill("1")
    page.get_by_label("已采取措施", exact=True).fill("封闭厂房周边道路")
    _fits(page, viewport, "follow-up form")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(f"{site}/duty/reports/{report.pk}/")
    updates = page.get_by_test_id("updates")
    expect(updates).to_contain_text("续报")
    text = updates.inner_text()
    assert baisha.display_name in text, text
    assert "重伤人数: 0 → 1" in text and "已采取措施" in text, text
    for column in ("serious_injuries", "measures", "deaths"):
        assert column not in text, f"{column} shown: {text}"
    _fits(page, viewport, "report page")
    shot(page, viewport, "field-review-report-history")
    assert page.js_errors == []

    party = Enterprise.objects.visible_to(yjj).filter(sectors__code="industry_trade").order_by("pk")[0]
    case = enforcement.file_case(
        actor=yjj,
        data={
            "enterprise": party.pk,
            "sector": "industry_trade",
            "origin": "hazard",
            "title": "未按规定开展有限空间作业审批",
            "facts": "经现场检查，企业未履行有限空间作业审批。",
        },
    )
    page = new_page(fresh=True)
    log_in(page, site, "yjj")
    page.goto(f"{site}/accountability/cases/{case.pk}/")
    with page.expect_navigation():
        page.locator("[data-action='investigate']").click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    form = page.get_by_test_id("inquiry-form")
    form.get_by_label("被询问人", exact=True).fill("王五")
    form.get_by_label("日期", exact=True).fill(timezone.now().date().isoformat())
    form.locator("textarea[name=question]").nth(0).fill("你在本单位担任什么职务？")
    form.locator("textarea[name=answer]").nth(0).fill("车间主任。")
    with page.expect_navigation():
        form.get_by_role("button", name="添加询问笔录").click()
    _assert_history_in_words(
        page, verbs=["立案", "开始调查取证", "添加询问笔录"], people={yjj.display_name}, what="case"
    )
    _fits(page, viewport, "case page")
    page.get_by_test_id("timeline").scroll_into_view_if_needed()
    shot(page, viewport, "field-review-case-history")
    assert page.js_errors == []


# --- defect 3: each app's own Chinese ----------------------------------------------------------------------


def test_accident_pages_and_express_report_say_accident_level_unit_and_count(site, new_page, viewport):
    """Defect 3: the accident list, the case library and the 生产安全事故快报 read 事故等级 (not 隐患等级), the
    report names the 事故单位 (not 装置/单元), the statistics count 事故起数 (not 事故管理)."""
    from accidents.models import Accident

    accident = Accident.objects.order_by("pk").first()
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/accidents/")
    assert "事故等级" in _stacked_labels(page)
    assert "隐患等级" not in page.content()
    _fits(page, viewport, "accident list")
    shot(page, viewport, "field-review-accident-list")

    page.goto(f"{site}/accidents/cases/")
    expect(page.locator("label", has_text="事故等级")).to_have_count(1)
    assert "隐患等级" not in page.content()
    _fits(page, viewport, "case library")

    page.goto(f"{site}/accidents/stats/")
    headers = page.locator("[data-testid^='table-'] thead").all_inner_texts()
    assert headers and all("事故起数" in h and "事故管理" not in h for h in headers), headers
    _fits(page, viewport, "accident statistics")

    page.goto(f"{site}/accidents/{accident.pk}/")
    number = accident.express_number
    assert re.fullmatch(r"蓬应急快报〔\d{4}〕\d+号", number), number
    expect(page.get_by_test_id("express-number")).to_contain_text(number)
    report = _pdf_text(page, page.locator(f"a[href='/accidents/{accident.pk}/express-report.pdf']"))
    assert "生产安全事故快报" in report
    assert number in report and BUREAU in report and "SG0" not in report, report
    assert "事故等级" in report and "事故单位" in report, report
    assert "隐患等级" not in report and "装置/单元" not in report, report
    assert page.js_errors == []


def test_checklists_statistics_and_reminders_say_their_own_words(site, new_page, viewport):
    """Defect 3: a key checklist item is marked 重点 (not 键); the phone's hazard statistics label the open
    column 未销号 (not 查看); an overdue and a nearly due inspection are told apart (逾期 / 即将到期, not both
    新的检查任务) and the reminder keeps its date."""
    from inspections.models import ChecklistTemplate, InspectionTask
    from inspections.tasks import remind_task_deadlines

    inspector = _user("inspector_duruan")
    today = timezone.localdate()
    _campaign, late = _campaign_task(inspector)
    _campaign, soon = _campaign_task(inspector, "industry_trade")
    InspectionTask.objects.filter(pk=late.pk).update(deadline=today - dt.timedelta(days=1))
    InspectionTask.objects.filter(pk=soon.pk).update(deadline=today + dt.timedelta(days=2))
    remind_task_deadlines(now=timezone.now())
    keyed = ChecklistTemplate.objects.current().filter(items__is_key=True).distinct().order_by("pk").first()

    page = new_page()
    log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/checklists/{keyed.pk}/")
    badges = page.locator("main table .badge").all_inner_texts()
    assert badges and set(badges) == {"重点"}, badges
    assert len(badges) == keyed.items.filter(is_key=True).count()
    _fits(page, viewport, "checklist")

    page.goto(f"{site}/notifications/")
    titles = page.locator("main .list-group-item .fw-semibold").all_inner_texts()
    assert f"检查任务已逾期：{late.enterprise.name}" in titles, titles
    assert f"检查任务即将到期：{soon.enterprise.name}" in titles, titles
    text = _main_text(page)
    for task, deadline in ((late, today - dt.timedelta(days=1)), (soon, today + dt.timedelta(days=2))):
        assert f"完成期限 {deadline.isoformat()}" in text, (task.enterprise.name, text)
    _fits(page, viewport, "notifications")
    shot(page, viewport, "field-review-reminders")

    page = new_page(fresh=True)
    log_in(page, site, "duruan")
    page.goto(f"{site}/hazards/statistics/")
    labels = _stacked_labels(page, "[data-testid='stats-table']")
    assert "未销号" in labels and "查看" not in labels, labels
    _fits(page, viewport, "hazard statistics")
    shot(page, viewport, "field-review-hazard-statistics")
    assert page.js_errors == []


# --- defects 4 and 5: documents and screens as the agency issues them --------------------------------------


def test_an_inspection_prints_laws_and_official_numbers_not_rule_ids(site, new_page, viewport):
    """Defects 4 and 5: the checklist page, the inspection record and the 责令限期整改指令书 cite laws, never
    R-HAZ-4 / R-HAZ-9 / R-INSP-4; the record and order carry numbers like 蓬应急责改〔2026〕17号 on the page and
    in the PDF, the order is sealed by the bureau by name and the footer names the district, not Redline."""
    from inspections import services

    inspector = _user("inspector_duruan")
    year = timezone.now().year
    _campaign, task = _campaign_task(inspector)
    inspection = _finished_inspection(inspector, task)
    _campaign, other = _campaign_task(inspector, "industry_trade")
    draft = services.start_inspection(actor=inspector, task=other)
    assert re.fullmatch(rf"蓬应急责改〔{year}〕[1-9]\d*号", inspection.order_serial)

    page = new_page()
    log_in(page, site, "inspector_duruan")
    page.goto(f"{site}/inspections/records/{draft.pk}/")  # the checklist being filled in
    assert not RULE_ID.search(page.content()), RULE_ID.findall(page.content())
    _fits(page, viewport, "checklist being filled in")

    page.goto(f"{site}/inspections/records/{inspection.pk}/")
    text = _main_text(page)
    assert inspection.record_serial in text and inspection.order_serial in text, text
    assert not RULE_ID.search(page.content())
    _fits(page, viewport, "inspection record")
    shot(page, viewport, "field-review-inspection-record")
    order = _pdf_text(page, page.locator(f"a[href='/inspections/records/{inspection.pk}/order.pdf']"))
    assert "责令限期整改指令书" in order and inspection.order_serial in order
    assert not RULE_ID.search(order), RULE_ID.findall(order)
    assert f"下达单位（盖章）：{BUREAU}" in order
    assert "第十五条" in order  # the treatment plan's article, where R-HAZ-4 stood
    assert DISTRICT in order and "Redline" not in order and "红线" not in order
    record = _pdf_text(page, page.locator(f"a[href='/inspections/records/{inspection.pk}/record.pdf']"))
    assert inspection.record_serial in record and not RULE_ID.search(record), RULE_ID.findall(record)
    assert "Redline" not in record

    template = inspection.template
    page.goto(f"{site}/inspections/checklists/{template.pk}/")
    html = page.content()
    assert not RULE_ID.search(html), RULE_ID.findall(html)
    assert "first version" not in html and page.locator("main [lang=en]").count() == 0
    shown = _main_text(page)
    for english in template.items.exclude(requirement_en="").values_list("requirement_en", flat=True):
        assert english not in shown, english
    _fits(page, viewport, "checklist template")
    assert page.js_errors == []


def test_the_draw_pages_and_notice_cite_the_regulation_not_a_rule_id(site, new_page, viewport):
    """Defect 4: the double-random draw's pages name 国办发〔2015〕58号 where R-INSP-1 stood, and its notice
    prints no rule id."""
    from inspections.models import Draw

    draw = Draw.objects.order_by("pk").first()
    page = new_page()
    log_in(page, site, "admin")
    page.goto(f"{site}/inspections/draws/{draw.pk}/")
    assert "国办发〔2015〕58号" in _main_text(page)
    assert not RULE_ID.search(page.content()), RULE_ID.findall(page.content())
    _fits(page, viewport, "draw page")
    notice = _pdf_text(page, page.locator(f"a[href='/inspections/draws/{draw.pk}/notice.pdf']"))
    assert not RULE_ID.search(notice), RULE_ID.findall(notice)
    assert "Redline" not in notice
    page.goto(f"{site}/inspections/draws/new/")
    assert not RULE_ID.search(page.content()), RULE_ID.findall(page.content())
    _fits(page, viewport, "new draw")
    assert page.js_errors == []


def test_a_hazard_shows_its_number_and_its_notice_is_numbered_and_sealed_by_the_bureau(
    site, new_page, viewport
):
    """Defect 5: the hazard list and page show the hazard's number; the 整改通知书 carries 蓬应急隐改〔2026〕N号 on
    the page and in the PDF, the bureau's name on its seal line and the district in its footer; the ledger's
    序号 runs 1…N beside each hazard's own number."""
    from openpyxl import load_workbook

    from hazards.tests.helpers import rectifying

    duruan = _user("duruan")
    hazard = rectifying(duruan, _user("ent_duruan").enterprise, title="粉尘收集系统未设泄爆装置")
    assert re.fullmatch(rf"蓬应急隐改〔{timezone.now().year}〕[1-9]\d*号", hazard.notice_serial)

    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/hazards/?sort=reported")
    row = page.locator("tr", has=page.locator(f"a[href='/hazards/{hazard.pk}/']"))
    expect(row.get_by_test_id("hazard-number")).to_have_text(f"隐患编号 {hazard.pk}")
    _fits(page, viewport, "hazard list")
    ledger = load_workbook(_downloaded(page, page.get_by_test_id("export"))).active
    rows = list(ledger.iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "隐患编号"), rows[0]
    assert [r[0] for r in rows[1:]] == list(range(1, len(rows))), "序号 is not 1…N"
    assert hazard.pk in [r[1] for r in rows[1:]]

    page.goto(f"{site}/hazards/{hazard.pk}/")
    expect(page.get_by_test_id("hazard-number").first).to_have_text(str(hazard.pk))
    assert hazard.notice_serial in _main_text(page)
    _fits(page, viewport, "hazard page")
    shot(page, viewport, "field-review-hazard-number")
    notice = _pdf_text(page, page.locator(f"a[href='/hazards/{hazard.pk}/notice.pdf']"))
    assert hazard.notice_serial in notice
    assert f"下达单位（盖章）：{BUREAU}" in notice
    assert DISTRICT in notice and "Redline" not in notice and "红线" not in notice
    assert not RULE_ID.search(notice), RULE_ID.findall(notice)
    assert page.js_errors == []


# --- defect 6: the case library names no company -----------------------------------------------------------


def test_the_case_library_names_no_company_to_another_town_or_enterprise(site, new_page, viewport):
    """Defect 6: a case made from a Duruan accident reads 杜阮镇某…企业 to Baisha's officer and to another
    enterprise — no company name, no exact address; the accident record keeps the original."""
    from accidents.library import case_from_accident

    duruan, admin = _user("duruan"), _user("admin")
    enterprise = _industry_enterprise(duruan.town, other_than=_user("ent_duruan").enterprise)
    enterprise.address = "杜阮镇龙榜村工业大道18号"
    enterprise.save(update_fields=["address"])
    accident = _accident(
        duruan,
        enterprise,
        narrative=f"{enterprise.name}位于{enterprise.address}，工人李四在冲床作业时被压伤。",
    )
    case = case_from_accident(actor=admin, accident=accident)

    for reader in ("baisha", "ent_duruan"):
        page = new_page(fresh=True)
        log_in(page, site, reader)
        page.goto(f"{site}/accidents/cases/")
        link = page.locator(f"a[href='/accidents/cases/{case.pk}/']")
        expect(link).to_contain_text("杜阮镇某")
        expect(link).to_contain_text("企业")
        for secret in (enterprise.name, enterprise.address, "李四"):
            assert secret not in page.content(), (reader, secret)
        _fits(page, viewport, f"case library for {reader}")
        with page.expect_navigation():
            link.click()
        for secret in (enterprise.name, enterprise.address, "李四"):
            assert secret not in page.content(), (reader, secret)
        _fits(page, viewport, f"case for {reader}")
        shot(page, viewport, f"field-review-case-{reader}")
        assert page.js_errors == []

    page = new_page(fresh=True)
    log_in(page, site, "duruan")
    page.goto(f"{site}/accidents/{accident.pk}/")
    assert enterprise.name in _main_text(page)  # the original stays on the accident record


# --- defect 7: decisions with their facts ------------------------------------------------------------------


def test_the_extension_decision_shows_the_request_and_grants_another_date(site, new_page, viewport):
    """Defect 7: the approver sees the current and requested deadline, the reason and who asked, and
    approves a different date than the one requested."""
    from hazards import services
    from hazards.models import Hazard
    from hazards.tests.helpers import rectifying

    ent = _user("ent_duruan")
    hazard = rectifying(_user("duruan"), ent.enterprise, title="除尘器未设锁气卸灰装置")
    current = hazard.deadline
    wanted, granted = current + dt.timedelta(days=30), current + dt.timedelta(days=10)
    services.request_extension(
        actor=ent,
        hazard=hazard,
        version=hazard.version,
        new_deadline=wanted,
        reason="卸灰阀需定制，到货约四周",
    )

    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/hazards/{hazard.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("hazard-actions").locator("[data-action='decide_extension']").click()
    request = page.get_by_test_id("extension-request")
    expect(request).to_contain_text(current.isoformat())
    expect(page.get_by_test_id("requested-deadline")).to_have_text(wanted.isoformat())
    expect(page.get_by_test_id("requested-reason")).to_have_text("卸灰阀需定制，到货约四周")
    expect(request).to_contain_text(ent.display_name)
    _fits(page, viewport, "extension decision")
    shot(page, viewport, "field-review-extension-decision")
    form = page.get_by_test_id("action-form")
    form.get_by_label("同意延期", exact=True).check()
    deadline = form.get_by_label("批准的整改期限", exact=True)
    expect(deadline).to_have_value(wanted.isoformat())  # the requested date unless another is set
    deadline.fill(granted.isoformat())
    form.get_by_label("备注", exact=True).fill("给予10天，先落实临时措施")
    with page.expect_navigation():
        page.get_by_test_id("action-submit").click()
    assert page.url == f"{site}/hazards/{hazard.pk}/"
    assert granted.isoformat() in _main_text(page)
    assert Hazard.objects.get(pk=hazard.pk).deadline == granted
    _fits(page, viewport, "hazard page after the decision")
    assert page.js_errors == []


def test_an_ordinary_hazard_is_accepted_and_closed_in_one_confirmation_a_major_one_apart(
    site, new_page, viewport
):
    """Defect 7: 验收 and 销号 of an ordinary hazard are one confirmation (ticked by default); a major hazard's
    acceptance offers no closing, which stays a separate step."""
    from hazards.tests.helpers import submitted

    ent = _user("ent_duruan")
    ordinary = submitted(_user("duruan"), ent.enterprise, submitter=ent, title="配电箱未接地")
    major = submitted(
        _user("admin"), ent.enterprise, submitter=ent, major=True, title="粉尘涉爆除尘系统未按规定设置"
    )

    page = new_page()
    log_in(page, site, "duruan")
    page.goto(f"{site}/hazards/{ordinary.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("hazard-actions").locator("[data-action='accept']").click()
    close_too = page.get_by_label("验收通过即销号")
    expect(close_too).to_be_checked()
    page.get_by_label("验收意见", exact=True).fill("现场复查合格。")
    _fits(page, viewport, "acceptance form")
    shot(page, viewport, "field-review-accept-and-close")
    with page.expect_navigation():
        page.get_by_test_id("action-submit").click()
    expect(page.get_by_test_id("hazard-state").first).to_have_text("已销号")
    assert page.get_by_test_id("hazard-actions").count() == 0
    assert page.js_errors == []

    page = new_page(fresh=True)
    log_in(page, site, "admin")
    page.goto(f"{site}/hazards/{major.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("hazard-actions").locator("[data-action='accept']").click()
    expect(page.get_by_label("验收通过即销号")).to_have_count(0)
    page.get_by_label("验收意见", exact=True).fill("经专家组现场验收，治理合格。")
    with page.expect_navigation():
        page.get_by_test_id("action-submit").click()
    expect(page.get_by_test_id("hazard-state").first).to_have_text("已验收")
    expect(page.get_by_test_id("hazard-actions").locator("[data-action='close']")).to_be_visible()
    _fits(page, viewport, "major hazard after acceptance")
    assert page.js_errors == []
