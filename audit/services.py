"""`record()`: the one way to write an audit event, called inside the service's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from audit.models import AuditChainHead, AuditEvent
from core.middleware import current_request_meta

SECRET_KEYS = {
    "password",
    "password1",
    "password2",
    "new_password",
    "new_password1",
    "new_password2",
    "old_password",
    "token",
    "secret",
    "totp",
    "otp",
    "otp_secret",
}


def _masked(key: str, value: Any) -> Any:
    """No unmasked personal number in the trail (R-REG-2, R-REG-3): phones and ID numbers are masked by
    the name of the field that holds them, in plain values and in [old, new] pairs alike."""
    from core.masking import mask_id_number, mask_phone

    lowered = key.lower()
    masker = mask_phone if "phone" in lowered else mask_id_number if "id_number" in lowered else None
    if masker is None:
        return value

    def once(v):
        return masker(v) if isinstance(v, str) and "*" not in v else v  # already masked: keep

    if isinstance(value, list):
        return [once(v) for v in value]
    return once(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(k): ("[redacted]" if str(k).lower() in SECRET_KEYS else _masked(str(k), _jsonable(v)))
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """{"field": [old, new]} for the fields that changed."""
    return {
        key: _masked(key, [_jsonable(before.get(key)), _jsonable(after.get(key))])
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


CHAIN_VERSION = 2
# Every stored field of an event is in its version-2 hash, but the id (its place is proved by the chain
# link) and the hash and MAC themselves.
V2_FIELDS = (
    "at",
    "actor_id",
    "actor_name",
    "actor_roles",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target_repr",
    "data",
    "ip",
    "request_id",
    "chain_version",
    "mac_algorithm",
    "mac_key",
)
MAC_PURPOSE = "audit chain"


def event_digest(event: AuditEvent, prev_hash: str) -> str:
    if event.chain_version >= 2:
        return row_digest_v2({**{name: getattr(event, name) for name in V2_FIELDS}, "prev_hash": prev_hash})
    return payload_digest(
        prev_hash,
        at=event.at.isoformat(),
        actor_id=event.actor_id,
        action=event.action,
        outcome=event.outcome,
        target_type=event.target_type,
        target_id=event.target_id,
        data=event.data,
        ip=event.ip,
        request_id=event.request_id,
    )


def payload_digest(
    prev_hash: str, *, at: str, actor_id, action, outcome, target_type, target_id, data, ip, request_id
) -> str:
    """Chain version 1 (events before the recorded point): SHA-256 of some fields and the previous hash."""
    payload = {
        "prev": prev_hash,
        "at": at,
        "actor": actor_id,
        "action": action,
        "outcome": outcome,
        "target": [target_type, target_id],
        "data": data,
        "ip": ip,
        "request_id": request_id,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def canonical_v2(row: dict) -> bytes:
    """The canonical JSON of a version-2 event: every field of V2_FIELDS and the previous hash."""
    payload = {name: row.get(name) for name in V2_FIELDS}
    at = payload["at"]
    payload["at"] = at if isinstance(at, str) else at.isoformat()
    payload["prev"] = row["prev_hash"]
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def row_digest_v2(row: dict) -> str:
    return hashlib.sha256(canonical_v2(row)).hexdigest()


def seal_row(row: dict, prev_hash: str) -> dict:
    """The chain fields of a version-2 event whose other fields are `row` (V2_FIELDS but the three
    below): version, MAC algorithm and key, link, SHA-256 over every field, keyed MAC. Bulk writers that
    bypass `record` (the benchmark's data set) seal their rows with it too."""
    from core.crypto import mac, mac_algorithm
    from core.keys import keyring

    sealed = {
        "chain_version": CHAIN_VERSION,
        "mac_algorithm": mac_algorithm(),
        "mac_key": keyring().current,
        "prev_hash": prev_hash,
    }
    canonical = canonical_v2({**row, **sealed})
    sealed["hash"] = hashlib.sha256(canonical).hexdigest()
    sealed["mac"] = mac(
        canonical, purpose=MAC_PURPOSE, algorithm=sealed["mac_algorithm"], key_id=sealed["mac_key"]
    )[2]
    return sealed


def _seal(event: AuditEvent, prev_hash: str) -> None:
    """Chain the event (SHA-256 over every field and the link) and add its keyed MAC."""
    for name, value in seal_row({name: getattr(event, name) for name in V2_FIELDS}, prev_hash).items():
        setattr(event, name, value)


def _mark_v2_start(head: AuditChainHead, first_id: int) -> None:
    if head.v2_from_event_id is None:
        AuditChainHead.objects.filter(pk=1, v2_from_event_id__isnull=True).update(v2_from_event_id=first_id)


def record(
    obj: models.Model | None,
    action: str,
    *,
    actor=None,
    data: dict | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    target_type: str = "",
    target_id: int | None = None,
    target_repr: str = "",
) -> AuditEvent:
    meta = current_request_meta()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        at=timezone.now(),
        actor=actor_obj,
        actor_name=(actor_obj.get_username() if actor_obj else ""),
        actor_roles=sorted(actor_obj.role_codes) if actor_obj else [],
        action=action,
        outcome=outcome,
        target_type=obj._meta.label_lower if obj is not None else target_type,
        target_id=obj.pk if obj is not None else target_id,
        target_repr=(str(obj) if obj is not None else target_repr)[:200],
        data=_jsonable(data or {}),
        ip=meta.get("ip", ""),
        request_id=meta.get("request_id", ""),
    )
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1)
        _seal(event, head.last_hash)
        event.save()
        _mark_v2_start(head, event.pk)
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, last_event_id=event.pk)
    return event


def timeline(obj: models.Model):
    return AuditEvent.objects.for_object(obj).select_related("actor").order_by("id")


def record_many(objects, action: str, *, actor=None, data_for=None) -> int:
    """Bulk form of `record` for imports: one event per object, chained in order, one insert."""
    meta = current_request_meta()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    events = []
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head = AuditChainHead.objects.create(pk=1)
        prev = head.last_hash
        for obj in objects:
            event = AuditEvent(
                at=now,
                actor=actor_obj,
                actor_name=actor_obj.get_username() if actor_obj else "",
                actor_roles=sorted(actor_obj.role_codes) if actor_obj else [],
                action=action,
                target_type=obj._meta.label_lower,
                target_id=obj.pk,
                target_repr=str(obj)[:200],
                data=_jsonable(data_for(obj) if data_for else {}),
                ip=meta.get("ip", ""),
                request_id=meta.get("request_id", ""),
            )
            _seal(event, prev)
            prev = event.hash
            events.append(event)
        AuditEvent.objects.bulk_create(events, batch_size=2000)
        if events:
            _mark_v2_start(head, events[0].pk)
            AuditChainHead.objects.filter(pk=1).update(last_hash=prev, last_event_id=events[-1].pk)
    return len(events)
