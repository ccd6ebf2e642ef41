"""The Chinese a user reads is the Chinese the app's catalogue holds.

Django merges every installed app's catalogue into one: when two apps (or a third-party package listed
earlier in INSTALLED_APPS) translate one English source string differently, the first app wins everywhere,
and an accident's level reads "隐患等级". A word that means different things gets a message context
(pgettext); these tests fail on any source string translated two ways, on a placeholder dropped in
translation, and on an internal rule id (R-HAZ-9…) in anything a user reads (R-HAZ-13: users see laws and
standards by name, article and item).
"""

from __future__ import annotations

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
