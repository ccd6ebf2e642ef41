"""R-HAZ-10 (order 16, art. 14): the enterprise's quarterly and annual hazard statistics tables — filled
from the hazard ledger once per period by the job, kept as PDF and .xlsx, signed by the principal through
the workflow, late ones flagged; an enterprise sees its own, a town its enterprises', others 404."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.jobs import run_job
from hazards.choices import State
from hazards.models import Hazard, HazardStatement
from hazards.services.statements import generate_due_statements, generate_statement, last_ended_periods
from hazards.tests.helpers import reported
from notifications.models import Notification
from registry.models import Enterprise

pytestmark = pytest.mark.django_db

YEAR, QUARTER = 2025, 2  # a period the demo district holds no hazards in: the dataset below is all of it


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _ledger(persona) -> Enterprise:
    """The fixed dataset of the demo enterprise for 2025 Q2 (1 April – 30 June)."""
    ent = persona("ent_duruan")
    enterprise = ent.enterprise

    def hazard(found: dt.date, *, major=False, closed: dt.date | None = None, state=None, **extra):
        made = reported(persona("admin"), enterprise, major=major, **extra)
        changes = {"discovered_at": _at(found)}
        if closed:
            changes.update(state=State.CLOSED, closed_at=_at(closed))
        elif state:
            changes["state"] = state
        Hazard.objects.filter(pk=made.pk).update(**changes)

    hazard(dt.date(2025, 4, 3), source="self_inspection")  # general, open at the end
    hazard(dt.date(2025, 4, 20), closed=dt.date(2025, 5, 2))  # general, closed in the period
    hazard(dt.date(2025, 6, 30), source="self_inspection", closed=dt.date(2025, 7, 1))  # closed after it
    hazard(dt.date(2025, 5, 5), major=True)  # major, open at the end
    hazard(dt.date(2025, 5, 6), state=State.CANCELLED)  # cancelled: counted nowhere
    hazard(dt.date(2025, 3, 30), closed=dt.date(2025, 4, 10))  # found before, closed in the period
    hazard(dt.date(2025, 1, 15))  # found before, still open at the end
    hazard(dt.date(2025, 7, 2), major=True)  # after the period
    return enterprise


EXPECTED = {
    "general_found": 3,
    "major_found": 1,
    "self_inspection_found": 2,
    "general_closed": 2,
    "major_closed": 0,
    "open_at_end": 4,
    "major_open_at_end": 1,
}


def _page_figures(html: str) -> dict:
    return {
        code: int(value)
        for code, value in re.findall(
            r'data-figure="(\w+)"><td>[^<]*</td><td class="text-end">(\d+)</td>', html
        )
    }


def test_the_tables_figures_equal_the_ledger_on_a_fixed_dataset(persona, as_user, api_as):
    enterprise = _ledger(persona)
    statement = generate_statement(enterprise, YEAR, QUARTER)
    assert statement.figures == EXPECTED
    assert statement.due_on == dt.date(2025, 7, 15) and statement.state == "to_sign" and statement.late
    # The page and the API show the same stored figures.
    page = as_user("ent_duruan").get(f"/hazards/statements/{statement.pk}/")
    assert page.status_code == 200
    assert _page_figures(page.content.decode()) == EXPECTED
    assert "事故隐患排查治理情况季度统计分析表" in page.content.decode()
    api = api_as("duruan").get(f"/api/v1/hazard-statements/{statement.pk}/").json()
    assert api["figures"] == EXPECTED and api["state"] == "to_sign" and api["late"] is True
    HazardStatement.objects.filter(enterprise=enterprise, year=YEAR, quarter=None).delete()  # the demo's
    annual = generate_statement(enterprise, YEAR, None)
    assert annual.figures["general_found"] == 5 and annual.figures["major_found"] == 2
    assert annual.due_on == dt.date(2026, 1, 31)


def test_the_documents_carry_the_orders_title_and_the_figures(persona):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    statement = generate_statement(_ledger(persona), YEAR, QUARTER)
    with statement.pdf.open("rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "事故隐患排查治理情况季度统计分析表" in text and "2025年第2季度" in text
    assert "主要负责人（签字）" in text and "第十四条" in text
    with statement.xlsx.open("rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    rows = {r[0]: r[1] for r in sheet.iter_rows(values_only=True)}
    assert rows["本期排查发现一般事故隐患"] == 3 and rows["期末尚未整改销号的事故隐患"] == 4
    assert "R-HAZ" not in text and not any("R-HAZ" in str(k) for k in rows)


def test_the_job_makes_each_table_once_and_tells_the_enterprise_once(persona):
    keep = persona("ent_duruan").enterprise
    Enterprise.objects.exclude(pk=keep.pk).update(status="suspended")
    HazardStatement.objects.filter(enterprise=keep).delete()
    told = Notification.objects.filter(kind="hazard.statement", recipient=persona("ent_duruan"))
    before = told.count()  # the demo's tables were announced too
    now = timezone.now()
    first = run_job("hazards.statement_tables", now=now)
    assert first == {"made": 2}
    periods = set(HazardStatement.objects.filter(enterprise=keep).values_list("year", "quarter"))
    assert periods == set(last_ended_periods(timezone.localdate(now)))
    assert told.count() == before + 2
    assert run_job("hazards.statement_tables", now=now) == {"made": 0}
    assert HazardStatement.objects.filter(enterprise=keep).count() == 2
    assert told.count() == before + 2
    assert all(s.pdf and s.xlsx for s in HazardStatement.objects.filter(enterprise=keep))


def test_a_run_renders_at_most_its_batch(persona):
    today = timezone.localdate()
    before = HazardStatement.objects.count()
    assert generate_due_statements(today, limit=3) == 3
    assert HazardStatement.objects.count() == before + 3


def _demo_table(persona) -> HazardStatement:
    quarter = last_ended_periods(timezone.localdate())[0]
    return HazardStatement.objects.get(
        enterprise=persona("ent_duruan").enterprise, year=quarter[0], quarter=quarter[1]
    )


def test_the_principal_signs_on_the_page_with_who_and_when(persona, as_user):
    statement = _demo_table(persona)
    url = f"/hazards/statements/{statement.pk}/sign/"
    # Another user of the enterprise sees it but may not sign (403); nothing changes.
    assert as_user("ent_duruan").post(url, {"version": statement.version}).status_code == 403
    stale = as_user("ent_duruan_head").post(url, {"version": statement.version + 1})
    assert stale.status_code == 409
    done = as_user("ent_duruan_head").post(url, {"version": statement.version})
    assert done.status_code == 302
    statement.refresh_from_db()
    head = persona("ent_duruan_head")
    assert statement.state == "signed" and statement.submitted_by == head
    assert statement.signed_by_name == head.display_name and statement.submitted_at is not None
    assert statement.late  # the demo's quarter was due on the 15th of the month after it: signed late
    assert AuditEvent.objects.filter(action="hazards.statement.signed", target_id=statement.pk).exists()
    assert as_user("ent_duruan_head").post(url, {"version": statement.version}).status_code == 409
    page = as_user("duruan").get(f"/hazards/statements/{statement.pk}/").content.decode()
    assert head.display_name in page and "已签字" in page


def test_the_principal_signs_through_the_api(persona, api_as):
    statement = _demo_table(persona)
    url = f"/api/v1/hazard-statements/{statement.pk}/sign/"
    assert api_as("ent_duruan").post(url, {"version": statement.version}, format="json").status_code == 403
    assert api_as("duruan").post(url, {"version": statement.version}, format="json").status_code == 403
    assert api_as("ent_duruan_head").post(url, {}, format="json").status_code == 400
    signed = api_as("ent_duruan_head").post(url, {"version": statement.version}, format="json")
    assert signed.status_code == 200, signed.content
    body = signed.json()
    assert body["state"] == "signed" and body["signed_by_name"] and body["submitted_at"]


def test_late_tables_are_flagged(persona, as_user):
    statement = generate_statement(_ledger(persona), YEAR, QUARTER)  # due 15 July 2025, long past
    own = as_user("ent_duruan").get("/hazards/statements/").content.decode()
    assert 'data-testid="late-badge"' in own
    overview = as_user("duruan").get("/hazards/statements/", {"period": f"{YEAR}-{QUARTER}"})
    assert overview.status_code == 200
    html = overview.content.decode()
    assert persona("ent_duruan").enterprise.name in html and 'data-standing="overdue"' in html
    HazardStatement.objects.filter(pk=statement.pk).update(state="signed", submitted_at=timezone.now())
    statement.refresh_from_db()
    assert statement.late  # signed after the due date stays late
    html = as_user("duruan").get("/hazards/statements/", {"period": f"{YEAR}-{QUARTER}"}).content.decode()
    assert 'data-standing="signed_late"' in html


def test_the_overview_lists_only_the_towns_enterprises_and_who_is_missing(persona, as_user):
    quarter = last_ended_periods(timezone.localdate())[0]
    period = f"{quarter[0]}-{quarter[1]}"
    town = persona("duruan").town
    page = as_user("duruan").get("/hazards/statements/", {"period": period})
    assert page.status_code == 200
    html = page.content.decode()
    rows = re.findall(r'<tr data-standing="(\w+)">', html)
    in_town = Enterprise.objects.operating().filter(town=town).count()
    assert len(rows) == min(in_town, 50)
    assert "missing" in rows and "overdue" in rows  # the demo enterprise's table is past its date
    baisha = Enterprise.objects.operating().exclude(town=town).order_by("id").first()
    assert baisha.name not in html
    counts = dict(
        re.findall(r'data-standing="(\w+)">[^<]*<span class="badge text-bg-light">(\d+)</span>', html)
    )
    assert sum(int(n) for n in counts.values()) == in_town


def test_a_bad_period_is_named_and_refused(as_user):
    page = as_user("duruan").get("/hazards/statements/", {"period": "1999-9", "standing": "nonsense"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "请选择列出的统计期间。" in html and "请选择列出的状态。" in html


def test_scope_an_enterprise_sees_only_its_own_and_a_town_only_its_enterprises(persona, as_user, api_as):
    own = _demo_table(persona)
    others = HazardStatement.objects.exclude(enterprise=own.enterprise).exclude(
        enterprise__town=own.enterprise.town
    )
    other = others.order_by("id").first()
    assert other is not None
    listed = api_as("ent_duruan").get("/api/v1/hazard-statements/").json()["results"]
    assert listed and {r["enterprise"] for r in listed} == {own.enterprise_id}
    for path in (f"/hazards/statements/{other.pk}/", f"/hazards/statements/{other.pk}/file/pdf/"):
        assert as_user("ent_duruan").get(path).status_code == 404
        assert as_user("duruan").get(path).status_code == 404
    assert api_as("duruan").get(f"/api/v1/hazard-statements/{other.pk}/").status_code == 404
    assert api_as("ent_duruan").get(f"/api/v1/hazard-statements/{other.pk}/").status_code == 404
    assert as_user("baisha").get(f"/hazards/statements/{own.pk}/").status_code == 404
    download = as_user("duruan").get(f"/hazards/statements/{own.pk}/file/xlsx/")
    assert download.status_code == 200 and download["Content-Type"].endswith("spreadsheetml.sheet")
    download.close()
    assert as_user("duruan").get(f"/hazards/statements/{own.pk}/file/docx/").status_code == 404
    assert as_user("sysadmin").get("/hazards/statements/").status_code == 403
