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
from cockpit.selectors import registered_query
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
    query = registered_query(period.start, period.end)
    listed = client.get(f"/api/v1/hazards/?{query}").json()["count"]
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


NOW = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


def test_a_failed_report_keeps_the_others_and_the_next_run_writes_only_it(
    settings, tmp_path, monkeypatch, district
):
    from cockpit import periodic

    settings.MEDIA_ROOT = tmp_path
    baisha = district["baisha"]
    real = periodic._deliver

    def failing(report, title, town):
        if town == baisha:
            raise OSError("the notification centre is down")
        real(report, title, town)

    monkeypatch.setattr(periodic, "_deliver", failing)
    every = 2 * (Jurisdiction.objects.towns().filter(is_active=True).count() + 1)
    for _attempt in range(2):  # a second run while the fault lasts adds nothing either
        with pytest.raises(RuntimeError, match="weekly:.*monthly:"):
            write_due_reports(now=NOW)
        assert PeriodicReport.objects.count() == every - 2
        assert not PeriodicReport.objects.filter(town=baisha).exists()  # its row went with its transaction
    monkeypatch.setattr(periodic, "_deliver", real)
    assert write_due_reports(now=NOW) == {"made": 2}
    assert write_due_reports(now=NOW) == {"made": 0}
    assert PeriodicReport.objects.count() == every
    assert all(r.pdf and r.docx for r in PeriodicReport.objects.all())


def test_each_written_report_is_announced_once_to_its_readers(settings, tmp_path, district):
    from notifications.models import Notification
    from notifications.recipients import Audience, resolve

    settings.MEDIA_ROOT = tmp_path
    write_due_reports(now=NOW)
    write_due_reports(now=NOW)  # the second run writes nothing and tells nobody again
    sent = Notification.objects.filter(kind="cockpit.report")
    told_of = set()
    for report in PeriodicReport.objects.all():
        audiences = [Audience.TOWN] if report.town_id else [Audience.DISTRICT, Audience.LEADERS]
        readers = sorted(u.pk for u in resolve(audiences, town_id=report.town_id))
        told = sorted(sent.filter(target_id=report.pk).values_list("recipient_id", flat=True))
        assert told == readers, report  # each reader exactly once (a town without officers: nobody)
        if told:
            told_of.add((report.kind, report.town_id))
    assert {(ReportKind.WEEKLY, None), (ReportKind.MONTHLY, district["duruan"].pk)} <= told_of
    assert sent.count() == sum(1 for _ in sent.values_list("recipient_id", "target_id").distinct())


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


MAY_2025 = Period(ReportKind.MONTHLY, dt.date(2025, 5, 1), dt.date(2025, 5, 31))


def _may_2025(persona, district, enterprise_in) -> None:
    """A fixed dataset in May 2025, a month the demo district holds no hazard or accident in."""
    from accidents import services as accidents
    from hazards.choices import State
    from hazards.models import Hazard
    from hazards.tests.helpers import reported

    duruan, baisha = enterprise_in("duruan", "industry_trade"), enterprise_in("baisha", "industry_trade")
    for enterprise, at, extra in [
        (duruan, _local(dt.date(2025, 5, 3), 9), {}),
        (duruan, _local(dt.date(2025, 5, 20), 15), {"major": True}),
        (duruan, _local(dt.date(2025, 5, 31), 23, 30), {}),  # the last half hour of the month, local time
        (duruan, _local(dt.date(2025, 5, 10), 10), {"state": State.CANCELLED}),  # the list shows it too
        (duruan, _local(dt.date(2025, 4, 30), 23, 50), {}),  # the month before
        (duruan, _local(dt.date(2025, 6, 1), 0, 10), {"major": True}),  # the month after
        (baisha, _local(dt.date(2025, 5, 15), 11), {}),  # another town
    ]:
        state = extra.pop("state", None)
        hazard = reported(persona("admin"), enterprise, **extra)
        Hazard.objects.filter(pk=hazard.pk).update(reported_at=at, **({"state": state} if state else {}))
    for day, deaths, injured in [
        (dt.date(2025, 5, 12), 1, 0),
        (dt.date(2025, 5, 25), 0, 2),
        (dt.date(2025, 6, 2), 1, 0),
    ]:
        accidents.record_accident(
            actor=persona("duruan"),
            data={
                "occurred_at": _local(day, 14),
                "town": district["duruan"],
                "sector": "industry_trade",
                "enterprise": duruan,
                "accident_type": "03",
                "narrative": "冲床压伤手部",
                "deaths": deaths,
                "serious_injuries": injured,
                "direct_loss": 0,
            },
        )


def test_a_report_on_a_fixed_dataset_carries_the_known_figures(
    settings, tmp_path, persona, district, enterprise_in
):
    from cockpit.periodic import generate

    settings.MEDIA_ROOT = tmp_path
    town = district["duruan"]
    empty = collect(AreaViewer(None), MAY_2025)
    assert (empty["registered"], empty["accidents_in_period"]) == (0, 0)  # the dataset below is all of it
    _may_2025(persona, district, enterprise_in)
    figures = collect(AreaViewer(town), MAY_2025)
    period_figures = {k: figures[k] for k in ("registered", "registered_major", "accidents_in_period")}
    assert period_figures == {"registered": 3, "registered_major": 1, "accidents_in_period": 2}
    assert figures["deaths_in_period"] == 1
    assert [(t["name"], t["found"]) for t in figures["towns"]] == [("杜阮镇", 3)]
    whole = collect(AreaViewer(None), MAY_2025)
    assert (whole["registered"], whole["registered_major"], whole["accidents_in_period"]) == (4, 1, 2)
    assert {t["name"]: t["found"] for t in whole["towns"] if t["found"]} == {"杜阮镇": 3, "白沙街道": 1}
    report = generate(MAY_2025, town)
    with report.pdf.open("rb") as handle:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)
    assert "杜阮镇月度安全生产工作报告（2025-05）" in text
    assert "本期登记隐患\n3\n其中重大事故隐患\n1\n" in text
    assert "本期事故起数\n2\n本期死亡人数\n1\n" in text
    assert "\n杜阮镇\n3\n" in text  # the town's row: registered 3
