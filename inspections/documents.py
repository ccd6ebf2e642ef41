"""Documents: the inspection record (检查记录), the rectification order (责令限期整改指令书) and the
campaign summary report, rendered with the embedded CJK font (core.pdf)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.documents import department_number, official_number, seal_name
from core.pdf import PdfDocument
from inspections.choices import Result
from inspections.models import Campaign, Inspection
from inspections.selectors import Progress
from registry.models import Department

# The kind's word after the issuing body's abbreviation (蓬应急 + 责改 in the bureau's default prefixes of
# REDLINE_DOCUMENTS): a department with its own abbreviation numbers these documents in its own series.
WORDS = {"inspections.record": "检记", "inspections.order": "责改"}


def next_serial(kind: str, *, actor) -> tuple[str, Department | None]:
    """The next number of a kind in the agency's form (R-HAZ-13) and the department that issues it: the
    inspecting officer's department in its own series when it has a document abbreviation
    (蓬住建责改〔2026〕1号), else the bureau (None) in its series (蓬应急责改〔2026〕17号). No gaps, no
    duplicates; the bureau's prefixes are settings (REDLINE_DOCUMENTS)."""
    kind = f"inspections.{kind}"
    department = actor.department
    number = department and department_number(
        kind, word=WORDS[kind], abbreviation=department.document_abbreviation, code=department.code
    )
    return (number, department) if number else (official_number(kind), None)


def _issued_by(inspection: Inspection) -> str:
    """The name on the "下达单位（盖章）" line: the department that issued the documents, else the bureau."""
    department = inspection.issuing_department
    return seal_name(department.name if department is not None else "")


def _when(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def _inspectors(inspection: Inspection) -> str:
    names = [inspection.inspector.display_name]
    if inspection.co_inspectors:
        names.append(inspection.co_inspectors)
    return "、".join(names)


def inspection_record_pdf(inspection: Inspection) -> bytes:
    template = inspection.template
    doc = PdfDocument(
        _("Work-safety inspection record"),
        serial=inspection.record_serial,
        subtitle=f"{template.name} v{template.version}",
    )
    doc.facts(
        [
            (_("Enterprise"), inspection.enterprise.name),
            (_("Unified social credit code"), inspection.enterprise.credit_code),
            (_("Town/street"), inspection.town.display_name),
            (_("Place inspected"), inspection.place or "—"),
            (_("Started at"), _when(inspection.started_at)),
            (_("Finished at"), _when(inspection.finished_at)),
            (_("Inspectors"), _inspectors(inspection)),
            (_("People present"), inspection.people_present or "—"),
            (pgettext("inspection", "Outcome"), inspection.get_outcome_display() or _("Draft")),
        ]
    )
    doc.heading(_("Items checked"))
    rows = []
    for r in sorted(inspection.results.all(), key=lambda r: r.item.number):
        rows.append([r.item.number, r.item.requirement, r.get_result_display(), r.note, r.item.legal_basis])
    doc.table(
        [_("No."), _("Requirement"), _("Result"), _("Note"), _("Legal basis")],
        rows,
        widths=[10 * 2.83, 62 * 2.83, 16 * 2.83, 36 * 2.83, 50 * 2.83],
    )
    if inspection.summary:
        doc.heading(_("Summary"))
        doc.paragraph(inspection.summary)
    doc.signatures([_("Inspectors"), _("Enterprise representative")])
    return doc.render()


def rectification_order_pdf(inspection: Inspection) -> bytes:
    failed = sorted(
        (r for r in inspection.results.all() if r.result == Result.FAIL), key=lambda r: r.item.number
    )
    deadline = None
    if inspection.finished_at:
        deadline = timezone.localdate(inspection.finished_at) + dt.timedelta(
            days=inspection.rectification_days
        )
    doc = PdfDocument(_("Order to rectify within a time limit"), serial=inspection.order_serial)
    doc.paragraph(
        _(
            "%(enterprise)s: at the inspection of %(date)s the following problems were found. Under article 65 "
            "of the Work Safety Law you are ordered to remove them by %(deadline)s and to report the "
            "rectification in writing. Major hazards require a treatment plan under article 15 of the Interim "
            "Provisions on the Investigation and Governance of Work Safety Accident Hazards."
        )
        % {
            "enterprise": inspection.enterprise.name,
            "date": _when(inspection.finished_at or inspection.started_at),
            "deadline": _when(deadline),
        }
    )
    doc.spacer()
    doc.table(
        [_("No."), _("Problem"), pgettext("inspection", "Level"), _("Legal basis"), _("Hazard no.")],
        [
            [
                r.item.number,
                f"{r.item.requirement}{('（' + r.note + '）') if r.note else ''}",
                r.item.get_level_display(),
                r.item.legal_basis,
                r.hazard_id or "—",
            ]
            for r in failed
        ],
        widths=[10 * 2.83, 70 * 2.83, 20 * 2.83, 50 * 2.83, 20 * 2.83],
    )
    doc.signatures(
        [(_("Issued by (seal)"), _issued_by(inspection)), _("Inspectors"), _("Received by the enterprise")]
    )
    return doc.render()


def campaign_report_pdf(campaign: Campaign, progress: Progress) -> bytes:
    doc = PdfDocument(_("Campaign progress report"), subtitle=campaign.name)
    doc.facts(
        [
            (_("Campaign"), campaign.name),
            (_("Goal"), campaign.goal),
            (_("Period"), f"{_when(campaign.start_date)} – {_when(campaign.end_date)}"),
            (
                _("Lead unit"),
                campaign.lead_department.display_name
                if campaign.lead_department
                else _("District work-safety committee office"),
            ),
            (_("Checklist"), str(campaign.template)),
            (_("Report date"), _when(timezone.localdate())),
        ]
    )
    header = [
        pgettext("inspection", "Unit"),
        _("Targets"),
        _("Inspected"),
        _("Coverage %"),
        _("Items checked"),
        _("Failures"),
        _("Hazards found"),
        _("Hazards closed"),
        _("Overdue"),
    ]

    def row(r):
        return [
            r.name,
            r.targets,
            r.inspected,
            r.coverage_percent,
            r.items_checked,
            r.failures,
            r.hazards_found,
            r.hazards_closed,
            r.overdue,
        ]

    doc.heading(_("By town/street"))
    doc.table(header, [row(r) for r in progress.towns] + [row(progress.total)])
    doc.heading(_("By department"))
    doc.table(header, [row(r) for r in progress.departments])
    return doc.render()
