"""The SMS gateway: one interface, pluggable backends chosen by the `SMS_BACKEND` setting.

The embedded default (`notifications.sms.LogFileBackend`) appends each message to a log file
(`SMS_LOG_FILE`) and puts it into the recipient's in-app centre, so a district without a gateway contract
still sees every page it would have sent. A production gateway is a class with `send(phone, text)` that
raises on failure; every message is recorded (`SmsMessage`) with its backend and outcome, and a message
with a dedup key is sent at most once per phone.
"""

from __future__ import annotations

import abc
import json
import logging
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

DEFAULT_BACKEND = "notifications.sms.LogFileBackend"


class SmsBackend(abc.ABC):
    """The gateway interface: a district's SMS provider implements `send` (SMS_BACKEND names the class)."""

    @abc.abstractmethod
    def send(self, phone: str, text: str) -> None: ...


class LogFileBackend(SmsBackend):
    """Writes one JSON line per message; the in-app copy is made by `send_sms` for every backend."""

    def send(self, phone: str, text: str) -> None:
        path = Path(
            getattr(settings, "SMS_LOG_FILE", "") or Path(settings.BASE_DIR) / "var" / "log" / "sms.log"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False
        )
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


class MemoryBackend(SmsBackend):
    """Keeps messages in a list (tests, demonstrations)."""

    outbox: list[tuple[str, str]] = []

    def send(self, phone: str, text: str) -> None:
        type(self).outbox.append((phone, text))


def backend_path() -> str:
    return getattr(settings, "SMS_BACKEND", "") or DEFAULT_BACKEND


def get_backend() -> SmsBackend:
    return import_string(backend_path())()


def send_sms(*, recipients, text: str, dedup_key: str | None = None, url: str = "", kind: str = "sms") -> int:
    """Page people by SMS (after commit) and in the in-app centre; answers how many messages were queued."""
    from notifications.models import SmsMessage
    from notifications.services import notify

    queued = []
    for user in recipients:
        phone = (getattr(user, "phone", "") or "").strip()
        if not phone:
            continue
        try:
            with transaction.atomic():
                queued.append(
                    SmsMessage.objects.create(
                        recipient=user,
                        phone=phone,
                        text=text[:500],
                        backend=backend_path(),
                        dedup_key=dedup_key,
                    ).pk
                )
        except IntegrityError:  # sent already
            continue
    notify(recipients=recipients, kind=kind, title=text[:200], body=text, url=url, dedup_key=dedup_key)
    if queued:
        transaction.on_commit(lambda: deliver(queued))
    return len(queued)


def deliver(ids: list[int]) -> None:
    from notifications.models import SmsMessage

    backend = get_backend()
    for message in SmsMessage.objects.filter(pk__in=ids, sent_at__isnull=True):
        try:
            backend.send(message.phone, message.text)
        except Exception as exc:  # a gateway failure is recorded, never raised into the request
            log.warning("SMS to %s failed: %s", message.phone, exc)
            SmsMessage.objects.filter(pk=message.pk).update(error=str(exc)[:500])
        else:
            SmsMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now(), error="")
