"""Signed outgoing webhooks: `emit(event, payload)` queues one delivery per subscribed webhook; the
`notifications.webhooks` job posts them, each body signed with HMAC-SHA256 of the webhook's secret in
the `X-Redline-Signature: sha256=<hex>` header, retrying failures with exponential backoff
(1, 2, 4, … minutes, at most `WEBHOOK_MAX_ATTEMPTS` tries). Every attempt is recorded.

The body is `{"event": name, "id": delivery id, "payload": {…}}`. Each app registers the events it emits
with their payload's fields and what each means (`register_event`); the registration page lists them, so
the receiving systems read what they get where the district administrator subscribes them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.jobs import periodic_job

SIGNATURE_HEADER = "X-Redline-Signature"


@dataclass(frozen=True)
class Event:
    """An event a webhook may subscribe to: its name, its label, and its payload's fields with what each
    one means (the fields are exactly the payload's keys)."""

    name: str
    label: object
    payload: dict = field(default_factory=dict)


# The events a webhook may subscribe to: each app registers the ones it emits (from its AppConfig.ready),
# so the registration page offers exactly what is sent and documents it.
EVENTS: dict[str, Event] = {}


def register_event(name: str, label, payload: dict | None = None) -> None:
    EVENTS[name] = Event(name, label, dict(payload or {}))


def event_choices() -> list[tuple[str, object]]:
    return [(name, event.label) for name, event in sorted(EVENTS.items())]


def documented_events() -> list[Event]:
    return [event for _name, event in sorted(EVENTS.items())]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(sign(secret, body), header or "")


def max_attempts() -> int:
    return int(getattr(settings, "WEBHOOK_MAX_ATTEMPTS", 6))


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


def emit(event: str, payload: dict, *, dedup_key: str | None = None) -> int:
    from notifications.models import Webhook, WebhookDelivery

    count = 0
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    for hook in Webhook.objects.filter(is_active=True):
        if not hook.wants(event):
            continue
        try:
            with transaction.atomic():
                WebhookDelivery.objects.create(webhook=hook, event=event, payload=data, dedup_key=dedup_key)
                count += 1
        except IntegrityError:
            continue
    return count


def post(url: str, body: bytes, headers: dict) -> int:
    """The one network call (replaced in tests). Answers the HTTP status; raises on a network error."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - administrator-set URL
        return response.status


def attempt(delivery, *, now=None) -> bool:
    from notifications.models import WebhookAttempt, WebhookDelivery

    now = now or timezone.now()
    body = json.dumps(
        {"event": delivery.event, "id": delivery.pk, "payload": delivery.payload}, ensure_ascii=False
    ).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
        "X-Redline-Event": delivery.event,
    }
    status, error = None, ""
    try:
        status = post(delivery.webhook.url, body, headers)
    except Exception as exc:  # network errors are recorded and retried
        error = str(exc)[:500]
    ok = status is not None and 200 <= status < 300
    WebhookAttempt.objects.create(delivery=delivery, at=now, status=status, error=error, ok=ok)
    attempts = delivery.attempts + 1
    if ok:
        fields = {"state": WebhookDelivery.DELIVERED, "delivered_at": now}
    elif attempts >= max_attempts():
        fields = {"state": WebhookDelivery.FAILED}
    else:
        fields = {"next_attempt_at": now + backoff(attempts)}
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts, last_status=status, last_error=error or ("" if ok else f"HTTP {status}"), **fields
    )
    return ok


@periodic_job("notifications.webhooks", dt.timedelta(minutes=1))
def deliver_webhooks(*, now=None) -> str:
    from notifications.models import WebhookDelivery

    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        state=WebhookDelivery.PENDING, next_attempt_at__lte=now
    ).select_related("webhook")
    sent = failed = 0
    for delivery in due[:200]:
        if attempt(delivery, now=now):
            sent += 1
        else:
            failed += 1
    return f"{sent} delivered, {failed} failed"
