"""The pages: the home panel for the deciding official, the drill-down from a score to its records."""

from __future__ import annotations

import pytest

from accountability.models import Proposal

pytestmark = pytest.mark.django_db


def test_the_home_page_puts_proposals_in_front_of_the_district(district, as_user, enterprise_in):
    from accountability.services.proposals import check_accident
    from accountability.tests.helpers import accident

    check_accident(accident(enterprise_in("duruan", "industry_trade"), late=True))
    assert Proposal.objects.filter(state="proposed").exists()
    page = as_user("admin").get("/")
    assert b'data-testid="acct-pending-count"' in page.content
    assert b"acct-pending-count" not in as_user("duruan").get("/").content


def test_a_town_clicks_from_its_score_down_to_the_records(district, as_user, persona):
    client = as_user("duruan")
    town = persona("duruan").town_id
    listing = client.get("/accountability/assessment/?year=2026&kind=town")
    assert (
        listing.status_code == 200 and f"/accountability/assessment/town/{town}/".encode() in listing.content
    )
    unit = client.get(f"/accountability/assessment/town/{town}/?year=2026")
    assert unit.status_code == 200 and b'data-testid="records-accidents"' in unit.content
    records = client.get(f"/accountability/assessment/town/{town}/accidents/?year=2026")
    assert records.status_code == 200
    other = persona("baisha").town_id
    assert client.get(f"/accountability/assessment/town/{other}/?year=2026").status_code == 404
    assert as_user("ent_duruan").get("/accountability/assessment/").status_code == 404


def test_exports_of_the_scorecard(district, as_user):
    client = as_user("admin")
    xlsx = client.get("/accountability/assessment/?year=2026&kind=town&export=xlsx")
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    pdf = client.get("/accountability/assessment/?year=2026&kind=department&export=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "url",
    [
        "/accountability/",
        "/accountability/cases/",
        "/accountability/cases/stats/",
        "/accountability/responsibility/",
    ],
)
def test_the_lists_open_for_each_role(district, as_user, url):
    for name in ("admin", "leader", "yjj", "duruan", "ent_duruan"):
        assert as_user(name).get(url).status_code == 200, name


def test_a_decided_measure_prints_as_a_numbered_document(district, as_user):
    from accountability.models import MeasureRecord

    measure = MeasureRecord.objects.exclude(document_number="").order_by("pk").first()
    response = as_user("duruan").get(f"/accountability/measures/{measure.pk}/document.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert as_user("baisha").get(f"/accountability/measures/{measure.pk}/document.pdf").status_code == 404


def test_a_refused_commitment_shows_the_measure_again_with_what_was_typed(district, as_user):
    from accountability.models import MeasureRecord

    measure = MeasureRecord.objects.exclude(state="closed").order_by("pk").first()
    url, before = f"/accountability/measures/{measure.pk}/commitments/", measure.commitments.count()
    response = as_user("admin").post(url, {"text": "完成全员安全生产培训", "due_on": "not a date"})
    assert response.status_code == 400 and measure.commitments.count() == before
    page = response.content.decode()
    assert 'value="完成全员安全生产培训"' in page and "rl-has-error" in page


def test_the_responsibility_page_title_is_text_only(as_user):
    import re

    html = as_user("admin").get("/accountability/responsibility/").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and "Save" not in title and "保存" not in title
    assert html.count('action="/accountability/responsibility/staff/"') <= 1


def test_the_case_page_shows_its_history_in_words(district, as_user, persona, enterprise_in):
    """The case's steps read as the buttons that took them (立案, 开始调查取证) beside the officer's name,
    never the event code or the login name (issue 20, point 2)."""
    from accountability.services import enforcement

    yjj = persona("yjj")
    case = enforcement.file_case(
        actor=yjj,
        data={
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "sector": "industry_trade",
            "origin": "hazard",
            "title": "未采取措施消除事故隐患",
            "facts": "经复查，隐患逾期未整改。",
        },
    )
    enforcement.investigate_case(case, actor=yjj, version=case.version)
    html = (
        as_user("yjj")
        .get(f"/accountability/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    timeline = html[html.index('data-testid="timeline"') :]
    assert "立案" in timeline and "开始调查取证" in timeline and yjj.display_name in timeline
    assert "accountability.case" not in timeline and "· yjj<" not in timeline
