"""The duty module's signed webhooks: an information report submitted, escalated, followed up and closed,
and a roster published, each sent through the one mechanism of `notifications.webhooks` with the
`X-Redline-Signature` of the subscriber's secret, its payload exactly the fields the registration page
documents."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine

from core.errors import Conflict
from duty import events, services
from duty.models import DutyRoom, InfoReport
from duty.tests.conftest import month_ahead
from notifications import webhooks
from notifications.models import Webhook, WebhookDelivery

T0 = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SECRET = "a-long-enough-signing-secret"


@pytest.fixture
def receiver(db, monkeypatch):
    """A subscriber of every duty event, and what the delivery job posted to it (event → body, headers)."""
    Webhook.objects.create(name="市应急指挥平台", url="https://hooks.example.cn/redline", secret=SECRET)
    Webhook.objects.create(
        name="只要预警", url="https://other.example.cn/", secret="x", events=["emergency.warning.issued"]
    )
    posted: dict[str, list] = {}

    def post(url, body, headers):
        if url == "https://hooks.example.cn/redline":
            posted.setdefault(headers["X-Redline-Event"], []).append((body, headers))
        return 200

    monkeypatch.setattr(webhooks, "post", post)

    def delivered(event: str) -> dict:
        webhooks.deliver_webhooks(now=T0 + dt.timedelta(days=400))
        [(body, headers)] = posted.pop(event)
        assert webhooks.verify(SECRET, body, headers[webhooks.SIGNATURE_HEADER])
        assert not webhooks.verify("another-secret-altogether", body, headers[webhooks.SIGNATURE_HEADER])
        sent = json.loads(body)
        assert sent["event"] == event and isinstance(sent["id"], int)
        # exactly the documented fields: the page never promises what is not sent, nor hides what is
        assert set(sent["payload"]) == set(events.PAYLOADS[event][1]), event
        return sent["payload"]

    return delivered


def _report(api_as, district, **extra) -> dict:
    body = {
        "town": district["duruan"].pk,
        "title": "杜阮镇某厂房火灾",
        "event_type": "fire",
        "occurred_at": (T0 - dt.timedelta(minutes=10)).isoformat(),
        "known_at": T0.isoformat(),
        "deaths": 1,
        "missing": None,
        "serious_injuries": 0,
        "description": "厂房起火，一人死亡，失踪人数正在核实。",
        **extra,
    }
    created = api_as("duruan").post("/api/v1/info-reports/", body, format="json")
    assert created.status_code == 201, created.json()
    return created.json()


def test_every_duty_event_is_offered_with_its_payload_documented(as_user):
    page = as_user("admin").get("/notifications/webhooks/").content.decode()
    for name, (_label, payload) in events.PAYLOADS.items():
        assert f'value="{name}"' in page and f'data-testid="event-{name}"' in page
        assert all(f"<code>{field}</code>" in page for field in payload)
    assert "带班领导" in page  # the meanings are in the reader's language


def test_a_submitted_report(api_as, district, receiver):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        report = _report(api_as, district)
    payload = receiver("duty.report.submitted")
    assert payload == {
        "id": report["id"],
        "title": "杜阮镇某厂房火灾",
        "town": district["duruan"].pk,
        "known_at": T0.isoformat(),
        "deaths": 1,
        "missing": None,
        "urgent": True,
    }


def test_an_escalated_report(api_as, district, receiver, persona):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        report = _report(api_as, district)
        escalated = api_as("duty").post(
            f"/api/v1/info-reports/{report['id']}/escalate/",
            {"version": 1, "note": "请带班领导赶赴现场"},
            format="json",
        )
    assert escalated.status_code == 200
    stored = InfoReport.objects.get(pk=report["id"])
    payload = receiver("duty.report.escalated")
    assert dt.datetime.fromisoformat(payload.pop("escalated_at")) == stored.escalated_at
    assert payload == {
        "id": report["id"],
        "title": "杜阮镇某厂房火灾",
        "town": district["duruan"].pk,
        "state": "submitted",
        "escalated_to": stored.escalated_to_id,
        "note": "请带班领导赶赴现场",
    }


def test_a_follow_up_report(api_as, district, receiver):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        report = _report(api_as, district)
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        followed = api_as("duruan").post(
            f"/api/v1/info-reports/{report['id']}/follow-ups/",
            {"text": "失踪人员已找到，无其他伤亡。", "missing": 0, "serious_injuries": 1},
            format="json",
        )
    assert followed.status_code == 200, followed.json()
    stored = InfoReport.objects.get(pk=report["id"])
    payload = receiver("duty.report.followed_up")
    assert payload["id"] == report["id"] and payload["state"] == "submitted"
    assert (payload["deaths"], payload["missing"], payload["serious_injuries"]) == (1, 0, 1)
    assert payload["changed"] == ["missing", "serious_injuries"]
    assert dt.datetime.fromisoformat(payload["submitted_at"]) == T0 + dt.timedelta(hours=3)
    assert dt.datetime.fromisoformat(payload["next_follow_up_due"]) == stored.follow_up_due_at
    assert "text" not in payload  # narratives stay behind the API and its scope


@pytest.mark.parametrize("by", ["final", "desk"])
def test_a_closed_report(api_as, district, receiver, by):
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        report = _report(api_as, district)
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        if by == "final":
            closed = api_as("duruan").post(
                f"/api/v1/info-reports/{report['id']}/final/",
                {"text": "处置完毕", "missing": 0},
                format="json",
            )
        else:
            closed = api_as("duty").post(
                f"/api/v1/info-reports/{report['id']}/close/", {"version": 1}, format="json"
            )
    assert closed.status_code == 200 and closed.json()["state"] == "closed", closed.json()
    payload = receiver("duty.report.closed")
    assert payload["id"] == report["id"] and payload["by"] == by
    assert dt.datetime.fromisoformat(payload["closed_at"]) == T0 + dt.timedelta(hours=5)
    assert payload["missing"] == (0 if by == "final" else None)


def test_a_published_roster(persona, receiver):
    admin = persona("admin")
    room = DutyRoom.objects.get(town=persona("duruan").town)
    room = services.set_room_pattern(
        room, actor=admin, version=room.version, data={"shift_start": "08:00", "shift_hours": 12}
    )
    month = month_ahead(3)
    roster = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month:%Y-%m}"})
    roster = services.publish_roster(services.generate_roster(roster, actor=admin), actor=admin)
    payload = receiver("duty.roster.published")
    shifts = list(roster.shifts.order_by("start", "role", "pk"))
    assert {k: v for k, v in payload.items() if k not in ("shifts", "published_at")} == {
        "id": roster.pk,
        "room": room.pk,
        "room_name": room.name,
        "town": room.town_id,
        "month": f"{month:%Y-%m}",
        "shift_start": "08:00",
        "shift_hours": 12,
    }
    assert payload["published_at"] and len(payload["shifts"]) == len(shifts)
    first = payload["shifts"][0]
    assert set(first) == {"start", "end", "role", "person"}
    assert (first["role"], first["person"]) == (shifts[0].role, shifts[0].person_id)
    assert dt.datetime.fromisoformat(first["start"]) == shifts[0].start
    # published once: publishing is not repeated, and the delivery is not queued twice
    assert WebhookDelivery.objects.filter(event="duty.roster.published").count() == 1


def test_a_refused_publication_sends_nothing(persona, receiver):
    admin = persona("admin")
    room = DutyRoom.objects.get(town__isnull=True)
    roster = services.create_roster(actor=admin, data={"room": room.pk, "month": f"{month_ahead(4):%Y-%m}"})
    with pytest.raises(Conflict):
        services.publish_roster(roster, actor=admin)
    assert not WebhookDelivery.objects.filter(event="duty.roster.published").exists()
