"""The risk register (.xlsx): points with their current assessment and control measures."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Column
from core.masking import phone_for
from risk.tables import plain_number


def _measures(point) -> str:
    return "\n".join(
        f"[{m.get_kind_display()}·{m.get_level_display()}] {m.description}"
        + (f" ({m.responsible_person})" if m.responsible_person else "")
        for m in getattr(point, "active_measures", [])
    )


def register_columns(user) -> list[Column]:
    return [
        Column(_("Enterprise"), lambda p: p.enterprise.name, 28),
        Column(_("Town/street"), lambda p: p.enterprise.town.name, 12),
        Column(_("Risk point"), lambda p: p.name, 24),
        Column(_("Kind"), lambda p: p.get_kind_display(), 12),
        Column(_("Location"), lambda p: p.location, 20),
        Column(_("Hazard factor categories"), lambda p: p.factor_category_labels(), 20),
        Column(_("Hazard factors"), lambda p: p.hazard_factors, 30),
        Column(_("Possible accident types"), lambda p: p.accident_type_labels(), 24),
        Column(_("Possible consequences"), lambda p: p.consequences, 24),
        Column(_("Method"), lambda p: p.get_method_display(), 14),
        Column("L", lambda p: plain_number(p.l_value), 6),
        Column("E", lambda p: plain_number(p.e_value), 6),
        Column("C", lambda p: plain_number(p.c_value), 6),
        Column("S", lambda p: p.s_value, 6),
        Column(_("Score"), lambda p: plain_number(p.score), 8),
        Column(_("Grade"), lambda p: p.grade, 6),
        Column(_("Assessed colour"), lambda p: p.get_colour_display(), 12),
        Column(_("Effective colour"), lambda p: p.get_effective_colour_display(), 12),
        Column(_("Reason for the raised colour"), lambda p: p.effective_reason, 28),
        Column(_("Assessed at"), lambda p: p.assessed_at, 18),
        Column(_("Assessed by"), lambda p: p.assessed_by.display_name if p.assessed_by else "", 12),
        Column(_("Next review"), lambda p: p.next_review_on, 12),
        Column(_("Control measures"), _measures, 50),
        Column(_("Emergency measures"), lambda p: p.emergency_measures, 30),
        Column(_("Person responsible"), lambda p: p.responsible_person, 12),
        Column(
            _("Phone of the person responsible"),
            lambda p: phone_for(user, p.responsible_phone, p.enterprise_id),
            16,
        ),
    ]
