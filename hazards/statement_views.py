"""Pages of the hazard statistics tables (R-HAZ-10): an enterprise's own tables and their signing; for a
town, department or the district, the enterprises in scope and which tables are signed, late or missing.
Every read goes through `hazards.statement_selectors` (the scoping layer); signing is the workflow's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.archive import document_response
from core.choices import Role
from core.scoping import scope_of
from core.workflow_views import transition_page
from hazards import statement_selectors as selectors
from hazards.models import HazardStatement, local_today
from hazards.rules import STATEMENT_FLOW
from hazards.services.statements import missing_statements, sign_statement
from hazards.statement_documents import figure_lines, period_label, table_title

PAGE_SIZE = 50


def _own_enterprise(user) -> int | None:
    """The enterprise whose own tables the user keeps (an enterprise's user), or None for officials."""
    return user.enterprise_id if Role.ENTERPRISE_USER in user.role_codes and user.enterprise_id else None


@login_required
def statement_list(request):
    if scope_of(request.user).is_empty:
        raise PermissionDenied
    enterprise_id = _own_enterprise(request.user)
    if enterprise_id is not None:
        return _own_tables(request, enterprise_id)
    return _overview(request)


def _own_tables(request, enterprise_id: int):
    today = local_today()
    statements = [
        {"statement": s, "title": table_title(s), "period": s.period_label}
        for s in selectors.own_statements(request.user)
    ]
    missing = [
        {**m, "period": period_label(m["year"], m["quarter"])}
        for m in missing_statements(enterprise_id, today)
        if not any(
            s["statement"].year == m["year"] and s["statement"].quarter == m["quarter"] for s in statements
        )
    ]
    context = {"statements": statements, "missing": missing, "today": today}
    return render(request, "hazards/statement_list.html", context)


def _overview(request):
    today = local_today()
    choices = selectors.period_choices(today)
    period = request.GET.get("period") or choices[0][0]
    wanted = request.GET.get("standing") or ""
    errors = {}
    if period not in dict(choices):
        errors["period"] = _("Choose one of the periods offered.")
        period = choices[0][0]
    if wanted and wanted not in selectors.STANDINGS:
        errors["standing"] = _("Choose one of the standings offered.")
        wanted = ""
    year, quarter = selectors.parse_period(period)
    rows = selectors.overview(request.user, year, quarter, today)
    counts = selectors.standing_counts(rows)
    shown = [r for r in rows if r.standing == wanted] if wanted else rows
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "choices": choices,
        "period": period,
        "period_label": dict(choices)[period],
        "standings": selectors.STANDINGS,
        "wanted": wanted,
        "counts": counts,
        "page_obj": page,
        "errors": errors,
        "total": len(rows),
    }
    return render(request, "hazards/statement_overview.html", context, status=400 if errors else 200)


def _detail_context(request, statement: HazardStatement) -> dict:
    return {
        "statement": statement,
        "title": table_title(statement),
        "period": statement.period_label,
        "lines": figure_lines(statement),
        "standing": selectors.STANDINGS[selectors.standing(statement, local_today())],
        "buttons": STATEMENT_FLOW.buttons(request.user, statement),
    }


@login_required
def statement_detail(request, pk: int):
    statement = selectors.get_statement_for_user(request.user, pk)
    return render(request, "hazards/statement_detail.html", _detail_context(request, statement))


@login_required
def statement_file(request, pk: int, fmt: str):
    statement = selectors.get_statement_for_user(request.user, pk)
    return document_response(statement, fmt)  # an unknown format: 404


statement_action = transition_page(
    STATEMENT_FLOW,
    queryset=lambda: HazardStatement.objects.select_related("enterprise"),
    services={"sign": sign_statement},
)
