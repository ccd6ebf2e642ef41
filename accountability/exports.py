"""The scorecard as .xlsx and PDF, and each enforcement step's document as a PDF (R-HAZ-13)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.services import penalties
from core.documents import seal_name
from core.exports import Column, xlsx_response
from core.pdf import PdfDocument, pdf_response


def _title(year, kind, quarter) -> str:
    unit = _("towns and streets") if kind == "town" else _("departments")
    period = _("Q%(q)s") % {"q": quarter} if quarter else _("year")
    return _("Work-safety assessment %(year)s (%(period)s), %(unit)s") % {
        "year": year,
        "period": period,
        "unit": unit,
    }


def scorecard_export(fmt: str, *, year, kind, quarter, lines):
    items = lines[0].items if lines else []
    if fmt == "xlsx":
        columns = [
            Column(_("Rank"), lambda line: line.rank, 8),
            Column(_("Unit"), lambda line: str(line.unit), 24),
            Column(_("Score"), lambda line: line.score, 10),
            Column(_("Rating"), lambda line: str(line.rating_label), 12),
        ]
        for index, item in enumerate(items):
            columns.append(
                Column(f"{item.label} · {_('value')}", lambda line, i=index: line.items[i].value, 14)
            )
            columns.append(
                Column(f"{item.label} · {_('points')}", lambda line, i=index: line.items[i].points, 14)
            )
        return xlsx_response(f"assessment-{year}-{kind}", columns, lines, sheet_title=str(year))
    pdf = PdfDocument(_title(year, kind, quarter))
    pdf.table(
        [_("Rank"), _("Unit"), _("Score"), _("Rating")],
        [[line.rank, str(line.unit), line.score, str(line.rating_label)] for line in lines],
    )
    for line in lines:
        pdf.heading(f"{line.rank}. {line.unit} — {line.score}")
        pdf.table(
            [_("Item"), _("Weight"), _("Value"), _("Points"), _("Records")],
            [[str(i.label), i.weight, i.value, i.points, i.record_count] for i in line.items],
        )
    return pdf_response(pdf.render(), f"assessment-{year}-{kind}", inline=False)


def case_document_pdf(case, document):
    pdf = PdfDocument(
        str(document.get_kind_display()), serial=document.number, subtitle=seal_name(case.department.name)
    )
    facts = [
        (_("Case"), case.title),
        (_("Party"), case.enterprise.name),
        (_("Filed on"), case.filed_on),
        (_("Facts of the violation"), case.facts),
    ]
    if case.measure:
        facts += [(_("Measure"), case.get_measure_display()), (_("Legal basis"), case.article)]
        if case.fine:
            facts.append((_("Fine (yuan)"), penalties.total_fine(case)))
    pdf.facts(facts)
    kind = document.kind
    if kind == "prior_notice":
        pdf.paragraph(
            _(
                "Under %(notice)s and %(hearing)s, the party may state and defend itself, and may request a "
                "hearing within five days of receiving this notice (until %(date)s)."
            )
            % {
                "notice": penalties.CITE["notice"],
                "hearing": penalties.CITE["hearing"],
                "date": case.hearing_request_due,
            }
        )
    if kind == "hearing_notice":
        pdf.paragraph(
            _(
                "The party requested a hearing (%(hearing)s). Under %(notice)s it is told the time and place "
                "of the hearing at least seven days before it is held."
            )
            % {"hearing": penalties.CITE["hearing"], "notice": penalties.CITE["hearing_notice"]}
        )
    if kind == "decision":
        pdf.paragraph(
            _(
                "The fine is paid within fifteen days of receiving this decision (%(payment)s). For each day late, "
                "3%% of the fine is added, never more than the fine (%(surcharge)s). The party may apply for "
                "administrative reconsideration within sixty days of receiving this decision (%(reconsideration)s) "
                "or file an administrative lawsuit within six months (%(lawsuit)s)."
            )
            % {key: penalties.CITE[key] for key in ("payment", "surcharge", "reconsideration", "lawsuit")}
        )
    if kind == "delivery":
        pdf.facts(
            [
                (_("Delivered on"), case.delivered_on),
                (_("Payment due"), case.payment_due),
                (_("Reconsideration may be applied for until"), case.reconsideration_due),
                (_("Lawsuit may be filed until"), case.lawsuit_due),
            ]
        )
    if kind == "closing":
        pdf.facts(
            [
                (_("Paid (yuan)"), case.paid_amount or ""),
                (_("Late-payment surcharge (yuan)"), case.surcharge or ""),
                (_("Closing note"), case.closing_note),
            ]
        )
    if document.body:
        pdf.paragraph(document.body)
    inquiry = getattr(document, "inquiry", None) if kind == "inquiry" else None
    if inquiry is not None:
        _inquiry_record(pdf, inquiry)
    else:
        pdf.signatures([seal_name(case.department.name), _("Party")])
    pdf.paragraph(timezone.localtime(document.issued_at).strftime("%Y-%m-%d"))
    return pdf_response(pdf.render(), document.number)


def _inquiry_record(pdf, inquiry) -> None:
    """The questions and answers in the order asked, then the signatures of an inquiry record."""
    pdf.facts([(_("Person questioned"), inquiry.person), (_("Date of inquiry"), inquiry.asked_on)])
    pdf.heading(_("Questions and answers"))
    for exchange in inquiry.exchanges:
        pdf.paragraph(_("Q: %(text)s") % {"text": exchange["question"]})
        pdf.paragraph(_("A: %(text)s") % {"text": exchange["answer"]})
    if inquiry.content:
        pdf.paragraph(inquiry.content)
    pdf.spacer()
    pdf.paragraph(_("I have read this record (or it was read to me) and it agrees with what I said."))
    pdf.signatures([_("Person questioned (signature)"), _("Inquirers"), _("Recorder")])


def measure_pdf(measure):
    """Interview minutes, a circular or another decided measure, with its official number."""
    pdf = PdfDocument(str(measure.get_measure_display()), serial=measure.document_number)
    proposal = measure.proposal
    facts = [(_("Target"), str(measure.target))]
    if proposal is not None:
        facts += [(_("Trigger"), proposal.get_trigger_display()), (_("Why"), proposal.reason)]
        facts += [(_("Facts that fired it"), "\n".join(f.get("title", "") for f in proposal.facts))]
    if measure.held_on:
        facts += [(_("Held or issued on"), measure.held_on), (_("Participants"), measure.participants)]
    pdf.facts(facts)
    if measure.minutes:
        pdf.paragraph(measure.minutes)
    commitments = list(measure.commitments.all())
    if commitments:
        pdf.heading(_("Commitments"))
        pdf.table(
            [_("Commitment"), _("Due on"), _("Done on")],
            [[c.text, c.due_on, c.done_on or ""] for c in commitments],
        )
    return pdf_response(pdf.render(), measure.document_number or f"measure-{measure.pk}")
