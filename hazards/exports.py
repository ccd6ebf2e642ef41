"""The hazard ledger (隐患台账): one row per hazard of the scoped, filtered list, as .xlsx."""

from __future__ import annotations

import itertools

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exports import Column


def _yes(value: bool) -> str:
    return _("Yes") if value else _("No")


def ledger_columns() -> list[Column]:
    """A fresh row counter per export: 序号 runs 1…N down the ledger; the hazard's own number is apart."""
    row = itertools.count(1)
    return [
        Column(_("No."), lambda h: next(row), 6),
        Column(_("Hazard no."), lambda h: h.pk, 10),
        Column(_("Registered at"), lambda h: h.reported_at, 18),
        Column(_("Town/street"), lambda h: h.town.display_name, 12),
        Column(_("Enterprise"), lambda h: h.enterprise.name, 28),
        Column(_("Sector"), lambda h: h.sector.display_name, 14),
        Column(_("Hazard"), lambda h: h.title, 32),
        Column(_("Location"), lambda h: h.location, 16),
        Column(pgettext("hazard", "Category"), lambda h: h.get_category_display(), 12),
        Column(pgettext("hazard", "Level"), lambda h: h.get_level_display(), 12),
        Column(_("Major-hazard criterion"), lambda h: h.criterion.text if h.criterion_id else "", 30),
        Column(_("Source"), lambda h: h.get_source_display(), 14),
        Column(pgettext("hazard", "Measures"), lambda h: h.measures, 30),
        Column(_("Responsible person"), lambda h: h.responsible_person, 12),
        Column(_("Funds (yuan)"), lambda h: h.funds, 12),
        Column(pgettext("hazard", "Deadline"), lambda h: h.deadline, 12),
        Column(_("Contingency plan"), lambda h: h.contingency_plan, 24),
        Column(_("State"), lambda h: h.get_state_display(), 12),
        Column(_("Overdue"), lambda h: _yes(h.is_overdue()), 8),
        Column(_("Submitted on"), lambda h: h.submitted_on, 12),
        Column(_("Accepted at"), lambda h: h.accepted_at, 18),
        Column(_("Closed at"), lambda h: h.closed_at, 18),
        Column(_("Listed supervision"), lambda h: h.listing_authority if h.listed else "", 20),
        Column(_("Document number"), lambda h: h.listing_document, 18),
    ]
