"""R-ACCT-5: an enforcement case's steps, clocks, penalty ranges, numbered documents and the surcharge."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation
from pypdf import PdfReader

from accountability import selectors
from accountability.choices import CaseState
from accountability.services import enforcement
from accountability.services.penalties import late_surcharge
from core.calendar import period_end
from core.errors import Conflict, InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db
FILED = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # Monday 10:00 in Shanghai


def case_data(enterprise, **extra):
    return {
        "enterprise": enterprise.pk,
        "sector": "industry_trade",
        "origin": "hazard",
        "title": "未采取措施消除事故隐患",
        "facts": "经复查，粉尘除尘系统隐患逾期未整改。",
        **extra,
    }


@pytest.fixture
def filed(district, persona, enterprise_in):
    with time_machine.travel(FILED, tick=False):
        case = enforcement.file_case(
            actor=persona("yjj"), data=case_data(enterprise_in("duruan", "industry_trade"))
        )
    return case


def act(case, action, user, day, **data):
    with time_machine.travel(day, tick=False):
        case.refresh_from_db()
        return enforcement.CASE_SERVICES[action](case, actor=user, version=case.version, data=data)


def test_filing_numbers_the_form_and_starts_the_90_day_clock(filed):
    assert filed.decision_due == period_end(dt.date(2026, 3, 2), 90)
    number = filed.documents.get().number
    assert number.startswith("蓬应急立〔2026〕") and number.endswith("号")
    with time_machine.travel(
        dt.datetime.combine(filed.decision_due + dt.timedelta(days=1), dt.time(3), dt.UTC)
    ):
        assert selectors.case_flags(filed) == ["decision_overdue"]
    assert selectors.case_flags(filed, dt.date(2026, 3, 3)) == []


def test_a_document_number_used_before_answers_409(filed, persona, enterprise_in):
    used = filed.documents.get().number
    with pytest.raises(Conflict), time_machine.travel(FILED):
        enforcement.file_case(
            actor=persona("yjj"), data=case_data(enterprise_in("duruan", "industry_trade"), number=used)
        )


def test_a_fine_outside_article_102_is_refused_naming_it(filed, persona):
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    with pytest.raises(InvalidInput) as refused:
        act(filed, "notify", yjj, FILED, measure="fine", fine="60000")
    assert "第一百零二条" in str(refused.value.errors["fine"][0])
    with pytest.raises(InvalidInput) as daily:
        act(filed, "notify", yjj, FILED, measure="daily_penalty", fine="1000")
    assert "第一百一十二条" in str(daily.value.errors["daily_days"][0])


def test_a_suspensions_fine_is_the_persons_fine_of_article_102(filed, persona):
    # Art. 102: on a refusal, suspension, and the persons directly responsible fined 50,000 to 100,000 yuan.
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    for outside in ("30000", "100000.01"):
        with pytest.raises(InvalidInput) as refused:
            act(filed, "notify", yjj, FILED, measure="suspension", fine=outside)
        assert "第一百零二条" in str(refused.value.errors["fine"][0]) and "100000" in str(
            refused.value.errors["fine"][0]
        )
        filed.refresh_from_db()
        assert filed.state == CaseState.INVESTIGATING and filed.fine is None
    act(filed, "notify", yjj, FILED, measure="suspension", fine="80000")
    filed.refresh_from_db()
    assert (filed.state, filed.fine) == (CaseState.NOTIFIED, Decimal("80000"))


def test_the_hearing_window_payment_clock_and_capped_surcharge(filed, persona):
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    act(filed, "notify", yjj, FILED, measure="fine", fine="30000")
    filed.refresh_from_db()
    assert filed.hearing_request_due == period_end(dt.date(2026, 3, 2), 5)
    assert filed.article.startswith("《中华人民共和国安全生产法》第一百零二条")
    with pytest.raises(Conflict):  # the party's 5 days to request a hearing are still running
        act(filed, "decide", yjj, FILED)
    after = dt.datetime.combine(filed.hearing_request_due + dt.timedelta(days=1), dt.time(3), dt.UTC)
    with pytest.raises(InvalidInput):  # a request after the window is refused
        act(filed, "hearing", yjj, after, defence="要求听证")
    act(filed, "decide", yjj, after)
    delivered = after.date()
    act(filed, "deliver", yjj, after, delivered_on=delivered.isoformat())
    filed.refresh_from_db()
    assert filed.payment_due == period_end(delivered, 15)
    late = dt.datetime.combine(filed.payment_due + dt.timedelta(days=2), dt.time(3), dt.UTC)
    with time_machine.travel(late, tick=False):
        assert selectors.case_flags(filed) == ["payment_overdue", "remedy_window"]
    act(filed, "pay", yjj, late, paid_on=(filed.payment_due + dt.timedelta(days=2)).isoformat())
    filed.refresh_from_db()
    assert filed.state == CaseState.PAID and filed.surcharge == Decimal("1800.00")  # 3 % × 2 days
    act(filed, "close", yjj, late, closing_note="罚款及加处罚款已缴清")
    filed.refresh_from_db()
    kinds = list(filed.documents.values_list("kind", flat=True))
    assert kinds == ["filing", "prior_notice", "decision", "delivery", "closing"]
    assert len(set(filed.documents.values_list("number", flat=True))) == 5


def test_the_surcharge_never_exceeds_the_fine():
    due = dt.date(2026, 5, 1)
    assert late_surcharge(Decimal("30000"), due, due) == 0
    assert late_surcharge(Decimal("30000"), due, due + dt.timedelta(days=10)) == Decimal("9000.00")
    assert late_surcharge(Decimal("30000"), due, due + dt.timedelta(days=40)) == Decimal("30000")


def test_only_the_filing_department_moves_the_case(filed, persona):
    with pytest.raises(NotAllowed):
        act(filed, "investigate", persona("duruan"), FILED)
    with pytest.raises(NotAllowed):
        act(filed, "investigate", persona("jtj"), FILED)


def test_a_pdf_for_each_document(filed, as_user):
    document = filed.documents.get()
    response = as_user("yjj").get(f"/accountability/cases/documents/{document.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert as_user("baisha").get(f"/accountability/cases/documents/{document.pk}.pdf").status_code == 404


EXCHANGES = [
    {"question": "你在本单位担任什么职务？", "answer": "我是车间主任，负责除尘系统的日常管理。"},
    {"question": "除尘系统的隐患为何逾期未整改？", "answer": "配件没有到货，我们没有采取临时措施。"},
    {"question": "以上所说是否属实？", "answer": "属实。"},
]


def _pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", "", "".join(page.extract_text() or "" for page in reader.pages))


def test_the_inquiry_record_prints_each_question_and_answer_in_order(filed, persona, as_user):
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    with time_machine.travel(FILED, tick=False):
        inquiry = enforcement.add_inquiry(
            actor=yjj, case=filed, data={"person": "王五", "asked_on": "2026-03-02", "exchanges": EXCHANGES}
        )
    assert inquiry.exchanges == EXCHANGES and inquiry.document.kind == "inquiry"
    client = as_user("yjj")
    client.cookies["django_language"] = "zh-hans"
    text = _pdf_text(
        client.get(
            f"/accountability/cases/documents/{inquiry.document.pk}.pdf", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    )
    lines = [
        f"{mark}：{pair[key]}" for pair in EXCHANGES for mark, key in (("问", "question"), ("答", "answer"))
    ]
    lines += ["被询问人（签名）", "询问人", "记录人"]
    at = 0
    for line in lines:  # each after the one before
        at = text.find(line, at)
        assert at != -1, f"{line} missing or out of order"
        at += len(line)
    assert "王五" in text and inquiry.document.number in text
    page = client.get(filed.get_absolute_url()).content.decode()
    assert EXCHANGES[0]["question"] in page and inquiry.document.number in page
    assert not re.search(r"\bR-[A-Z]{2,6}-\d+\b", text)


@pytest.mark.parametrize(
    "exchanges",
    [
        "问：是否属实？答：属实。",
        [{"question": "是否属实？"}],
        [{"question": "是否属实？", "answer": "  "}],
        [["是否属实？", "属实。"]],
    ],
)
def test_an_inquiry_with_malformed_questions_is_refused_and_nothing_is_written(filed, persona, exchanges):
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    documents = filed.documents.count()
    with pytest.raises(InvalidInput) as refused, translation.override("zh-hans"):
        enforcement.add_inquiry(
            actor=yjj, case=filed, data={"person": "王五", "asked_on": "2026-03-02", "exchanges": exchanges}
        )
    message = str(refused.value.errors["exchanges"][0])
    assert "问" in message and "Question" not in message
    assert not filed.inquiries.exists() and filed.documents.count() == documents


def test_an_inquiry_needs_its_questions_and_answers_in_some_form(filed, persona):
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    with pytest.raises(InvalidInput) as refused:
        enforcement.add_inquiry(actor=yjj, case=filed, data={"person": "王五", "asked_on": "2026-03-02"})
    assert set(refused.value.errors) == {"content"}
    assert not filed.inquiries.exists()


def test_the_api_takes_the_questions_and_answers_as_a_list(filed, persona, api_as):
    act(filed, "investigate", persona("yjj"), FILED)
    client = api_as("yjj")
    url = f"/api/v1/enforcement/cases/{filed.pk}/inquiries/"
    body = {"person": "王五", "asked_on": "2026-03-02", "exchanges": EXCHANGES}
    refused = client.post(url, {**body, "exchanges": [{"question": "是否属实？"}]}, format="json")
    assert refused.status_code == 400 and "exchanges" in str(refused.json())
    created = client.post(url, body, format="json")
    assert created.status_code == 201
    assert filed.inquiries.get(pk=created.json()["id"]).exchanges == EXCHANGES


def _number_of(persona, enterprise_in) -> str:
    with time_machine.travel(FILED, tick=False):
        case = enforcement.file_case(
            actor=persona("yjj"), data=case_data(enterprise_in("duruan", "industry_trade"))
        )
    return case.documents.get().number


def test_a_department_with_its_own_abbreviation_numbers_in_its_own_series(district, persona, enterprise_in):
    from registry.models import Department

    bureau = _number_of(persona, enterprise_in)
    Department.objects.filter(code="emergency").update(document_abbreviation="蓬测")
    assert [_number_of(persona, enterprise_in) for _ in range(2)] == [
        "蓬测立〔2026〕1号",
        "蓬测立〔2026〕2号",
    ]
    # The abbreviation the bureau's series already carries keeps that one series: no number twice.
    Department.objects.filter(code="emergency").update(document_abbreviation="蓬应急")
    following = _number_of(persona, enterprise_in)
    serial = int(re.search(r"〕(\d+)号", bureau).group(1))
    assert following == f"蓬应急立〔2026〕{serial + 1}号"


def test_a_hearing_request_with_time_and_place_issues_the_numbered_hearing_notice(filed, persona):
    """Administrative Penalty Law art. 64 item 2: the time and place are told seven days before; the
    notice is a numbered document of the case, printed with them."""
    yjj = persona("yjj")
    act(filed, "investigate", yjj, FILED)
    act(filed, "notify", yjj, FILED, measure="fine", fine="30000")
    too_soon = (FILED + dt.timedelta(days=6)).isoformat()
    with pytest.raises(InvalidInput) as refused:
        act(
            filed,
            "hearing",
            yjj,
            FILED,
            defence="要求听证",
            hearing_at=too_soon,
            hearing_place="区应急管理局三楼",
        )
    assert "hearing_at" in refused.value.errors
    with pytest.raises(InvalidInput) as refused:
        act(filed, "hearing", yjj, FILED, hearing_at=(FILED + dt.timedelta(days=8)).isoformat())
    assert "hearing_place" in refused.value.errors
    filed.refresh_from_db()
    assert not filed.hearing_requested and not filed.documents.filter(kind="hearing_notice").exists()
    at = (FILED + dt.timedelta(days=8)).isoformat()
    act(
        filed,
        "hearing",
        yjj,
        FILED,
        defence="要求听证",
        hearing_at=at,
        hearing_place="区应急管理局三楼会议室",
    )
    notice = filed.documents.get(kind="hearing_notice")
    assert notice.number.startswith("蓬应急听〔2026〕") and "区应急管理局三楼会议室" in notice.body
    with translation.override("zh-hans"):
        from accountability.exports import case_document_pdf

        text = "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(case_document_pdf(filed, notice).content)).pages
        )
    assert "第六十四条第（二）项" in text and "区应急管理局三楼会议室" in text
