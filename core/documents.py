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


# --- Official document numbers (R-HAZ-13): 蓬应急责改〔2026〕17号 -------------------------------------------
# Each module declares its kinds with a default prefix (issuing-body abbreviation + kind abbreviation) in
# its AppConfig.ready(); `DOCUMENT_NUMBER_PREFIXES` (a setting) overrides any of them per installation.
DOCUMENT_KINDS: dict[str, str] = {}


def register_document_kind(kind: str, default_prefix: str) -> None:
    DOCUMENT_KINDS[kind] = default_prefix


def prefix_for(kind: str) -> str:
    from django.conf import settings

    overrides = getattr(settings, "DOCUMENT_NUMBER_PREFIXES", {}) or {}
    try:
        return overrides.get(kind) or DOCUMENT_KINDS[kind]
    except KeyError:
        raise KeyError(f"document kind {kind!r} is not registered (core.documents.register_document_kind)")


def format_number(prefix: str, year: int, number: int) -> str:
    return f"{prefix}〔{year}〕{number}号"


def official_number(kind: str) -> str:
    """The next official number of a kind in the current year, gapless, in the agency's form."""
    prefix = prefix_for(kind)
    year, number = next_serial(kind)
    return format_number(prefix, year, number)
