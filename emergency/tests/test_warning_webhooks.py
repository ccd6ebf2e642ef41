"""A warning issued and lifted by the duty room reaches the district's other systems as signed webhooks
(`notifications.webhooks`, the one mechanism), each payload exactly the fields the registration page
documents."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.utils import timezone

from emergency import events, services
from notifications import webhooks
from notifications.models import Webhook

SECRET = "a-long-enough-signing-secret"
T0 = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def posted(db, monkeypatch):
    Webhook.objects.create(
        name="市三防办",
        url="https://hooks.example.cn/sanfang",
        secret=SECRET,
        events=["emergency.warning.issued", "emergency.warning.lifted"],
    )
    Webhook.objects.create(
        name="只要报告", url="https://o.example.cn/", secret="x", events=["duty.report.closed"]
    )
    seen: list = []
    monkeypatch.setattr(webhooks, "post", lambda url, body, headers: seen.append((url, body, headers)) or 200)
    return seen


def _delivered(seen, event: str) -> dict:
    webhooks.deliver_webhooks(now=timezone.now() + dt.timedelta(days=1))
    [(url, body, headers)] = [s for s in seen if s[2]["X-Redline-Event"] == event]
    assert url == "https://hooks.example.cn/sanfang"
    assert webhooks.verify(SECRET, body, headers[webhooks.SIGNATURE_HEADER])
    assert not webhooks.verify("another-secret-altogether", body, headers[webhooks.SIGNATURE_HEADER])
    sent = json.loads(body)
    assert sent["event"] == event and set(sent["payload"]) == set(events.PAYLOADS[event][1])
    return sent["payload"]


def test_a_warning_issued_and_lifted(persona, posted):
    with time_machine.travel(T0, tick=False):
        warning = services.issue_warning(
            actor=persona("duty"),
            data={
                "hazard": "rainstorm",
                "signal": "red",
                "area": "杜阮镇、白沙街道",
                "valid_from": T0,
                "valid_until": T0 + dt.timedelta(hours=6),
                "note": "市气象台发布",
            },
        )
        issued = _delivered(posted, "emergency.warning.issued")
    assert issued == {
        "id": warning.pk,
        "hazard": "rainstorm",
        "signal": "red",
        "area": "杜阮镇、白沙街道",
        "valid_from": issued["valid_from"],
        "valid_until": issued["valid_until"],
        "note": "市气象台发布",
    }
    assert dt.datetime.fromisoformat(issued["valid_from"]) == T0
    assert dt.datetime.fromisoformat(issued["valid_until"]) == T0 + dt.timedelta(hours=6)

    with time_machine.travel(T0 + dt.timedelta(hours=4), tick=False):
        services.lift_warning(
            warning, actor=persona("duty"), version=warning.version, data={"note": "降雨减弱"}
        )
        lifted = _delivered(posted, "emergency.warning.lifted")
    assert (lifted["id"], lifted["signal"], lifted["note"]) == (warning.pk, "red", "降雨减弱")
    assert dt.datetime.fromisoformat(lifted["lifted_at"]) == T0 + dt.timedelta(hours=4)


def test_a_refused_warning_sends_nothing(persona, posted):
    from core.errors import InvalidInput
    from notifications.models import WebhookDelivery

    with pytest.raises(InvalidInput):
        services.issue_warning(
            actor=persona("duty"),
            data={"hazard": "rainstorm", "signal": "white", "area": "全区", "valid_from": timezone.now()},
        )
    assert not WebhookDelivery.objects.exists()


def test_the_registration_page_documents_the_warning_events(as_user):
    page = as_user("admin").get("/notifications/webhooks/").content.decode()
    for name, (_label, payload) in events.PAYLOADS.items():
        assert f'data-testid="event-{name}"' in page
        assert all(f"<code>{field}</code>" in page for field in payload)
