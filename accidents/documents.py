"""The printable accident express report (事故快报), R-ACC-2's content list."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accidents.selectors import clock_rows
from core.documents import issuing_body_name
from core.masking import phone_for
from core.pdf import PdfDocument


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def express_report_pdf(accident, *, user) -> bytes:
    doc = PdfDocument(
        _("Accident express report"), serial=accident.express_number, subtitle=issuing_body_name()
    )
    doc.facts(
        [
            (_("Accident"), accident.title),
            (
                pgettext("accident", "Unit"),
                accident.enterprise.name if accident.enterprise_id else _("No enterprise involved"),
            ),
            (_("Time of the accident"), _when(accident.occurred_at)),
            (_("Place"), f"{accident.town.name} {accident.address}".strip()),
            (_("Sector"), accident.sector.display_name),
            (_("Accident type"), f"{accident.accident_type} {accident.get_accident_type_display()}"),
            (pgettext("accident", "Level"), accident.get_level_display()),
            (_("Deaths"), accident.deaths),
            (_("Missing"), accident.missing),
            (_("Serious injuries"), accident.serious_injuries),
            (_("Minor injuries"), accident.minor_injuries),
            (_("Direct economic loss (yuan)"), f"{accident.direct_loss:,.2f}"),
            (
                _("Reporter"),
                f"{accident.reporter_name} {phone_for(user, accident.reporter_phone, accident.enterprise_id)}",
            ),
            (_("Recorded at"), _when(accident.reported_at)),
        ]
    )
    doc.heading(_("What happened"))
    doc.paragraph(accident.narrative or _("Unknown so far."))
    doc.heading(_("Measures taken"))
    doc.paragraph(accident.measures_taken or _("Unknown so far."))
    doc.heading(_("Reporting deadlines"))
    doc.table(
        [_("Report"), _("Due at"), _("Reported at"), pgettext("report clock", "Overdue")],
        [
            [
                row["label"],
                _when(row["due_at"]),
                _when(row["done_at"]),
                _("yes") if row["overdue"] else _("no"),
            ]
            for row in clock_rows(accident)
        ],
    )
    doc.signatures([_("Reporting unit (seal)"), _("Person in charge")])
    return doc.render()
