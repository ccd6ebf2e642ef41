"""Documents of the loop: the rectification notice (整改通知书) and the acceptance record (验收记录),
with serial numbers, rendered with the embedded CJK font (core.pdf)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Image, Table

from core.documents import department_number, official_number, seal_name
from core.pdf import PdfDocument
from hazards.choices import EvidencePurpose
from hazards.models import Hazard
from registry.models import Department

# The kind's word after the issuing body's abbreviation (蓬应急 + 隐改 in the bureau's default prefixes of
# REDLINE_DOCUMENTS): a department with its own abbreviation numbers these documents in its own series.
WORDS = {"hazards.notice": "隐改", "hazards.acceptance": "隐验"}


def next_serial(kind: str, *, actor) -> tuple[str, Department | None]:
    """The next number of a kind in the agency's form (R-HAZ-13) and the department that issues it: the
    acting officer's department in its own series when it has a document abbreviation (蓬住建隐改〔2026〕1号),
    else the bureau (None) in its series (蓬应急隐改〔2026〕17号). No gaps, no duplicates; the bureau's
    prefixes are settings (REDLINE_DOCUMENTS)."""
    kind = f"hazards.{kind}"
    department = actor.department
    number = department and department_number(
        kind, word=WORDS[kind], abbreviation=department.document_abbreviation, code=department.code
    )
    return (number, department) if number else (official_number(kind), None)


def _issued_by(department: Department | None) -> str:
    """The name on the "下达单位（盖章）" line: the department that issued the document, else the bureau."""
    return seal_name(department.name if department is not None else "")


def _date(value) -> str:
    if value is None:
        return "—"
    if hasattr(value, "tzinfo"):
        value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def _facts(hazard: Hazard) -> list[tuple[str, object]]:
    rows = [
        (_("Enterprise"), hazard.enterprise.name),
        (_("Unified social credit code"), hazard.enterprise.credit_code),
        (_("Town/street"), hazard.town.display_name),
        (_("Sector"), hazard.sector.display_name),
        (_("Hazard"), hazard.title),
        (
            _("Location"),
            " · ".join(p for p in [hazard.location, hazard.area, hazard.equipment, hazard.process] if p),
        ),
        (pgettext("hazard", "Description"), hazard.description),
        (pgettext("hazard", "Level"), hazard.get_level_display()),
        (pgettext("hazard", "Category"), hazard.get_category_display()),
        (_("Source"), hazard.get_source_display()),
        (_("Discovered at"), _date(hazard.discovered_at)),
    ]
    if hazard.criterion_id:
        rows.append((_("Major-hazard criterion"), f"{hazard.criterion.text}（{hazard.criterion.citation}）"))
    if hazard.legal_basis:
        rows.append((_("Legal basis"), hazard.legal_basis))
    return rows


def _determinations(hazard: Hazard) -> list[tuple[str, object]]:
    return [
        (pgettext("hazard", "Measures"), hazard.measures),
        (_("Responsible person"), hazard.responsible_person),
        (_("Funds (yuan)"), hazard.funds if hazard.funds is not None else "—"),
        (pgettext("hazard", "Deadline"), _date(hazard.deadline)),
        (_("Contingency plan"), hazard.contingency_plan or "—"),
    ]


def rectification_notice(hazard: Hazard) -> bytes:
    doc = PdfDocument(
        _("Hazard rectification notice"), serial=hazard.notice_serial, subtitle=hazard.enterprise.name
    )
    doc.paragraph(
        _(
            "%(enterprise)s: the hazard below was found at your unit. Under the Work Safety Law and the hazard "
            "investigation and governance provisions, rectify it under the five determinations by %(deadline)s, "
            "and submit the rectification with evidence for acceptance."
        )
        % {"enterprise": hazard.enterprise.name, "deadline": _date(hazard.deadline)}
    )
    doc.heading(_("The hazard"))
    doc.facts(_facts(hazard))
    doc.heading(_("The five determinations"))
    doc.facts(_determinations(hazard))
    if hazard.listed:
        doc.heading(_("Listed supervision"))
        doc.facts(
            [
                (_("Listing authority"), hazard.listing_authority),
                (_("Document number"), hazard.listing_document or "—"),
                (_("Supervision due date"), _date(hazard.listing_due_date)),
            ]
        )
    doc.signatures(
        [
            (_("Issued by (seal)"), _issued_by(hazard.notice_department)),
            _("Inspector"),
            _("Received by the enterprise"),
        ]
    )
    return doc.render()


def acceptance_record(hazard: Hazard) -> bytes:
    doc = PdfDocument(
        _("Hazard rectification acceptance record"),
        serial=hazard.acceptance_serial,
        subtitle=hazard.enterprise.name,
    )
    doc.heading(_("The hazard"))
    doc.facts(_facts(hazard))
    doc.heading(_("The five determinations"))
    doc.facts(_determinations(hazard))
    doc.heading(_("Rectification"))
    doc.facts(
        [
            (pgettext("hazard", "What was done"), hazard.rectification_note),
            (_("Actual cost (yuan)"), hazard.cost if hazard.cost is not None else "—"),
            (_("Submitted at"), _date(hazard.submitted_at)),
            (_("Submitted by"), hazard.submitted_by.display_name if hazard.submitted_by else "—"),
        ]
    )
    doc.heading(_("Acceptance"))
    doc.facts(
        [
            (_("Acceptance opinion"), hazard.acceptance_note or _("Rectified as required; accepted.")),
            (_("Accepted at"), _date(hazard.accepted_at)),
            (_("Accepted by"), hazard.accepted_by.display_name if hazard.accepted_by else "—"),
        ]
    )
    photos = _photo_row(hazard)
    if photos is not None:
        doc.heading(_("Photos after rectification"))
        doc.story.append(photos)
    doc.signatures([_("Accepted by"), _("Enterprise principal")])
    return doc.render()


PHOTOS_IN_RECORD = 3


def _photo_row(hazard: Hazard):
    """Up to three "after" photos side by side, scaled to fit; a missing file is skipped."""
    from attachments.models import Attachment

    cells = []
    for attachment in Attachment.objects.for_owner(hazard, EvidencePurpose.AFTER).filter(
        content_type__startswith="image/"
    )[:PHOTOS_IN_RECORD]:
        try:
            with attachment.file.open("rb") as handle:
                data = io.BytesIO(handle.read())
            width, height = ImageReader(data).getSize()
        except (OSError, ValueError):
            continue
        data.seek(0)
        scale = min(52 * mm / width, 52 * mm / height)
        cells.append(Image(data, width=width * scale, height=height * scale))
    if not cells:
        return None
    return Table([cells], colWidths=[56 * mm] * len(cells), hAlign="LEFT")
