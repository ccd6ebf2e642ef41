"""The accident chain (R-ACC-8, R-ACC-9, R-ACC-7) through the API of API.md."""

import datetime as dt

from django.utils import timezone

from accidents.models import Accident, ChainStep
from accidents.tests.test_api import URL, payload


def _deadline(body, step):
    return next(d for d in body["report_deadlines"] if d["step"] == step)


def _chain(body, step):
    return next(c for c in body["chain_steps"] if c["step"] == step)


def test_the_units_hour_runs_from_the_unit_heads_receipt(api_as, district):
    occurred = timezone.now() - dt.timedelta(hours=3)
    informed = occurred + dt.timedelta(minutes=100)
    body = (
        api_as("duruan")
        .post(
            URL,
            payload(district, occurred_at=occurred.isoformat(), unit_informed_at=informed.isoformat()),
            format="json",
        )
        .json()
    )
    due = dt.datetime.fromisoformat(_deadline(body, "unit_to_district")["due_at"])
    assert due == informed + dt.timedelta(hours=1)
    assert body["unit_informed_assumed"] is False


def test_an_unknown_receipt_takes_the_accident_time_and_says_it_was_assumed(api_as, district):
    occurred = timezone.now() - dt.timedelta(minutes=30)
    body = (
        api_as("duruan").post(URL, payload(district, occurred_at=occurred.isoformat()), format="json").json()
    )
    assert body["unit_informed_assumed"] is True
    assert dt.datetime.fromisoformat(body["unit_informed_at"]) == occurred
    due = dt.datetime.fromisoformat(_deadline(body, "unit_to_district")["due_at"])
    assert due == occurred + dt.timedelta(hours=1)


def test_a_receipt_before_the_accident_is_refused(api_as, district):
    occurred = timezone.now() - dt.timedelta(minutes=30)
    response = api_as("duruan").post(
        URL,
        payload(
            district,
            occurred_at=occurred.isoformat(),
            unit_informed_at=(occurred - dt.timedelta(minutes=5)).isoformat(),
        ),
        format="json",
    )
    assert response.status_code == 400 and "unit_informed_at" in response.json()


def test_direct_reports_to_higher_levels_are_kept(api_as, district):
    at = timezone.now() - dt.timedelta(minutes=10)
    body = (
        api_as("duruan")
        .post(
            URL,
            payload(district, bypass_reported_to="市应急管理局", bypass_reported_at=at.isoformat()),
            format="json",
        )
        .json()
    )
    assert body["bypass_reported_to"] == "市应急管理局" and body["bypass_reported_at"]


def test_the_bureaus_notifications_are_steps_with_times_and_clocks(api_as, district):
    body = api_as("duruan").post(URL, payload(district), format="json").json()
    steps = {c["step"] for c in body["chain_steps"]}
    assert {
        "notify_public_security",
        "notify_human_resources",
        "notify_trade_union",
        "notify_procuratorate",
        "report_government",
    } <= steps
    city = _deadline(body, "district_to_city")["due_at"]
    assert _chain(body, "notify_procuratorate")["due_at"] == city
    done = api_as("duty").post(
        f"{URL}{body['id']}/chain-steps/",
        {"step": "notify_trade_union", "note": "电话通知区总工会"},
        format="json",
    )
    assert done.status_code == 200, done.content
    row = _chain(done.json(), "notify_trade_union")
    assert row["done_at"] and row["overdue"] is False and row["note"] == "电话通知区总工会"
    again = api_as("duty").post(
        f"{URL}{body['id']}/chain-steps/", {"step": "notify_trade_union"}, format="json"
    )
    assert again.status_code == 409
    # The duty room records notifications, not the investigation's steps.
    refused = api_as("duty").post(
        f"{URL}{body['id']}/chain-steps/", {"step": "report_received"}, format="json"
    )
    assert refused.status_code == 403


def test_the_governments_reply_is_due_15_days_after_it_received_the_report(api_as, district):
    body = api_as("duruan").post(URL, payload(district), format="json").json()
    admin = api_as("admin")
    early = admin.post(f"{URL}{body['id']}/chain-steps/", {"step": "government_reply"}, format="json")
    assert early.status_code == 409
    received = timezone.now() - dt.timedelta(minutes=1)
    answer = admin.post(
        f"{URL}{body['id']}/chain-steps/",
        {"step": "report_received", "at": received.isoformat()},
        format="json",
    ).json()
    reply = _chain(answer, "government_reply")
    due = timezone.localdate(dt.datetime.fromisoformat(reply["due_at"]))
    from core.calendar import period_end

    assert due == period_end(timezone.localdate(received), 15)
    assert (due - timezone.localdate(received)).days >= 15
    assert reply["done_at"] is None and reply["overdue"] is False


def test_a_larger_near_miss_is_reported_like_a_larger_accident(api_as, district):
    body = (
        api_as("duruan")
        .post(
            URL,
            payload(
                district,
                serious_injuries=0,
                minor_injuries=0,
                direct_loss="0",
                larger_near_miss=True,
                near_miss_reason="12人被困",
            ),
            format="json",
        )
        .json()
    )
    assert body["level"] == "general"
    assert "city_to_province" in {d["step"] for d in body["report_deadlines"]}
    missing_reason = api_as("duruan").post(URL, payload(district, larger_near_miss=True), format="json")
    assert missing_reason.status_code == 400


def test_investigators_record_omitted_false_or_concealed_reporting(api_as, district):
    body = api_as("duruan").post(URL, payload(district), format="json").json()
    url = f"{URL}{body['id']}/reporting-findings/"
    assert api_as("duty").post(url, {"kind": "concealed", "note": "x"}, format="json").status_code == 403
    bad = api_as("yjj").post(url, {"kind": "late", "note": "x"}, format="json")
    assert bad.status_code == 400
    done = api_as("yjj").post(url, {"kind": "concealed", "note": "少报死亡1人"}, format="json")
    assert done.status_code == 200
    assert done.json()["reporting_findings"][0]["kind"] == "concealed"


def test_the_rectification_evaluation_is_due_a_year_after_closing_with_a_reminder(api_as, district, persona):
    from accidents.services import chain
    from notifications.models import Notification

    body = api_as("duruan").post(URL, payload(district), format="json").json()
    accident = Accident.objects.get(pk=body["id"])
    closed = timezone.now() - dt.timedelta(days=340)
    Accident.objects.filter(pk=accident.pk).update(state="closed", closed_at=closed)
    accident.refresh_from_db()
    step = chain.open_evaluation_step(accident)
    assert timezone.localdate(step.due_at) == timezone.localdate(closed).replace(
        year=timezone.localdate(closed).year + 1
    )
    assert chain.remind_evaluations() == 1
    assert chain.remind_evaluations() == 0  # once
    assert Notification.objects.filter(kind="accident.evaluation_due").exists()
    done = api_as("admin").post(
        f"{URL}{accident.pk}/chain-steps/",
        {"step": "rectification_evaluation", "note": "整改措施已落实"},
        format="json",
    )
    assert done.status_code == 200
    assert ChainStep.objects.get(accident=accident, step="rectification_evaluation").done_at
