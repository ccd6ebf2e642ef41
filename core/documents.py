"""Serial numbers for official documents, shared by every module that prints them."""

from django.conf import settings
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


def _documents_setting() -> dict:
    return settings.REDLINE_DOCUMENTS


def official_number(kind: str, *, body: str = "") -> str:
    """R-HAZ-13: a number in the agency's form, e.g. 蓬应急责改〔2026〕17号 — the issuing body's abbreviation and
    the document kind's word (settings per body and kind), the year in 〔〕 and the serial of that body, kind
    and year. The default body keeps the plain `kind` counter, so numbering continues across the change."""
    setting = _documents_setting()
    default = setting["default_body"]
    body = body or default
    prefixes = setting["prefixes"]
    prefix = prefixes.get(body, {}).get(kind) or prefixes[default][kind]
    year, last = next_serial(kind if body == default else f"{kind}@{body}")
    return f"{prefix}〔{year}〕{last}号"


def issuing_body_name(body: str = "") -> str:
    """The name printed on the "下达单位（盖章）" line: the issuing body's full name (setting)."""
    setting = _documents_setting()
    bodies = setting["bodies"]
    return bodies.get(body or setting["default_body"]) or bodies[setting["default_body"]]


def district_name() -> str:
    """The district's own name (the jurisdiction of REDLINE["DISTRICT_CODE"]) for footers and headings."""
    from registry.models import Jurisdiction

    district = Jurisdiction.objects.filter(code=settings.REDLINE["DISTRICT_CODE"]).first()
    return district.display_name if district is not None else issuing_body_name()
