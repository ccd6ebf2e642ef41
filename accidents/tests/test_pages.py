"""Web pages: phone-first reporting, detail with clocks, investigation to closure and case, PDF, home panel."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from accidents import services
from accidents.choices import State
from accidents.models import Accident, Case
from core.pdf import PdfDocument

pytestmark = pytest.mark.django_db


def test_a_town_officer_reports_an_accident_from_the_form(as_user, district, enterprise_in):
    client = as_user("duruan")
    page = client.get("/accidents/new/")
    assert page.status_code == 200 and 'name="occurred_at"' in page.content.decode()
    response = client.post(
        "/accidents/new/",
        {
            "occurred_at": timezone.localtime(timezone.now() - dt.timedelta(minutes=25)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
            "town": district["duruan"].pk,
            "sector": "industry_trade",
            "accident_type": "09",
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "deaths": "1",
            "serious_injuries": "0",
            "narrative": "工人从货架高处坠落",
        },
    )
    assert response.status_code == 302
    accident = Accident.objects.latest("id")
    assert accident.deaths == 1 and accident.town == district["duruan"]
    detail = client.get(response["Location"]).content.decode()
    assert 'data-testid="clock-district_to_city"' in detail and accident.get_level_display() in detail


def test_the_form_shows_errors_and_writes_nothing(as_user, district):
    before = Accident.objects.count()
    response = as_user("duruan").post(
        "/accidents/new/",
        {
            "occurred_at": "",
            "town": district["baisha"].pk,
            "sector": "industry_trade",
            "accident_type": "03",
        },
    )
    assert response.status_code == 400 and 'data-testid="field-error"' in response.content.decode()
    assert Accident.objects.count() == before


def test_the_leader_sees_no_report_button_and_may_not_open_the_form(as_user):
    assert 'data-testid="report-accident"' not in as_user("leader").get("/accidents/").content.decode()
    assert as_user("leader").get("/accidents/new/").status_code == 403


def test_the_express_report_pdf_holds_the_chinese_text(as_user, record):
    accident = record(narrative="冲床模具压伤操作工右手")
    response = as_user("duruan").get(f"/accidents/{accident.pk}/express-report.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "冲床模具压伤操作工右手" in text
    assert "事故快报" in text
    assert accident.express_number in text and "江门市蓬江区应急管理局" in text


def test_express_reports_are_numbered_in_the_bureaus_series_one_number_per_accident(record, api_as):
    """R-HAZ-13: 蓬应急快报〔2026〕N号, gapless in the year, given once at recording (every print the same)."""
    first, second = record(), record()
    year = timezone.localdate().year
    numbers = [
        int(a.express_number.removeprefix(f"蓬应急快报〔{year}〕").removesuffix("号"))
        for a in (first, second)
    ]
    assert numbers[1] == numbers[0] + 1
    body = api_as("duruan").get(f"/api/v1/accidents/{first.pk}/").json()
    assert body["express_number"] == first.express_number


def _pdf_upload():
    doc = PdfDocument("事故调查报告")
    doc.paragraph("调查结论")
    return SimpleUploadedFile("report.pdf", doc.render(), content_type="application/pdf")


def test_an_investigation_closes_only_with_its_report_and_becomes_an_anonymised_case(
    as_user, record, persona
):
    accident = record(narrative="工人张三被压伤，联系电话13812345678")
    admin = as_user("admin")
    opened = admin.post(
        f"/accidents/{accident.pk}/investigation/open/",
        {"lead_unit": "区应急管理局", "version": accident.version},
    )
    assert opened.status_code == 302
    typed = {"lead_unit": "区应急管理局", "direct_causes": "违章操作", "lessons": "落实有限空间作业审批制度"}
    # Without the version read, refused with the typed text kept on the page; then saved with it.
    unread = admin.post(f"/accidents/{accident.pk}/investigation/", typed)
    assert unread.status_code == 400 and "落实有限空间作业审批制度" in unread.content.decode()
    saved = admin.post(f"/accidents/{accident.pk}/investigation/", {**typed, "version": 1})
    assert saved.status_code == 302
    finding = {"party": "车间主任", "responsibility": "direct", "measure": "penalty"}
    # Every change of the investigation is made at the version read: the page's forms all carry it.
    assert admin.post(f"/accidents/{accident.pk}/investigation/findings/", finding).status_code == 400
    added = admin.post(f"/accidents/{accident.pk}/investigation/findings/", {**finding, "version": 2})
    assert added.status_code == 302
    accident.refresh_from_db()
    refused = admin.post(f"/accidents/{accident.pk}/close/", {"version": accident.version})
    assert refused.status_code == 400  # the page again, with the refusal beside the close button
    assert "调查报告" in refused.content.decode() and 'data-testid="form-errors"' in refused.content.decode()
    accident.refresh_from_db()
    assert accident.state == State.INVESTIGATING
    attached = admin.post(
        f"/accidents/{accident.pk}/investigation/report/", {"file": _pdf_upload(), "version": 3}
    )
    assert attached.status_code == 302
    assert admin.post(f"/accidents/{accident.pk}/close/").status_code == 400  # no version read: refused
    stale = admin.post(f"/accidents/{accident.pk}/close/", {"version": accident.version - 1})
    assert stale.status_code == 409
    assert admin.post(f"/accidents/{accident.pk}/close/", {"version": accident.version}).status_code == 302
    accident.refresh_from_db()
    assert accident.state == State.CLOSED
    case = Case.objects.get(accident=accident)
    assert "13812345678" not in case.summary and "张三" not in case.summary
    assert case.lessons == "落实有限空间作业审批制度"
    page = as_user("baisha").get(f"/accidents/cases/{case.pk}/").content.decode()
    assert "违章操作" in page and 'data-testid="related-hazards"' in page


def test_a_refused_transition_comes_back_on_the_accident_page_with_what_was_typed(as_user, record):
    """The page's transitions (supplement, open, close) are posted to the routes generated from the
    accident's table; a refusal draws the accident's page again, the form's section open and its input kept."""
    accident = record()
    admin = as_user("admin")
    unnamed = admin.post(
        f"/accidents/{accident.pk}/investigation/open/",
        {"lead_unit": "", "team": "区公安分局刑侦大队", "version": accident.version},
    )
    page = unnamed.content.decode()
    assert unnamed.status_code == 400 and "区公安分局刑侦大队" in page
    assert "请填写调查牵头单位。" in page
    numbers = {"deaths": 0, "missing": 0, "serious_injuries": 1, "minor_injuries": 0, "direct_loss": "0"}
    no_note = admin.post(f"/accidents/{accident.pk}/supplement/", {**numbers, "version": accident.version})
    assert no_note.status_code == 400 and "该字段是必填项。" in no_note.content.decode()
    stale = admin.post(
        f"/accidents/{accident.pk}/supplement/",
        {**numbers, "note": "一人重伤", "version": accident.version + 1},
    )
    assert stale.status_code == 409 and "一人重伤" in stale.content.decode()
    accident.refresh_from_db()
    assert accident.state == State.REPORTED and accident.serious_injuries == 0 and accident.version == 1
    assert admin.get(f"/accidents/{accident.pk}/close/").status_code == 405


def test_the_investigations_changes_come_from_its_table_and_come_back_on_the_page_when_refused(
    as_user, record, persona
):
    """Findings, measures, the report, the causes and the extension are INVESTIGATION_FLOW's transitions:
    each at the version read, refused on the accident's page with the input kept, audited on the accident."""
    from audit.models import AuditEvent

    accident = record()
    investigation = services.open_investigation(
        accident, actor=persona("admin"), version=accident.version, data={"lead_unit": "区政府"}
    )
    admin = as_user("admin")
    base = f"/accidents/{accident.pk}/investigation"
    finding = {"party": "", "position": "车间主任", "responsibility": "direct", "measure": "penalty"}
    unnamed = admin.post(f"{base}/findings/", {**finding, "version": 1})
    page = unnamed.content.decode()
    assert unnamed.status_code == 400 and "车间主任" in page and "请填写责任人或单位。" in page
    assert admin.post(f"{base}/measures/", {"text": "加装光电保护", "version": 1}).status_code == 302
    # Read before the measure was added: refused, the text kept, nothing added.
    stale = admin.post(f"{base}/measures/", {"text": "设置警示标识", "version": 1})
    assert stale.status_code == 409 and "设置警示标识" in stale.content.decode()
    assert investigation.measures.count() == 1
    measure = investigation.measures.get()
    to_hazard = {"category": "object", "level": "general", "version": 2}
    assert admin.post(f"{base}/measures/{measure.pk}/hazard/", to_hazard).status_code == 302
    again = admin.post(f"{base}/measures/{measure.pk}/hazard/", {**to_hazard, "version": 3})
    assert again.status_code == 409  # once in the hazard loop
    too_long = admin.post(f"{base}/extend/", {"days": 61, "reason": "技术鉴定", "version": 3})
    assert too_long.status_code == 400 and "延长天数应为1至60天。" in too_long.content.decode()
    actions = set(AuditEvent.objects.for_object(accident).values_list("action", flat=True))
    assert {"accidents.measure.added", "accidents.measure.to_hazard"} <= actions
    investigation.refresh_from_db()
    assert investigation.version == 3 and not investigation.extended


def test_the_investigation_report_is_read_by_those_who_see_the_accident(as_user, record, persona):
    """It follows its accident's scope: the investigators download it, another town does not see it."""
    from attachments.models import Attachment

    accident = record()
    services.open_investigation(
        accident, actor=persona("admin"), version=accident.version, data={"lead_unit": "区政府"}
    )
    accident.refresh_from_db()
    admin = as_user("admin")
    posted = admin.post(
        f"/accidents/{accident.pk}/investigation/report/", {"file": _pdf_upload(), "version": 1}
    )
    assert posted.status_code == 302
    report = Attachment.objects.for_owner(accident.investigation).get()
    for reader in (admin, as_user("duruan")):
        download = reader.get(f"/attachments/{report.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
        download.close()
    assert as_user("baisha").get(f"/attachments/{report.pk}/").status_code == 404
    no_file = admin.post(f"/accidents/{accident.pk}/investigation/report/", {"version": 2})
    assert no_file.status_code == 400 and "请选择事故调查报告文件。" in no_file.content.decode()
    stored = Attachment.objects.count()
    stale = admin.post(
        f"/accidents/{accident.pk}/investigation/report/", {"file": _pdf_upload(), "version": 1}
    )
    assert stale.status_code == 409 and Attachment.objects.count() == stored  # refused: nothing kept
    leader = as_user("leader").post(
        f"/accidents/{accident.pk}/investigation/report/", {"file": _pdf_upload(), "version": 2}
    )
    assert leader.status_code == 403 and Attachment.objects.count() == stored


def test_an_edit_read_before_the_closing_is_refused(record, persona):
    """The closing bumps the investigation's version: nothing lands on a closed investigation."""
    from core.errors import Conflict

    accident = record()
    admin = persona("admin")
    investigation = services.open_investigation(
        accident, actor=admin, version=accident.version, data={"lead_unit": "区政府"}
    )
    investigation = services.update_investigation(
        investigation, actor=admin, version=1, data={"lead_unit": "区政府", "direct_causes": "违章操作"}
    )
    from attachments.services import store_attachment

    report = store_attachment(actor=admin, upload=_pdf_upload())
    services.attach_investigation_report(
        investigation, actor=admin, version=2, data={"attachments": [report.pk]}
    )
    accident.refresh_from_db()
    services.close_accident(accident, actor=admin, version=accident.version)
    with pytest.raises(Conflict):
        services.add_finding(
            investigation,
            actor=admin,
            version=3,
            data={"party": "车间主任", "responsibility": "direct", "measure": "penalty"},
        )


def test_the_investigation_deadline_extends_once_by_at_most_60_days(record, persona):
    from core.errors import Conflict, InvalidInput

    accident = record()
    investigation = services.open_investigation(
        accident, actor=persona("admin"), version=accident.version, data={"lead_unit": "区政府"}
    )
    base = investigation.deadline
    assert base == timezone.localtime(accident.occurred_at).date() + dt.timedelta(days=60)
    admin = persona("admin")

    def extend(days, reason, version):
        return services.extend_investigation(
            investigation, actor=admin, version=version, data={"days": days, "reason": reason}
        )

    with pytest.raises(InvalidInput):
        extend(61, "鉴定", 1)
    # Read before someone else's edit: refused, nothing changes.
    services.update_investigation(
        investigation, actor=admin, version=1, data={"lead_unit": investigation.lead_unit, "team": "张三"}
    )
    with pytest.raises(Conflict):
        extend(30, "技术鉴定", 1)
    investigation.refresh_from_db()
    assert (investigation.deadline, investigation.extended) == (base, False)
    extend(30, "技术鉴定", 2)
    investigation.refresh_from_db()
    assert investigation.deadline == base + dt.timedelta(days=30)
    assert investigation.extension_reason == "技术鉴定"
    with pytest.raises(Conflict):
        extend(10, "再延", 3)


def test_a_measure_becomes_a_hazard_in_the_loop(record, persona):
    from hazards.models import Hazard

    accident = record()
    investigation = services.open_investigation(
        accident, actor=persona("admin"), version=accident.version, data={"lead_unit": "区政府"}
    )
    measure = services.add_measure(
        investigation,
        actor=persona("admin"),
        version=investigation.version,
        data={"text": "冲床加装光电保护"},
    )
    investigation.refresh_from_db()
    hazard = services.measure_to_hazard(
        investigation,
        actor=persona("admin"),
        version=investigation.version,
        data={"measure_pk": measure.pk, "category": "object", "level": "general"},
    )
    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.source == "accident_followup" and hazard.enterprise_id == accident.enterprise_id
    measure.refresh_from_db()
    assert measure.hazard_id == hazard.pk


def test_home_panel_shows_due_clocks(as_user, record):
    accident = record()
    page = as_user("duruan").get("/").content.decode()
    assert 'data-testid="accident-clocks"' in page and accident.title in page
    assert accident.title not in as_user("baisha").get("/").content.decode()


def test_enterprise_file_lists_its_accidents(as_user, record):
    accident = record()
    page = as_user("duruan").get(f"/registry/enterprises/{accident.enterprise_id}/").content.decode()
    assert f"/accidents/{accident.pk}/" in page


def test_statistics_page_uses_json_script_charts(as_user, record):
    record()
    page = as_user("duruan").get("/accidents/stats/").content.decode()
    assert 'data-chart="chart-month"' in page and 'id="chart-month" type="application/json"' in page
    assert "<script>" not in page


def test_education_stats_list_units_without_a_session_this_quarter(as_user, persona, district):
    from accidents import library

    page = as_user("admin").get("/accidents/education/stats/").content.decode()
    assert 'data-testid="without-session"' in page
    case = Case.objects.first()
    library.record_session(
        actor=persona("baisha"),
        data={
            "held_on": timezone.localdate(),
            "title": "白沙警示教育",
            "cases": [case],
            "attendee_count": 10,
        },
    )
    page = as_user("baisha").get("/accidents/education/stats/").content.decode()
    section = page.split('data-testid="without-session"')[1].split("</ul>")[0]
    assert str(district["baisha"]) not in section


def test_list_export_is_scoped(as_user, record):
    record()
    response = as_user("baisha").get("/accidents/", {"export": "xlsx"})
    assert response.status_code == 200
    from openpyxl import load_workbook

    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert all(r[3] != "杜阮镇" for r in rows[1:])


def test_the_list_page_query_count_does_not_grow_with_rows(as_user, record, django_assert_max_num_queries):
    client = as_user("admin")
    client.get("/accidents/")
    with django_assert_max_num_queries(20) as small:
        client.get("/accidents/", {"state": "closed"})
    for _ in range(6):
        record()
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        page = client.get("/accidents/")
    assert page.content.decode().count("/accidents/") > 6


@pytest.mark.parametrize("username", ["admin", "leader", "yjj", "duruan", "baisha", "ent_duruan", "duty"])
def test_every_page_renders_for_every_business_role(as_user, persona, username):
    client = as_user(username)
    for url in [
        "/accidents/",
        "/accidents/cases/",
        "/accidents/education/",
        "/accidents/education/stats/",
        "/accidents/stats/",
        "/accidents/thresholds/",
        "/",
    ]:
        assert client.get(url).status_code == 200, url
    for accident in Accident.objects.visible_to(persona(username)):
        assert client.get(f"/accidents/{accident.pk}/").status_code == 200
    for case in Case.objects.all()[:3]:
        assert client.get(f"/accidents/cases/{case.pk}/").status_code == 200


def test_the_demo_holds_accidents_in_every_state_and_a_closed_one_with_its_case():
    states = set(Accident.objects.values_list("state", flat=True))
    assert {State.REPORTED, State.INVESTIGATING, State.CLOSED} <= states
    assert Case.objects.filter(accident__state=State.CLOSED).exists()
    assert Case.objects.filter(origin="external").count() >= 3
    assert len(set(Accident.objects.values_list("level", flat=True))) >= 2


def test_education_statistics_count_sessions_per_town_and_per_sector_of_the_cases_studied(persona):
    from accidents import library, selectors

    case = library.add_external_case(
        actor=persona("yjj"),
        data={
            "title": "触电案例",
            "summary": "配电房触电",
            "sector": "special_equipment",
            "accident_type": "05",
        },
    )
    today = timezone.localdate()
    library.record_session(
        actor=persona("baisha"),
        data={
            "held_on": today,
            "title": "白沙学习",
            "cases": [case],
            "attendee_names": "甲\n乙\n丙",
        },
    )
    by_town = {r["key"]: r for r in selectors.education_by_town(persona("baisha"), since=today)}
    assert list(by_town) == [persona("baisha").town_id]
    assert (
        by_town[persona("baisha").town_id]["sessions"] >= 1
        and by_town[persona("baisha").town_id]["attendance"] >= 3
    )
    by_sector = {r["key"]: r for r in selectors.education_by_sector(persona("admin"), since=today)}
    assert by_sector["special_equipment"]["cases"] == 1 and by_sector["special_equipment"]["attendance"] >= 3


@pytest.mark.parametrize("url", ["/accidents/", "/accidents/cases/", "/accidents/education/"])
def test_lists_answer_htmx_with_rows_only_and_export_xlsx(as_user, url):
    client = as_user("admin")
    rows = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="result-count"' in rows and "<html" not in rows
    response = client.get(url, {"export": "xlsx"})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    assert response.status_code == 200 and body.startswith(b"PK")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_a_town_records_a_session_with_a_material_file(as_user, district):
    from accidents.models import EducationSession

    case = Case.objects.first()
    response = as_user("duruan").post(
        "/accidents/education/new/",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "杜阮有限空间警示教育",
            "cases": [case.pk],
            "attendee_names": "甲\n乙",
            "material_file": _pdf_upload(),
        },
    )
    assert response.status_code == 302
    session = EducationSession.objects.latest("id")
    assert session.town == district["duruan"] and session.attendee_count == 2
    page = as_user("duruan").get(response["Location"]).content.decode()
    assert "report.pdf" in page and "/attachments/" in page


def test_due_clocks_carry_their_deadline_for_the_live_countdown(as_user, record):
    accident = record()
    page = as_user("duruan").get(f"/accidents/{accident.pk}/").content.decode()
    city = accident.deadlines.get(step="district_to_city")
    assert f'data-countdown="{int(city.due_at.timestamp())}"' in page
    assert 'data-left="剩余{time}"' in page and "accidents/countdown.js" in page


def test_editing_with_a_stale_version_is_refused_and_a_garbled_one_does_not_break(as_user, record, district):
    accident = record()
    client = as_user("duruan")
    form = {
        "occurred_at": timezone.localtime(accident.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "town": district["duruan"].pk,
        "sector": "industry_trade",
        "accident_type": "03",
        "enterprise": accident.enterprise_id,
        "address": "三号车间",
    }
    stale = client.post(f"/accidents/{accident.pk}/edit/", {**form, "version": accident.version + 3})
    assert stale.status_code == 409 and 'data-testid="form-errors"' in stale.content.decode()
    # A garbled version is refused like a missing one (400, the form kept), never read as "the current one".
    garbled = client.post(f"/accidents/{accident.pk}/edit/", {**form, "version": "x"})
    assert garbled.status_code == 400 and 'data-testid="form-errors"' in garbled.content.decode()
    accident.refresh_from_db()
    assert accident.address != "三号车间"
    assert (
        client.post(f"/accidents/{accident.pk}/edit/", {**form, "version": accident.version}).status_code
        == 302
    )
    accident.refresh_from_db()
    assert accident.address == "三号车间"


def test_the_list_marks_an_accident_with_a_late_report(as_user, record):
    late = record(occurred_at=timezone.now() - dt.timedelta(hours=2))
    page = as_user("duruan").get("/accidents/", {"q": late.title}).content.decode()
    assert 'data-testid="late"' in page


def test_two_editors_of_one_case_cannot_overwrite_each_other(as_user, persona):
    from accidents import library

    case = library.add_external_case(
        actor=persona("yjj"), data={"title": "外地案例", "summary": "某地发生触电事故"}
    )
    form = {"title": "外地案例", "summary": "某地发生触电事故", "lessons": "落实停电挂牌制度"}
    url = f"/accidents/cases/{case.pk}/edit/"
    assert as_user("yjj").post(url, {**form, "version": case.version}).status_code == 302
    stale = as_user("admin").post(url, {**form, "lessons": "另一人的修改", "version": case.version})
    assert stale.status_code == 409 and "另一人的修改" in stale.content.decode()
    case.refresh_from_db()
    assert case.lessons == "落实停电挂牌制度" and case.version == 2
