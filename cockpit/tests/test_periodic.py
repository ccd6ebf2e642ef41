"""Issue 16: weekly and monthly reports written from the records, once per period, figures = lists."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from audit.models import AuditEvent
from cockpit.choices import ReportKind
from cockpit.models import PeriodicReport, ReportTemplate
from cockpit.periodic import AreaViewer, Period, collect, last_complete_periods, write_due_reports
from registry.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_the_last_complete_week_and_month():
    weekly, monthly = last_complete_periods(dt.date(2026, 12, 3))  # a Thursday
    assert (weekly.start, weekly.end) == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert (monthly.start, monthly.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def test_a_scheduled_report_is_written_once_per_period(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    first = write_due_reports(now=now)
    towns = Jurisdiction.objects.towns().filter(is_active=True).count()
    assert first["made"] == 2 * (towns + 1)
    assert write_due_reports(now=now) == {"made": 0}
    assert PeriodicReport.objects.count() == 2 * (towns + 1)


def test_report_figures_equal_the_lists_they_come_from(api_as, district):
    town = district["duruan"]
    period = Period(ReportKind.MONTHLY, dt.date(2020, 1, 1), dt.date(2030, 12, 31))
    figures = collect(AreaViewer(town), period)
    client = api_as("duruan")
    listed = client.get("/api/v1/hazards/?reported_from=2020-01-01&reported_to=2030-12-31").json()["count"]
    assert figures["registered"] == listed > 0
    assert figures["overdue"] == client.get("/api/v1/hazards/?overdue=true").json()["count"]
    assert figures["major_open"] == client.get("/api/v1/hazards/?open=true&level=major").json()["count"]


def test_the_pdf_and_the_word_document_carry_the_figures(settings, tmp_path, district):
    from docx import Document

    settings.MEDIA_ROOT = tmp_path
    write_due_reports(now=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    report = PeriodicReport.objects.get(kind=ReportKind.MONTHLY, town=district["duruan"])
    with report.pdf.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "月度安全生产工作报告" in text and "2026-11" in text
    assert f"{report.figures['open']}" in text
    with report.docx.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "杜阮" in body and "一数一源" in body
    assert document.inline_shapes  # the chart


def test_readers_see_only_their_own_area_reports(settings, tmp_path, as_user, district):
    settings.MEDIA_ROOT = tmp_path
    write_due_reports(now=dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC))
    own = PeriodicReport.objects.get(kind=ReportKind.WEEKLY, town=district["duruan"])
    other = PeriodicReport.objects.get(kind=ReportKind.WEEKLY, town=district["baisha"])
    whole = PeriodicReport.objects.get(kind=ReportKind.WEEKLY, town__isnull=True)
    town = as_user("duruan")
    assert status_of(town, f"/cockpit/reports/{own.pk}/pdf/") == 200
    assert status_of(town, f"/cockpit/reports/{other.pk}/pdf/") == 404
    assert status_of(town, f"/cockpit/reports/{whole.pk}/docx/") == 404
    assert status_of(as_user("leader"), f"/cockpit/reports/{whole.pk}/docx/") == 200


def status_of(client, url) -> int:
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    response.close()
    return response.status_code


def test_the_district_edits_the_wording_and_bad_input_changes_nothing(as_user):
    client = as_user("admin")
    page = client.get("/cockpit/reports/template/?kind=monthly")
    version = page.context["form"].initial["version"]
    bad = client.post(
        "/cockpit/reports/template/",
        {"kind": "monthly", "intro": "本月{unknown}", "closing": "继续努力", "version": version},
    )
    assert bad.status_code == 400 and "本月{unknown}" in bad.content.decode()
    ok = client.post(
        "/cockpit/reports/template/",
        {"kind": "monthly", "intro": "{scope}{period}情况如下。", "closing": "继续努力", "version": version},
    )
    assert ok.status_code == 302
    assert ReportTemplate.objects.get(kind="monthly").intro == "{scope}{period}情况如下。"
    assert AuditEvent.objects.filter(action="cockpit.reporttemplate.updated").count() == 1
    stale = client.post(
        "/cockpit/reports/template/",
        {"kind": "monthly", "intro": "x", "closing": "y", "version": version},
    )
    assert stale.status_code == 409
    assert as_user("duruan").get("/cockpit/reports/template/").status_code == 403
