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
# A number's prefix is the issuing body's abbreviation and the document kind's word. Each module declares its
# kinds with a default prefix in its AppConfig.ready() (`register_document_kind`); the installation's
# `REDLINE_DOCUMENTS` (prefixes per issuing body and kind, the bodies' full names) and
# `DOCUMENT_NUMBER_PREFIXES` (per kind) settings override them.
DOCUMENT_KINDS: dict[str, str] = {}


def register_document_kind(kind: str, default_prefix: str) -> None:
    DOCUMENT_KINDS[kind] = default_prefix


def _documents_setting() -> dict:
    from django.conf import settings

    return settings.REDLINE_DOCUMENTS


def prefix_for(kind: str, *, body: str = "") -> str:
    from django.conf import settings

    setting = _documents_setting()
    default = setting["default_body"]
    prefixes = setting["prefixes"]
    found = (
        prefixes.get(body or default, {}).get(kind)
        or (getattr(settings, "DOCUMENT_NUMBER_PREFIXES", {}) or {}).get(kind)
        or prefixes.get(default, {}).get(kind)
        or DOCUMENT_KINDS.get(kind)
    )
    if not found:
        raise KeyError(f"document kind {kind!r} is not registered (core.documents.register_document_kind)")
    return found


def format_number(prefix: str, year: int, number: int) -> str:
    return f"{prefix}〔{year}〕{number}号"


def official_number(kind: str, *, body: str = "", prefix: str = "") -> str:
    """The next number of a kind in the agency's form, gapless per issuing body, kind and year. The default
    body keeps the plain `kind` counter, so numbering continues across the change of form. `prefix`: the
    issuing body's own (a department's abbreviation and the kind's word), which `body` then counts apart."""
    default = _documents_setting()["default_body"]
    prefix = prefix or prefix_for(kind, body=body)
    year, number = next_serial(kind if (body or default) == default else f"{kind}@{body}")
    return format_number(prefix, year, number)


def department_number(kind: str, *, word: str, abbreviation: str, code: str) -> str:
    """The next number of a kind in a department's own series: its abbreviation and the kind's word
    (蓬住建 + 罚 → 蓬住建罚〔2026〕3号), counted apart from the bureau's (R-HAZ-13: an industry department issues
    in its own name). Empty when the bureau's series numbers it instead: the department has no abbreviation,
    or its prefix is the bureau's own — one series, never two counters. Plain values, not a department: core
    knows no other app."""
    prefix = abbreviation + word if abbreviation else ""
    if not prefix or prefix == prefix_for(kind):
        return ""
    return official_number(kind, body=f"department:{code}", prefix=prefix)


def issuing_body_name(body: str = "") -> str:
    """The name printed on the "下达单位（盖章）" line: the issuing body's full name (setting)."""
    setting = _documents_setting()
    bodies = setting["bodies"]
    return bodies.get(body or setting["default_body"]) or bodies[setting["default_body"]]


def seal_name(department_name: str = "") -> str:
    """The name on a document's seal line: a department's official name (the district's name before the
    department's short one: 住房和城乡建设局 → 江门市蓬江区住房和城乡建设局), or the bureau's when none issued it."""
    from django.conf import settings

    if not department_name:
        return issuing_body_name()
    district = settings.REDLINE.get("DISTRICT_NAME") or ""
    return department_name if department_name.startswith(district) else f"{district}{department_name}"


def district_name() -> str:
    """The district's own name for footers and headings (setting REDLINE["DISTRICT_NAME"])."""
    from django.conf import settings

    return settings.REDLINE.get("DISTRICT_NAME") or issuing_body_name()
