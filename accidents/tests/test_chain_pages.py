"""The accident chain on the accident page (R-ACC-8, R-ACC-9, R-ACC-7): steps with their clocks recorded from
the page, reporting findings by investigators, direct reports on the form, and the page's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from accidents.choices import ChainStepKind
from accidents.models import Accident, ChainStep, ReportingFinding
from accidents.services import chain

pytestmark = pytest.mark.django_db


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_the_page_shows_each_notification_with_its_clock_and_the_duty_room_records_one(record, as_user):
    accident = record()
    client = as_user("duty")
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    for step in ("notify_public_security", "notify_human_resources", "notify_trade_union"):
        assert f'data-testid="chain-{step}"' in page
    assert 'data-testid="chain-report_government"' in page and "/chain/" in page
    at = timezone.now() - dt.timedelta(minutes=5)
    response = client.post(
        f"/accidents/{accident.pk}/chain/",
        {"step": "notify_public_security", "at": _local(at), "note": "110"},
    )
    assert response.status_code == 302
    step = ChainStep.objects.get(accident=accident, step="notify_public_security")
    assert step.done_at is not None and step.note == "110"


def test_a_step_in_the_future_is_refused_and_nothing_changes(record, as_user):
    accident = record()
    future = timezone.now() + dt.timedelta(days=2)
    typed = _local(future)
    response = as_user("duty").post(
        f"/accidents/{accident.pk}/chain/", {"step": "notify_trade_union", "at": typed, "note": "已电话通知"}
    )
    assert response.status_code == 400
    assert ChainStep.objects.get(accident=accident, step="notify_trade_union").done_at is None
    page = response.content.decode()
    assert 'data-testid="form-errors"' in page
    # What the officer typed stays in that step's row, and only there.
    assert page.count(f'value="{typed}"') == 1 and page.count('value="已电话通知"') == 1


def test_the_reply_clock_shows_after_the_government_received_the_report(record, as_user, persona):
    from accidents import services

    accident = record()
    services.open_investigation(
        accident, actor=persona("admin"), version=accident.version, data={"lead_unit": "区政府"}
    )
    client = as_user("yjj")
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert 'data-testid="chain-report_received"' in page
    response = client.post(f"/accidents/{accident.pk}/chain/", {"step": "report_received"})
    assert response.status_code == 302
    reply = ChainStep.objects.get(accident=accident, step=ChainStepKind.GOVERNMENT_REPLY)
    assert reply.due_at is not None and reply.done_at is None
    page = client.get(f"/accidents/{accident.pk}/").content.decode()
    assert 'data-testid="chain-government_reply"' in page


def test_the_evaluation_shows_its_reminder_state(record, as_user):
    accident = record()
    closed = timezone.now() - dt.timedelta(days=340)
    Accident.objects.filter(pk=accident.pk).update(state="closed", closed_at=closed)
    accident.refresh_from_db()
    chain.open_evaluation_step(accident)
    page = as_user("admin").get(f"/accidents/{accident.pk}/").content.decode()
    assert 'data-testid="evaluation-reminder"' in page
    chain.remind_evaluations()
    page = as_user("admin").get(f"/accidents/{accident.pk}/").content.decode()
    assert "evaluation-reminder" in page
    assert ChainStep.objects.get(accident=accident, step="rectification_evaluation").reminded_at is not None


def test_an_investigator_records_concealed_reporting_and_the_duty_room_may_not(record, as_user):
    accident = record()
    url = f"/accidents/{accident.pk}/reporting-findings/"
    assert as_user("duty").post(url, {"kind": "concealed", "note": "隐瞒一名重伤"}).status_code == 403
    assert not ReportingFinding.objects.filter(accident=accident).exists()
    assert as_user("yjj").post(url, {"kind": "concealed", "note": "隐瞒一名重伤"}).status_code == 302
    finding = ReportingFinding.objects.get(accident=accident)
    assert finding.kind == "concealed"
    page = as_user("yjj").get(f"/accidents/{accident.pk}/").content.decode()
    assert "隐瞒一名重伤" in page


def test_an_empty_finding_is_refused(record, as_user):
    accident = record()
    response = as_user("yjj").post(f"/accidents/{accident.pk}/reporting-findings/", {"kind": "false"})
    assert response.status_code == 400
    assert not ReportingFinding.objects.filter(accident=accident).exists()
    page = response.content.decode()
    # The form opens again with the kind chosen and the missing facts marked.
    assert "<details open>" in page and 'value="false" selected' in page and "rl-has-error" in page


def test_the_form_records_the_unit_heads_receipt_and_a_direct_report(as_user, district, enterprise_in):
    occurred = timezone.now() - dt.timedelta(minutes=50)
    informed = occurred + dt.timedelta(minutes=20)
    response = as_user("duruan").post(
        "/accidents/new/",
        {
            "occurred_at": _local(occurred),
            "unit_informed_at": _local(informed),
            "bypass_reported_to": "江门市应急管理局",
            "bypass_reported_at": _local(informed),
            "town": district["duruan"].pk,
            "sector": "industry_trade",
            "accident_type": "09",
            "enterprise": enterprise_in("duruan", "industry_trade").pk,
            "deaths": "0",
            "serious_injuries": "1",
        },
    )
    assert response.status_code == 302
    accident = Accident.objects.latest("id")
    assert accident.unit_informed_assumed is False and accident.bypass_reported_to == "江门市应急管理局"
    unit = accident.deadlines.get(step="unit_to_district")
    assert unit.due_at == accident.unit_informed_at + dt.timedelta(hours=1)


def test_a_direct_report_without_its_time_is_refused_and_the_input_kept(as_user, district):
    before = Accident.objects.count()
    response = as_user("duruan").post(
        "/accidents/new/",
        {
            "occurred_at": _local(timezone.now() - dt.timedelta(minutes=10)),
            "bypass_reported_to": "江门市应急管理局",
            "town": district["duruan"].pk,
            "sector": "industry_trade",
            "accident_type": "09",
        },
    )
    assert response.status_code == 400 and "江门市应急管理局" in response.content.decode()
    assert Accident.objects.count() == before


@pytest.mark.parametrize("path", ["chain/", "reporting-findings/"])
def test_an_accident_of_another_town_is_not_found(record, as_user, path):
    accident = record("admin", town="baisha")
    response = as_user("duruan").post(f"/accidents/{accident.pk}/{path}", {"step": "notify_trade_union"})
    assert response.status_code == 404
    assert not ChainStep.objects.filter(accident=accident, done_at__isnull=False).exists()
