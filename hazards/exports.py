"""The hazard ledger (隐患台账): one row per hazard of the scoped, filtered list, as .xlsx."""

from __future__ import annotations

import itertools

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.exports import Column, choice_labels
from registry.models import Jurisdiction, Sector

from .models import Hazard, local_today, overdue_on

# What the ledger reads of each row: a million-row ledger loads nothing else (R-HAZ-10). Towns and sectors
# are a few dozen rows, looked up from a dict instead of joined to every hazard.
LEDGER_FIELDS = (
    "id",
    "reported_at",
    "town",
    "enterprise",
    "enterprise__name",
    "sector",
    "title",
    "location",
    "category",
    "level",
    "criterion",
    "criterion__text",
    "source",
    "measures",
    "responsible_person",
    "funds",
    "deadline",
    "contingency_plan",
    "state",
    "submitted_on",
    "accepted_at",
    "closed_at",
    "listed",
    "listing_authority",
    "listing_document",
)


def ledger_rows(queryset):
    """The scoped, filtered list narrowed to what the ledger writes (same rows, same order)."""
    return queryset.select_related(None).select_related("enterprise", "criterion").only(*LEDGER_FIELDS)


def _yes_no():
    yes, no = _("Yes"), _("No")
    return lambda value: yes if value else no


def ledger_columns() -> list[Column]:
    """A fresh row counter per export: 序号 runs 1…N down the ledger; the hazard's own number is apart."""
    row = itertools.count(1)
    # Labels and "today" are read once: this runs for every row of a ledger of up to a million hazards.
    category, level = choice_labels(Hazard, "category"), choice_labels(Hazard, "level")
    source, state = choice_labels(Hazard, "source"), choice_labels(Hazard, "state")
    yes, today = _yes_no(), local_today()
    towns = {town.pk: town.display_name for town in Jurisdiction.objects.all()}
    sectors = {sector.pk: sector.display_name for sector in Sector.objects.all()}
    return [
        Column(_("No."), lambda h: next(row), 6),
        Column(_("Hazard no."), lambda h: h.pk, 10),
        Column(_("Registered at"), lambda h: h.reported_at, 18),
        Column(_("Town/street"), lambda h: towns.get(h.town_id, ""), 12),
        Column(_("Enterprise"), lambda h: h.enterprise.name, 28),
        Column(_("Sector"), lambda h: sectors.get(h.sector_id, ""), 14),
        Column(_("Hazard"), lambda h: h.title, 32),
        Column(_("Location"), lambda h: h.location, 16),
        Column(pgettext("hazard", "Category"), lambda h: category(h.category), 12),
        Column(pgettext("hazard", "Level"), lambda h: level(h.level), 12),
        Column(_("Major-hazard criterion"), lambda h: h.criterion.text if h.criterion_id else "", 30),
        Column(_("Source"), lambda h: source(h.source), 14),
        Column(pgettext("hazard", "Measures"), lambda h: h.measures, 30),
        Column(_("Responsible person"), lambda h: h.responsible_person, 12),
        Column(_("Funds (yuan)"), lambda h: h.funds, 12),
        Column(pgettext("hazard", "Deadline"), lambda h: h.deadline, 12),
        Column(_("Contingency plan"), lambda h: h.contingency_plan, 24),
        Column(_("State"), lambda h: state(h.state), 12),
        Column(_("Overdue"), lambda h: yes(overdue_on(today, h.state, h.deadline, h.submitted_on)), 8),
        Column(_("Submitted on"), lambda h: h.submitted_on, 12),
        Column(_("Accepted at"), lambda h: h.accepted_at, 18),
        Column(_("Closed at"), lambda h: h.closed_at, 18),
        Column(_("Listed supervision"), lambda h: h.listing_authority if h.listed else "", 20),
        Column(_("Document number"), lambda h: h.listing_document, 18),
    ]
