"""The statistics table as a document (R-HAZ-10): the written, signed table that order 16 art. 14 asks
for, as PDF (core.pdf, embedded CJK font) and .xlsx (core.exports). Page, API and documents print the
same stored figures."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exports import Column, write_xlsx
from core.pdf import PdfDocument
from hazards.models import HazardStatement
from hazards.models import statement_period_label as period_label


def figure_labels() -> dict[str, str]:
    return {
        "general_found": _("General hazards found in the period"),
        "major_found": _("Major hazards found in the period"),
        "self_inspection_found": _("of which found by the unit's own inspections"),
        "general_closed": _("General hazards rectified and closed in the period"),
        "major_closed": _("Major hazards rectified and closed in the period"),
        "open_at_end": _("Hazards not yet closed at the end of the period"),
        "major_open_at_end": _("of which major hazards"),
    }


def figure_lines(statement: HazardStatement) -> list[tuple[str, str, int]]:
    """(code, label, value) in the table's order."""
    from hazards.services.statements import FIGURES

    labels = figure_labels()
    return [(code, labels[code], int(statement.figures.get(code, 0))) for code in FIGURES]


def table_title(statement: HazardStatement) -> str:
    # The order's words (art. 14: 每季、每年…统计分析…书面统计分析表).
    if statement.quarter is None:
        return _("Annual statistical analysis table of hazard investigation and treatment")
    return _("Quarterly statistical analysis table of hazard investigation and treatment")


def legal_basis() -> str:
    return _(
        "Interim Provisions on the Investigation and Treatment of Work Safety Accident Hazards (order "
        "No. 16 of the former State Administration of Work Safety), article 14"
    )


def _signed_at(statement: HazardStatement) -> str:
    if statement.submitted_at is None:
        return ""
    return timezone.localtime(statement.submitted_at).strftime("%Y-%m-%d %H:%M")


def heading_facts(statement: HazardStatement) -> list[tuple[str, object]]:
    enterprise = statement.enterprise
    return [
        (_("Unit"), enterprise.name),
        (_("Unified social credit code"), enterprise.credit_code),
        (_("Statistical period"), period_label(statement.year, statement.quarter)),
        (_("Due by"), statement.due_on.isoformat()),
    ]


def signature_facts(statement: HazardStatement) -> list[tuple[str, object]]:
    return [
        (_("Principal (signature)"), statement.signed_by_name),
        (_("Signed at"), _signed_at(statement)),
    ]


def render_pdf(statement: HazardStatement) -> bytes:
    doc = PdfDocument(table_title(statement), subtitle=period_label(statement.year, statement.quarter))
    doc.facts(heading_facts(statement))
    doc.heading(_("Hazard investigation and treatment in the period"))
    doc.table(
        [pgettext("statistics table", "Item"), _("Number")],
        [(label, value) for _c, label, value in figure_lines(statement)],
    )
    doc.spacer().paragraph(_("Basis: %(law)s.") % {"law": legal_basis()})
    doc.spacer().facts(signature_facts(statement))
    return doc.render()


def render_xlsx(statement: HazardStatement) -> bytes:
    rows = [
        (table_title(statement), ""),
        *heading_facts(statement),
        *[(label, value) for _c, label, value in figure_lines(statement)],
        *signature_facts(statement),
        (_("Basis"), legal_basis()),
    ]
    buffer = io.BytesIO()
    columns = [
        Column(pgettext("statistics table", "Item"), lambda r: r[0], 48),
        Column(_("Content"), lambda r: r[1], 36),
    ]
    write_xlsx(buffer, columns, rows, sheet_title=_("Statistical analysis table"))
    return buffer.getvalue()
