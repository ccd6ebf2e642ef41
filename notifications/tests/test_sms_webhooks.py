"""The SMS gateway's backend selection and the signed webhooks with their retries."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from notifications import sms, webhooks
from notifications.models import Notification, SmsMessage, Webhook, WebhookDelivery


@pytest.fixture
def memory_sms(settings):
    settings.SMS_BACKEND = "notifications.sms.MemoryBackend"
    sms.MemoryBackend.outbox = []
    return sms.MemoryBackend.outbox


def test_the_setting_selects_the_backend(settings, tmp_path):
    settings.SMS_BACKEND = "notifications.sms.MemoryBackend"
    assert isinstance(sms.get_backend(), sms.MemoryBackend)
    settings.SMS_BACKEND = ""
    assert isinstance(sms.get_backend(), sms.LogFileBackend)
    settings.SMS_LOG_FILE = str(tmp_path / "sms.log")
    sms.get_backend().send("13800001234", "值班提醒")
    line = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()[-1])
    assert line["phone"] == "13800001234" and line["text"] == "值班提醒"


def test_a_page_goes_out_once_by_sms_and_in_app(persona, memory_sms, django_capture_on_commit_callbacks):
    user = persona("duty")
    with django_capture_on_commit_callbacks(execute=True):
        sms.send_sms(recipients=[user], text="紧急信息", dedup_key="t:1")
        sms.send_sms(recipients=[user], text="紧急信息", dedup_key="t:1")
    assert memory_sms == [(user.phone, "紧急信息")]
    message = SmsMessage.objects.get(dedup_key="t:1")
    assert message.sent_at is not None and message.backend.endswith("MemoryBackend")
    assert Notification.objects.filter(recipient=user, dedup_key="t:1").count() == 1


def test_a_failing_gateway_is_recorded_not_raised(persona, settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = "notifications.tests.test_sms_webhooks.Broken"
    with django_capture_on_commit_callbacks(execute=True):
        sms.send_sms(recipients=[persona("duty")], text="x", dedup_key="t:2")
    message = SmsMessage.objects.get(dedup_key="t:2")
    assert message.sent_at is None and "down" in message.error


class Broken(sms.SmsBackend):
    def send(self, phone, text):
        raise RuntimeError("gateway down")


def test_webhooks_are_signed_with_hmac_sha256(db, monkeypatch):
    hook = Webhook.objects.create(
        name="省平台", url="https://example.invalid/hook", secret="s3cret", events=["duty.report.submitted"]
    )
    Webhook.objects.create(
        name="other", url="https://example.invalid/other", secret="x", events=["something.else"]
    )
    assert webhooks.emit("duty.report.submitted", {"id": 1}, dedup_key="r:1") == 1
    assert webhooks.emit("duty.report.submitted", {"id": 1}, dedup_key="r:1") == 0  # once per event
    seen = []
    monkeypatch.setattr(webhooks, "post", lambda url, body, headers: seen.append((url, body, headers)) or 200)
    webhooks.deliver_webhooks()
    url, body, headers = seen[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert url == hook.url and headers[webhooks.SIGNATURE_HEADER] == expected
    assert webhooks.verify("s3cret", body, headers[webhooks.SIGNATURE_HEADER])
    assert not webhooks.verify("wrong", body, headers[webhooks.SIGNATURE_HEADER])
    delivery = WebhookDelivery.objects.get(webhook=hook)
    assert delivery.state == WebhookDelivery.DELIVERED and delivery.attempt_log.filter(ok=True).count() == 1


def test_failures_retry_with_exponential_backoff_then_give_up(db, monkeypatch, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    Webhook.objects.create(name="h", url="https://example.invalid/h", secret="k")
    webhooks.emit("duty.report.submitted", {"id": 2})
    delivery = WebhookDelivery.objects.get()

    def fail(url, body, headers):
        raise OSError("connection refused")

    monkeypatch.setattr(webhooks, "post", fail)
    now = timezone.now()
    for _ in range(4):
        delivery.refresh_from_db()
        webhooks.deliver_webhooks(now=max(now, delivery.next_attempt_at))
        delivery.refresh_from_db()
        now = delivery.next_attempt_at
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.FAILED and delivery.attempts == 4
    assert [a.ok for a in delivery.attempt_log.all()] == [False] * 4
    assert "refused" in delivery.last_error
    assert [webhooks.backoff(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (1, 2, 4)]
    # nothing due before the backoff has passed
    assert webhooks.deliver_webhooks(now=now) == "0 delivered, 0 failed"


def test_a_server_error_is_retried_and_later_delivered(db, monkeypatch):
    Webhook.objects.create(name="h", url="https://example.invalid/h", secret="k")
    webhooks.emit("e", {"id": 3})
    answers = iter([503, 200])
    monkeypatch.setattr(webhooks, "post", lambda url, body, headers: next(answers))
    now = timezone.now()
    webhooks.deliver_webhooks(now=now)
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == WebhookDelivery.PENDING and delivery.last_status == 503
    assert delivery.next_attempt_at == now + dt.timedelta(minutes=1)
    webhooks.deliver_webhooks(now=now + dt.timedelta(seconds=30))
    assert WebhookDelivery.objects.get().attempts == 1
    webhooks.deliver_webhooks(now=now + dt.timedelta(minutes=1))
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.DELIVERED and delivery.attempts == 2
