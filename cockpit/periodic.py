"""Weekly and monthly work-safety reports, written from the records (report once, 一数一源).

For the district and for each town, once per period, a job gathers the figures through the same scoped
lists a person would open (so every number equals its list's count), renders a PDF and a .docx with a
chart drawn on the server, keeps them in the archive and tells the readers through the notification
centre. The district edits only the wording around the figures (`ReportTemplate`).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accidents.filters import AccidentFilter
from accidents.models import Accident
from cockpit.choices import ReportKind
from cockpit.models import PeriodicReport, ReportTemplate
from cockpit.selectors import registered_params
from core.archive import make_once, store_documents
from core.charts import bar_chart
from core.choices import Role
from core.jobs import periodic_job
from core.pdf import PdfDocument
from core.scoping import Scope
from hazards.filters import HazardFilter
from hazards.models import Hazard
from hazards.selectors import counts_of, hazard_stats
from notifications.recipients import Audience, resolve
from notifications.services import notify
from registry.models import Jurisdiction

log = logging.getLogger(__name__)


class AreaViewer:
    """The reader a report is written for: the whole district, or one town, seen through the scoping layer."""

    is_authenticated = True
    is_active = True
    pk = None
    department_id = None
    enterprise_id = None
    department_sector_codes = frozenset()

    def __init__(self, town: Jurisdiction | None):
        self.town = town
        self.town_id = town.pk if town else None
        self.role_codes = frozenset({Role.DISTRICT_LEADER} if town is None else {Role.TOWN_OFFICER})
        self._redline_scope = Scope(district=True) if town is None else Scope(town_ids=frozenset({town.pk}))


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return _("%(year)s-%(month)02d") % {"year": self.start.year, "month": self.start.month}
        return f"{self.start:%Y-%m-%d}—{self.end:%Y-%m-%d}"


def last_complete_periods(today: dt.date) -> list[Period]:
    """The last whole week (Monday to Sunday) and the last whole month before today."""
    week_end = today - dt.timedelta(days=today.weekday() + 1)
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    return [
        Period(ReportKind.WEEKLY, week_end - dt.timedelta(days=6), week_end),
        Period(ReportKind.MONTHLY, month_end.replace(day=1), month_end),
    ]


def _count(filterset_class, queryset, params: dict) -> int:
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    filterset = filterset_class(data, queryset=queryset, request=None)
    if not filterset.is_valid():
        raise ValueError(filterset.errors)
    return filterset.qs.count()


def collect(viewer: AreaViewer, period: Period) -> dict:
    """The report's figures, each counted through the list a person opens with the same filter."""
    hazards = Hazard.objects.visible_to(viewer)
    accidents = Accident.objects.visible_to(viewer)
    span = registered_params(period.start, period.end)  # cancelled hazards are not counted as registered
    now = counts_of(hazards)
    rows = hazard_stats(viewer, "town", date_from=period.start, date_to=period.end)
    return {
        "registered": _count(HazardFilter, hazards, span),
        "registered_major": _count(HazardFilter, hazards, {**span, "level": "major"}),
        "open": now["open"],
        "overdue": now["overdue"],
        "major_open": now["major_open"],
        "listed": now["listed"],
        "accidents": _count(AccidentFilter, accidents, {"year": period.start.year})
        if period.start.year == period.end.year
        else None,
        "accidents_in_period": accidents.filter(
            occurred_at__date__gte=period.start, occurred_at__date__lte=period.end
        ).count(),
        "deaths_in_period": sum(
            accidents.filter(
                occurred_at__date__gte=period.start, occurred_at__date__lte=period.end
            ).values_list("deaths", flat=True)
        ),
        "towns": [
            {k: r[k] for k in ("name", "found", "open", "rectified", "overdue", "major_open")} for r in rows
        ],
    }


def _area_name(town) -> str:
    from django.conf import settings

    district = getattr(settings, "REDLINE", {}).get("DISTRICT_NAME") or _("the district")
    return town.display_name if town else str(district)


def _title(kind: str, town, period: Period) -> str:
    return _("%(area)s %(report)s (%(period)s)") % {
        "area": _area_name(town),
        "report": ReportKind(kind).label,
        "period": period.label,
    }


def _summary_lines(figures: dict) -> list[tuple[str, object]]:
    return [
        (_("Hazards registered in the period"), figures["registered"]),
        (_("of which major hazards"), figures["registered_major"]),
        (_("Open hazards now"), figures["open"]),
        (_("Overdue hazards now"), figures["overdue"]),
        (_("Open major hazards now"), figures["major_open"]),
        (_("Under listed supervision now"), figures["listed"]),
        (_("Accidents in the period"), figures["accidents_in_period"]),
        (_("Deaths in the period"), figures["deaths_in_period"]),
    ]


def _chart(figures: dict) -> bytes | None:
    towns = figures["towns"]
    if not towns:
        return None
    return bar_chart(
        _("Hazards by town/street in the period"),
        [t["name"] for t in towns],
        [
            (_("Registered"), [t["found"] for t in towns]),
            (_("Rectified"), [t["rectified"] for t in towns]),
            (_("Overdue"), [t["overdue"] for t in towns]),
        ],
    )


def _wording(template: ReportTemplate, town, period: Period) -> tuple[str, str]:
    values = {"scope": _area_name(town), "period": period.label}
    try:
        return template.intro.format(**values), template.closing.format(**values)
    except (KeyError, IndexError, ValueError):  # a placeholder the district mistyped: keep the text as is
        return template.intro, template.closing


def town_header() -> list[str]:
    return [
        _("Town/street"),
        _("Registered"),
        pgettext("hazards", "Open"),
        _("Rectified"),
        _("Overdue"),
        _("Major open"),
    ]


def render_pdf(title: str, intro: str, closing: str, figures: dict, chart: bytes | None) -> bytes:
    doc = PdfDocument(title)
    doc.paragraph(intro)
    doc.heading(_("Main figures"))
    doc.facts(_summary_lines(figures))
    if figures["towns"]:
        doc.heading(_("By town/street"))
        doc.table(town_header(), _town_rows(figures))
    if chart:
        doc.spacer().image(chart)
    doc.heading(_("Next steps"))
    doc.paragraph(closing)
    return doc.render()


def _town_rows(figures: dict) -> list[list]:
    return [
        [t["name"], t["found"], t["open"], t["rectified"], t["overdue"], t["major_open"]]
        for t in figures["towns"]
    ]


def render_docx(title: str, intro: str, closing: str, figures: dict, chart: bytes | None) -> bytes:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")  # Chinese text in a Chinese face
    document.add_heading(title, level=1)
    document.add_paragraph(intro)
    document.add_heading(_("Main figures"), level=2)
    _docx_table(document, [(str(k), str(v)) for k, v in _summary_lines(figures)])
    if figures["towns"]:
        document.add_heading(_("By town/street"), level=2)
        _docx_table(document, [town_header(), *[[str(v) for v in r] for r in _town_rows(figures)]])
    if chart:
        document.add_picture(io.BytesIO(chart), width=Cm(16))
    document.add_heading(_("Next steps"), level=2)
    document.add_paragraph(closing)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _docx_table(document, rows) -> None:
    width = len(rows[0]) if rows else 2
    table = document.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = str(value)


def template_for(kind: str) -> ReportTemplate:
    template, _created = ReportTemplate.objects.get_or_create(kind=kind)
    return template


def generate(period: Period, town: Jurisdiction | None) -> PeriodicReport | None:
    """The report of one area and period, made once: a second call (or a second worker) adds nothing.

    The figures are read and the documents rendered before anything is written, so the transaction that
    creates the row, keeps its files and tells its readers is short (SQLite has one writer at a time)."""
    lookup = {"kind": period.kind, "town": town, "period_start": period.start}
    if PeriodicReport.objects.filter(**lookup).exists():
        return None
    figures = collect(AreaViewer(town), period)
    title = _title(period.kind, town, period)
    intro, closing = _wording(template_for(period.kind), town, period)
    chart = _chart(figures)
    documents = {
        "pdf": render_pdf(title, intro, closing, figures, chart),
        "docx": render_docx(title, intro, closing, figures, chart),
    }
    stem = f"{period.kind}-{town.code if town else 'district'}-{period.start:%Y%m%d}"
    with transaction.atomic():
        report = make_once(
            PeriodicReport, lookup=lookup, values=lambda: {"period_end": period.end, "figures": figures}
        )
        if report is None:
            return None  # another worker wrote it meanwhile
        store_documents(report, stem, documents)
        _deliver(report, title, town)
    return report


def _deliver(report: PeriodicReport, title: str, town) -> None:
    from django.urls import reverse

    audiences = [Audience.TOWN] if town else [Audience.DISTRICT, Audience.LEADERS]
    notify(
        recipients=resolve(audiences, town_id=town.pk if town else None),
        kind="cockpit.report",
        title=title,
        body=_("The report was written from the records; open it in the report archive."),
        url=reverse("cockpit:report_list"),
        target=report,
        dedup_key=f"cockpit.report:{report.pk}",
    )


@periodic_job("cockpit.periodic_reports", every=dt.timedelta(hours=1), atomic=False)
def write_due_reports(now: dt.datetime | None = None) -> dict:
    """Every area's last complete week and month; idempotent (one report per kind, area and period).

    Each report is its own transaction: one that fails keeps the others, and the next run writes only
    the missing one. The failures are raised at the end, so the job's run is recorded as failed."""
    today = timezone.localdate(now)
    made = 0
    failed: list[str] = []
    with translation.override("zh-hans"):
        for period in last_complete_periods(today):
            for town in [None, *Jurisdiction.objects.towns().filter(is_active=True).order_by("code")]:
                try:
                    made += generate(period, town) is not None
                except Exception:
                    log.exception("Periodic report %s of %s failed", period.kind, town or "the district")
                    failed.append(f"{period.kind}:{town.code if town else 'district'}")
    if failed:
        raise RuntimeError(f"{made} reports written; failed: {', '.join(failed)}")
    return {"made": made}
