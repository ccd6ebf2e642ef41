"""The risk notification board (风险告知卡) of a point, as a printable PDF (core.pdf)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.masking import phone_for
from core.pdf import PdfDocument
from risk.tables import plain_number


def board_pdf(user, point, measures) -> bytes:
    colour = point.effective_colour or point.colour
    doc = PdfDocument(
        _("Risk notification board"),
        serial=f"RP-{point.pk:06d}",
        subtitle=point.enterprise.name,
    )
    level = point.get_effective_colour_display() if point.effective_colour else _("Not assessed")
    facts = [
        (_("Risk point"), point.name),
        (_("Location"), point.location or "—"),
        (_("Risk level"), level),
    ]
    if point.effective_reason:
        facts.append((_("Reason for the raised colour"), point.effective_reason))
    if colour and point.method:
        factors = (
            f"L={plain_number(point.l_value)} E={plain_number(point.e_value)} C={plain_number(point.c_value)}"
            if point.method == "lec"
            else f"L={plain_number(point.l_value)} S={point.s_value}"
        )
        facts.append(
            (
                _("Assessment"),
                f"{point.get_method_display()} · {factors} · {_('Score')} {plain_number(point.score)}",
            )
        )
    facts += [
        (_("Hazard factor categories"), "、".join(point.factor_category_labels()) or "—"),
        (_("Hazard factors"), point.hazard_factors or "—"),
        (_("Possible accident types"), "、".join(point.accident_type_labels()) or "—"),
        (_("Possible consequences"), point.consequences or "—"),
        (
            _("Person responsible"),
            f"{point.responsible_person or '—'} {phone_for(user, point.responsible_phone, point.enterprise_id)}".strip(),
        ),
    ]
    doc.facts(facts)
    doc.heading(_("Control measures"))
    rows = [
        (m.get_kind_display(), m.description, m.get_level_display(), m.responsible_person) for m in measures
    ]
    if rows:
        doc.table([_("Kind"), _("Measure"), _("Responsible level"), _("Person responsible")], rows)
    else:
        doc.paragraph(_("No control measures recorded."))
    doc.heading(_("Emergency measures"))
    doc.paragraph(point.emergency_measures or "—")
    doc.spacer(4)
    doc.paragraph(_("Emergency call: 119 (fire) · 120 (ambulance) · 110 (police)"))
    return doc.render()
