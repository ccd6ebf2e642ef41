"""Scoped reads of the hazard statistics tables (R-HAZ-10): an enterprise's own tables, and for a town,
department or the district, every enterprise in scope with its table's standing for one period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import get_visible_or_404
from hazards.models import HazardStatement, local_today
from hazards.services.statements import last_ended_periods
from hazards.statement_documents import period_label
from registry.choices import EnterpriseStatus
from registry.models import Enterprise

# An enterprise's standing for one period, in the order the overview counts them.
STANDINGS = {
    "signed": _("Signed on time"),
    "signed_late": _("Signed late"),
    "to_sign": _("Awaiting signature"),
    "overdue": _("Overdue, not signed"),
    "missing": _("Not yet generated"),
}


def get_statement_for_user(user, pk) -> HazardStatement:
    """The gate: a table of an enterprise in the user's scope, or 404."""
    return get_visible_or_404(HazardStatement.objects.select_related("enterprise"), user, pk=pk)


def own_statements(user):
    return HazardStatement.objects.visible_to(user).select_related("enterprise")


def standing(statement: HazardStatement | None, today: dt.date) -> str:
    if statement is None:
        return "missing"
    if statement.is_signed:
        return "signed_late" if statement.late else "signed"
    return "overdue" if today > statement.due_on else "to_sign"


def period_choices(today: dt.date, quarters: int = 8) -> list[tuple[str, str]]:
    """The ended periods offered on the overview: the last `quarters` quarters and the last two years."""
    (year, quarter), _annual = last_ended_periods(today)
    out = []
    for _i in range(quarters):
        out.append((f"{year}-{quarter}", str(period_label(year, quarter))))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    out += [(str(y), str(period_label(y, None))) for y in (today.year - 1, today.year - 2)]
    return out


def parse_period(value: str) -> tuple[int, int | None]:
    year, _sep, quarter = value.partition("-")
    return int(year), int(quarter) if quarter else None


@dataclass
class OverviewRow:
    enterprise: Enterprise
    statement: HazardStatement | None
    standing: str

    @property
    def standing_label(self) -> str:
        return str(STANDINGS[self.standing])


def overview(user, year: int, quarter: int | None, today: dt.date | None = None) -> list[OverviewRow]:
    """Every enterprise in the user's scope (operating, or with a table for the period) and its table."""
    today = today or local_today()
    tables = {
        s.enterprise_id: s
        for s in HazardStatement.objects.visible_to(user).filter(year=year, quarter=quarter)
    }
    enterprises = (
        Enterprise.objects.visible_to(user)
        .filter(Q(status=EnterpriseStatus.OPERATING) | Q(pk__in=list(tables)))
        .select_related("town")
        .order_by("town__code", "name", "pk")
    )
    return [OverviewRow(e, tables.get(e.pk), standing(tables.get(e.pk), today)) for e in enterprises]


def standing_counts(rows: list[OverviewRow]) -> list[tuple[str, str, int]]:
    counts = dict.fromkeys(STANDINGS, 0)
    for row in rows:
        counts[row.standing] += 1
    return [(code, str(label), counts[code]) for code, label in STANDINGS.items()]
