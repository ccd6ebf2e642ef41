"""The Chinese a user reads is the Chinese the app's catalogue holds.

Django merges every installed app's catalogue into one: when two apps (or a third-party package listed
earlier in INSTALLED_APPS) translate one English source string differently, the first app wins everywhere,
and an accident's level reads "隐患等级". A word that means different things gets a message context
(pgettext); these tests fail on any source string translated two ways, on a placeholder dropped in
translation, and on an internal rule id (R-HAZ-9…) in anything a user reads (R-HAZ-13: users see laws and
standards by name, article and item).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
APPS = sorted(p.parent.name for p in ROOT.glob("*/locale") if (p.parent / "apps.py").exists())
RULE_ID = re.compile(r"\bR-[A-Z]{2,6}-\d+\b")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w+)\}")


def _entries(app: str, lang: str = "zh_Hans"):
    po = polib.pofile(str(ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po"))
    return [e for e in po if not e.obsolete]


def _text(entry) -> str:
    return entry.msgstr if not entry.msgid_plural else entry.msgstr_plural.get(0, "")


def test_no_source_string_is_translated_two_ways_across_apps():
    seen: dict[tuple, dict[str, str]] = defaultdict(dict)
    for app in APPS:
        for entry in _entries(app):
            seen[(entry.msgctxt, entry.msgid)][app] = _text(entry)
    clashes = {key: by_app for key, by_app in seen.items() if len(set(by_app.values())) > 1}
    assert not clashes, "translated two ways (give each meaning a message context): " + "; ".join(
        f"{msgid!r}{f' [{ctx}]' if ctx else ''}: {by_app}"
        for (ctx, msgid), by_app in sorted(clashes.items(), key=str)
    )


def test_the_catalogue_translation_is_the_one_that_wins():
    """Also against the catalogues of Django and third-party apps, which take precedence when listed first."""
    wrong = []
    with translation.override("zh-hans"):
        for app in APPS:
            for entry in _entries(app):
                if entry.msgid_plural or not entry.msgstr:
                    continue
                if entry.msgctxt:
                    shown = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    shown = translation.gettext(entry.msgid)
                if shown != entry.msgstr:
                    wrong.append(f"{app}: {entry.msgid!r} shows {shown!r}, not {entry.msgstr!r}")
    assert not wrong, wrong


@pytest.mark.parametrize("app", APPS)
def test_translations_keep_every_placeholder(app):
    dropped = []
    for entry in _entries(app):
        wanted = {a or b for a, b in PLACEHOLDER.findall(entry.msgid)}
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text and {a or b for a, b in PLACEHOLDER.findall(text)} != wanted:
                dropped.append(f"{entry.msgid!r} → {text!r}")
    assert not dropped, f"{app}: placeholders lost or changed: {dropped}"


@pytest.mark.parametrize("app", APPS)
def test_no_rule_id_in_a_catalogue(app):
    found = [
        f"{lang}: {e.msgid!r}"
        for lang in ("zh_Hans", "en")
        for e in _entries(app, lang)
        if RULE_ID.search(e.msgid) or RULE_ID.search(_text(e))
    ]
    assert not found, f"{app}: rule ids in user-visible strings: {found}"


def _template_text_outside_comments(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)
    return re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", "", text, flags=re.S)


def test_no_rule_id_in_a_template():
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        for match in RULE_ID.finditer(_template_text_outside_comments(path)):
            found.append(f"{path.relative_to(ROOT)}: {match.group()}")
    assert not found, f"rule ids in templates (name the law, article and item instead): {found}"


TRANSLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?""")


def test_a_template_gives_a_word_the_same_context_everywhere_it_uses_it():
    """A column's header and its cells' data-label (what a phone shows in the stacked table) must say the
    same: a header "Open" in the hazards context over cells labelled with the bare "Open" read 未销号 on a
    desktop and 在办 on a phone."""
    found = []
    for path in sorted(ROOT.glob("*/templates/**/*.html")):
        with_context, bare = set(), set()
        for match in TRANSLATE_TAG.finditer(_template_text_outside_comments(path)):
            (with_context if match.group(4) else bare).add(match.group(2))
        found += [f"{path.relative_to(ROOT)}: {msgid!r}" for msgid in sorted(with_context & bare)]
    assert not found, f"one source string used with and without its context in one template: {found}"


def test_the_phone_statistics_label_the_open_column_as_the_header_does(as_user):
    """The stacked table of the hazard statistics page labels each cell by its column header."""
    response = as_user("duruan").get("/hazards/statistics/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    table = html[html.index('data-testid="stats-table"') :]
    headers = re.findall(r'<th scope="col">([^<]*)</th>', table[: table.index("</thead>")])
    body = table[table.index("<tbody>") :]
    first_row = body[: body.index("</tr>")]
    assert re.findall(r'data-label="([^"]*)"', first_row) == headers
    assert "未销号" in headers


# A module's own word where the catalogue once had the general one (issue 20): a hazard is 销号 (closed off
# the ledger), an accident 结案, a campaign 结束, while a duty report or a measure is 办结.
RESTORED = [
    ("hazard", "Closed", "已销号"),
    ("hazard", "Closing note", "销号说明"),
    ("accident", "Closed", "已结案"),
    ("campaign", "Closed", "已结束"),
    ("report", "Closed", "已办结"),
    ("draw", "Undone", "已撤销"),
]


@pytest.mark.parametrize(("context", "source", "word"), RESTORED)
def test_each_module_keeps_its_own_word(context, source, word):
    with translation.override("zh-hans"):
        assert translation.pgettext(context, source) == word


def test_the_cockpit_trend_says_closed_off_the_ledger():
    from cockpit.views import trend_chart

    with translation.override("zh-hans"):
        chart = str(trend_chart([]))
    assert "已销号" in chart and "已办结" not in chart


# --- audit reprs and PDFs -----------------------------------------------------------------------------------


def _python_sources():
    for app in APPS + ["redline"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                yield path


def _audit_call_strings(tree):
    """The literal text an audit call stores: every string constant in a `record(...)`-like call's arguments
    and in any `target_repr=` argument."""
    import ast

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
        parts = [*node.args, *(k.value for k in node.keywords)] if name.startswith("record") else []
        parts += [k.value for k in node.keywords if k.arg == "target_repr"]
        for part in parts:
            for inner in ast.walk(part):
                if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                    yield inner.lineno, inner.value


def test_no_rule_id_in_what_a_service_writes_to_the_audit_log():
    """The audit log's "Object" column shows the event's repr: a rule id there reads as internal code."""
    import ast

    found = []
    for path in _python_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, value in _audit_call_strings(tree):
            if RULE_ID.search(value):
                found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    assert not found, f"rule ids in audit events (name the law and article instead): {found}"


@pytest.mark.django_db
def test_no_rule_id_in_the_demo_districts_audit_log():
    from audit.models import AuditEvent

    shown = AuditEvent.objects.filter(target_repr__regex=r"R-[A-Z]+-[0-9]").values_list(
        "action", "target_repr"
    )
    assert not list(shown[:20])


@pytest.mark.django_db
def test_the_level_thresholds_event_names_the_regulation(persona):
    from accidents.models import LevelThreshold
    from accidents.services.reporting import update_level_thresholds
    from audit.models import AuditEvent

    rows = {
        t.level: {"deaths": t.deaths, "serious_injuries": t.serious_injuries, "direct_loss": t.direct_loss}
        for t in LevelThreshold.objects.all()
    }
    update_level_thresholds(
        actor=persona("admin"), rows=rows, source="国务院令第493号", effective_from=dt.date(2026, 1, 1)
    )
    event = AuditEvent.objects.filter(action="accidents.thresholds.updated").latest("id")
    assert not RULE_ID.search(event.target_repr)
    assert "生产安全事故报告和调查处理条例" in event.target_repr


def _pdf_producers() -> set[str]:
    """Every module that builds a PDF (core.pdf.PdfDocument) for a user to read."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in _python_sources()
        if "PdfDocument(" in path.read_text(encoding="utf-8") and path != ROOT / "core" / "pdf.py"
    }


def _get_pdf(client, url: str) -> None:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf", url


def _demo_first(queryset):
    found = queryset.order_by("pk").first()
    assert found is not None, f"the demo district has no {queryset.model._meta.label} for its document"
    return found


def _render_every_document_kind(client, persona) -> None:
    """Each kind of document the project issues, from the demo district's records."""
    from accidents.demo import _report_file
    from accidents.models import Accident
    from accountability.models import CaseDocument, MeasureRecord
    from cockpit.models import PeriodicReport
    from cockpit.periodic import generate, last_complete_periods
    from duty.models import Roster
    from hazards.models import HazardStatement
    from hazards.statement_documents import render_pdf
    from hazards.tests.helpers import in_state
    from inspections.models import Campaign, Draw, Inspection
    from risk.models import RiskPoint

    _get_pdf(client, f"/accidents/{_demo_first(Accident.objects).pk}/express-report.pdf")
    _report_file()  # the investigation report the demo attaches to its accidents
    accepted = in_state("accepted", persona, persona("ent_duruan").enterprise)  # the demo's have no numbers
    _get_pdf(client, f"/hazards/{accepted.pk}/notice.pdf")
    _get_pdf(client, f"/hazards/{accepted.pk}/acceptance.pdf")
    render_pdf(_demo_first(HazardStatement.objects))  # stored when the statement is generated
    _get_pdf(client, f"/risk/points/{_demo_first(RiskPoint.objects).pk}/board.pdf")
    finished = Inspection.objects.exclude(record_serial="")
    _get_pdf(client, f"/inspections/records/{_demo_first(finished).pk}/record.pdf")
    _get_pdf(client, f"/inspections/records/{_demo_first(finished.exclude(order_serial='')).pk}/order.pdf")
    _get_pdf(client, f"/inspections/campaigns/{_demo_first(Campaign.objects).pk}/report.pdf")
    _get_pdf(client, f"/inspections/draws/{_demo_first(Draw.objects).pk}/notice.pdf")
    _get_pdf(client, f"/duty/rosters/{_demo_first(Roster.objects).pk}/roster.pdf")
    _get_pdf(client, "/emergency/readiness-check.pdf")
    _get_pdf(client, "/accountability/assessment/?export=pdf")
    _get_pdf(client, f"/accountability/cases/documents/{_demo_first(CaseDocument.objects).pk}.pdf")
    measures = MeasureRecord.objects.exclude(document_number="")
    _get_pdf(client, f"/accountability/measures/{_demo_first(measures).pk}/document.pdf")
    period = last_complete_periods(dt.date.today())[0]
    PeriodicReport.objects.filter(kind=period.kind, town=None, period_start=period.start).delete()
    assert generate(period, None) is not None  # the periodic report, stored as it is written


@pytest.mark.django_db
def test_no_rule_id_in_any_pdf(as_user, persona, monkeypatch):
    """Render each kind of document and read its text: no R-XXX-n anywhere. A module that starts building
    PDFs must be added to the kinds rendered here (the test names it)."""
    from io import BytesIO

    from pypdf import PdfReader

    from core import pdf

    built_in, rendered = set(), []
    build, render = pdf.PdfDocument.__init__, pdf.PdfDocument.render

    def building(self, *args, **kwargs):
        import sys

        built_in.add(Path(sys._getframe(1).f_code.co_filename).resolve().relative_to(ROOT).as_posix())
        build(self, *args, **kwargs)

    def rendering(self):
        content = render(self)
        rendered.append(content)
        return content

    monkeypatch.setattr(pdf.PdfDocument, "__init__", building)
    monkeypatch.setattr(pdf.PdfDocument, "render", rendering)
    with translation.override("zh-hans"):
        _render_every_document_kind(as_user("admin"), persona)

    assert not _pdf_producers() - built_in, "documents not rendered by this test"
    found = []
    for content in rendered:
        reader = PdfReader(BytesIO(content))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        assert reader.pages and text.strip(), "no text read from a rendered PDF"
        found += [f"{reader.metadata.title if reader.metadata else ''}: {m}" for m in RULE_ID.findall(text)]
    assert not found, f"rule ids in documents (name the law, article and item instead): {found}"
