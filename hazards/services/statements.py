"""The enterprise's quarterly and annual hazard statistics tables (R-HAZ-10; order 16, art. 14).

Once a quarter or a year has ended, the periodic job `hazards.statement_tables` fills each operating
enterprise's table from its hazard ledger, once (`core.archive.make_once`), keeps it as PDF and .xlsx and
tells the enterprise through the notification centre. The principal signs it (the workflow's `sign`:
who and when); it is due on the 15th of the month after the quarter and on 31 January for the year
(settings), and flagged late when signed after that, or still unsigned once the date has passed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.archive import make_once, store_documents
from core.errors import Conflict, InvalidInput, NotAllowed
from hazards.choices import Level, Source, State, StatementState
from hazards.models import Hazard, HazardStatement, local_today
from hazards.rules import STATEMENT_FLOW
from notifications.recipients import Audience, resolve
from notifications.services import notify
from registry.models import Enterprise

BATCH = 400  # tables a run of the job renders at most

# The table's lines, in the order the table prints them.
FIGURES = (
    "general_found",
    "major_found",
    "self_inspection_found",
    "general_closed",
    "major_closed",
    "open_at_end",
    "major_open_at_end",
)


def period_bounds(year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if quarter is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (dt.date(year + (end_month == 12), end_month % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end


def statement_due(year: int, quarter: int | None) -> dt.date:
    """The 15th of the month after the quarter; 31 January for the year (setting)."""
    if quarter is None:
        return dt.date(year + 1, 1, int(getattr(settings, "HAZARD_ANNUAL_STATEMENT_DAY", 31)))
    _start, end = period_bounds(year, quarter)
    following = end + dt.timedelta(days=1)
    return following.replace(day=int(getattr(settings, "HAZARD_QUARTER_STATEMENT_DAY", 15)))


def last_ended_periods(today: dt.date) -> list[tuple[int, int | None]]:
    """The last quarter and the last year that have ended before today: the tables now due."""
    quarter = (today.month - 1) // 3  # the quarter before the current one; 0 → the previous year's 4th
    last_quarter = (today.year, quarter) if quarter else (today.year - 1, 4)
    return [last_quarter, (today.year - 1, None)]


def statement_figures(enterprise_id: int, year: int, quarter: int | None) -> dict:
    """The table's figures, read from the enterprise's hazard ledger for the period."""
    start, end = period_bounds(year, quarter)
    ledger = Hazard.objects.filter(enterprise_id=enterprise_id)
    found = ledger.filter(discovered_at__date__gte=start, discovered_at__date__lte=end).exclude(
        state=State.CANCELLED
    )
    closed = ledger.filter(closed_at__date__gte=start, closed_at__date__lte=end)
    open_at_end = (
        ledger.filter(discovered_at__date__lte=end)
        .exclude(state=State.CANCELLED)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gt=end))
    )
    return {
        "general_found": found.filter(level=Level.GENERAL).count(),
        "major_found": found.filter(level=Level.MAJOR).count(),
        "general_closed": closed.filter(level=Level.GENERAL).count(),
        "major_closed": closed.filter(level=Level.MAJOR).count(),
        "open_at_end": open_at_end.count(),
        "major_open_at_end": open_at_end.filter(level=Level.MAJOR).count(),
        "self_inspection_found": found.filter(source=Source.SELF_INSPECTION).count(),
    }


# ---------------------------------------------------------------- generation (the periodic job)
def generate_statement(enterprise: Enterprise, year: int, quarter: int | None) -> HazardStatement | None:
    """One enterprise's table for one period, made once: a second call adds nothing and renders nothing."""
    from hazards.statement_documents import render_pdf, render_xlsx

    statement = make_once(
        HazardStatement,
        lookup={"enterprise": enterprise, "year": year, "quarter": quarter},
        values=lambda: {
            "due_on": statement_due(year, quarter),
            "figures": statement_figures(enterprise.pk, year, quarter),
        },
    )
    if statement is None:
        return None
    store_documents(
        statement, _stem(statement), {"pdf": render_pdf(statement), "xlsx": render_xlsx(statement)}
    )
    _tell_the_enterprise(statement)
    return statement


def _stem(statement: HazardStatement) -> str:
    period = f"{statement.year}q{statement.quarter}" if statement.quarter else f"{statement.year}"
    return f"hazard-statement-{statement.enterprise_id}-{period}"


def _tell_the_enterprise(statement: HazardStatement) -> None:
    from hazards.statement_documents import table_title

    notify(
        recipients=resolve([Audience.ENTERPRISE], enterprise_id=statement.enterprise_id),
        kind="hazard.statement",
        title=table_title(statement),
        body=_("Filled from your hazard ledger; the principal signs it by %(date)s.")
        % {"date": statement.due_on.isoformat()},
        url=statement.get_absolute_url(),
        target=statement,
        dedup_key=f"hazard.statement:{statement.pk}",
    )


def generate_due_statements(today: dt.date, *, limit: int = BATCH) -> int:
    """The operating enterprises' tables of the last ended quarter and year, at most `limit` a run (a
    table costs about a quarter of a second to render; the next run goes on); idempotent."""
    made = 0
    with translation.override("zh-hans"):
        for year, quarter in last_ended_periods(today):
            done = HazardStatement.objects.filter(year=year, quarter=quarter).values("enterprise_id")
            waiting = Enterprise.objects.operating().exclude(pk__in=done).order_by("pk")[: limit - made]
            for enterprise in waiting:
                with transaction.atomic():  # each table on its own: a failure keeps the ones before it
                    made += generate_statement(enterprise, year, quarter) is not None
            if made >= limit:
                break
    return made


# ---------------------------------------------------------------- signing (the workflow's `sign`)
def sign_statement(statement: HazardStatement, *, actor, version, data=None) -> HazardStatement:
    """The principal signs: the figures are read from the ledger once more (they are what is signed), and
    the kept documents are written again with the signature's name and time."""
    return STATEMENT_FLOW.perform(
        statement, "sign", actor=actor, version=version, data=data, prepare=_signed, after=_rerender
    )


def _signed(step) -> None:
    statement = step.obj
    now = timezone.now()
    figures = statement_figures(statement.enterprise_id, statement.year, statement.quarter)
    step.changes.update(
        figures=figures, submitted_at=now, submitted_by=step.actor, signed_by_name=step.actor.display_name
    )
    step.audit_data.update(
        {"year": statement.year, "quarter": statement.quarter, "late": local_today() > statement.due_on}
    )
    step.audit_data["figures"] = figures


def _rerender(step) -> None:
    from hazards.statement_documents import render_pdf, render_xlsx

    statement = step.obj
    store_documents(
        statement, _stem(statement), {"pdf": render_pdf(statement), "xlsx": render_xlsx(statement)}
    )


def _period(errors: dict, year, quarter) -> tuple[int, int | None]:
    try:
        year = int(year)
    except (TypeError, ValueError):
        errors["year"] = [_("Enter a year.")]
        return 0, None
    if quarter in (None, ""):
        return year, None
    try:
        quarter = int(quarter)
        if quarter not in (1, 2, 3, 4):
            raise ValueError
    except (TypeError, ValueError):
        errors["quarter"] = [_("A quarter is 1, 2, 3 or 4; leave it empty for the annual table.")]
        return year, None
    return year, quarter


@transaction.atomic
def file_statement(*, actor, enterprise: Enterprise, year, quarter=None) -> HazardStatement:
    """The API's filing by period: the principal signs the period's table, which is filled from the ledger
    first when the job has not made it yet."""
    if actor.enterprise_id != enterprise.pk or enterprise.principal_user_id != actor.pk:
        raise NotAllowed(_("The enterprise's principal signs the hazard statistics table."))
    errors: dict = {}
    year, quarter = _period(errors, year, quarter)
    if not errors and period_bounds(year, quarter)[1] >= local_today():
        errors["year"] = [_("The period has not ended yet.")]
    if errors:
        raise InvalidInput(errors=errors)
    generate_statement(enterprise, year, quarter)
    statement = HazardStatement.objects.select_for_update().get(
        enterprise=enterprise, year=year, quarter=quarter
    )
    if statement.state == StatementState.SIGNED:
        raise Conflict(_("The table for this period has already been filed."))
    return sign_statement(statement, actor=actor, version=statement.version)


def missing_statements(enterprise_id: int, today: dt.date | None = None) -> list[dict]:
    """Tables past their due date and not signed (the last four quarters and the last year): late."""
    today = today or local_today()
    signed = set(
        HazardStatement.objects.filter(enterprise_id=enterprise_id, state=StatementState.SIGNED).values_list(
            "year", "quarter"
        )
    )
    out = []
    periods = [(today.year - 1, None)]
    year, quarter = today.year, (today.month - 1) // 3 + 1
    for _i in range(4):
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
        periods.append((year, quarter))
    for year, quarter in periods:
        due = statement_due(year, quarter)
        if due < today and (year, quarter) not in signed:
            out.append({"year": year, "quarter": quarter, "due_on": due})
    return out
