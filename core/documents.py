"""Serial numbers for official documents, shared by every module that prints them."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import DocumentSerial


def next_serial(kind: str) -> tuple[int, int]:
    """(year, number): the next number of a document kind in the current year — no gaps, no duplicates."""
    year = timezone.localdate().year
    with transaction.atomic():
        serial, _created = DocumentSerial.objects.select_for_update().get_or_create(kind=kind, year=year)
        DocumentSerial.objects.filter(pk=serial.pk).update(last=F("last") + 1)
        serial.refresh_from_db(fields=["last"])
    return year, serial.last
