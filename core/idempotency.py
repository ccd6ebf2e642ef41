"""Idempotency keys for the writes the field app queues offline (a hazard report, a checklist answer, an item
photo): the client sends `Idempotency-Key` (or a form field `idempotency_key`); the first request with a key
writes and its answer is stored; a retry with the same key gets that answer back and writes nothing again.

A key is claimed by inserting its row before the view runs (unique per user), so two copies of one request
arriving together never both write: the second waits for the first's transaction and then replays, or gets
409 while the first is still running elsewhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import timezone

from core.models import IdempotencyKey

KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
KEEP = dt.timedelta(days=7)
BODY_LIMIT = 20_000


def _key(request) -> str | None:
    raw = request.headers.get("Idempotency-Key") or request.POST.get("idempotency_key") or ""
    return raw if KEY_RE.match(raw) else None


def _replay(row: IdempotencyKey) -> HttpResponse:
    if row.status is None:
        response = HttpResponse("", status=409)
    elif row.location:
        response = HttpResponseRedirect(row.location)
        response.status_code = row.status
    else:
        response = HttpResponse(row.body, status=row.status)
    response["Idempotent-Replay"] = "true"
    return response


def idempotent(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key(request) if request.method == "POST" and request.user.is_authenticated else None
        if key is None:
            return view(request, *args, **kwargs)
        IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(user=request.user, key=key, path=request.path[:200])
        except IntegrityError:
            row = IdempotencyKey.objects.filter(user=request.user, key=key).first()
            return _replay(row) if row is not None else HttpResponse("", status=409)
        try:
            response = view(request, *args, **kwargs)
        except Exception:
            row.delete()  # nothing was written: the key may be used again
            raise
        if response.status_code >= 500:
            row.delete()
            return response
        row.status = response.status_code
        row.location = response.get("Location", "")[:200] if 300 <= response.status_code < 400 else ""
        if not row.location and not getattr(response, "streaming", False):
            row.body = response.content.decode(response.charset or "utf-8", "replace")[:BODY_LIMIT]
        row.save(update_fields=["status", "location", "body"])
        return response

    return wrapper
