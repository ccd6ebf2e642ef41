"""Documents of the loop: the rectification notice (整改通知书) and the acceptance record, with serials."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hazards.models import DocumentSerial

SERIAL_PREFIX = {"notice": "ZG", "acceptance": "YS"}


def next_serial(kind: str) -> str:
    """The next number of a kind in the current year, e.g. ZG-2026-00017 (gap-free under concurrency)."""
    year = timezone.localdate().year
    with transaction.atomic():
        DocumentSerial.objects.get_or_create(kind=kind, year=year)
        DocumentSerial.objects.filter(kind=kind, year=year).update(last=F("last") + 1)
        last = DocumentSerial.objects.get(kind=kind, year=year).last
    return f"{SERIAL_PREFIX[kind]}-{year}-{last:05d}"
