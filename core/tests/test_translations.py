"""Every user-visible string is translated: both catalogues of every app are complete and current."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = sorted(p.parent.name for p in ROOT.glob("*/locale") if (p.parent / "apps.py").exists())


def catalogue(app: str, lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / app / "locale" / lang / "LC_MESSAGES" / "django.po"))


def test_every_app_with_templates_or_models_has_catalogues():
    apps = [a for a in settings.INSTALLED_APPS if "." not in a and (ROOT / a / "apps.py").exists()]
    missing = [
        a for a in apps if not (ROOT / a / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").exists()
    ]
    assert not missing, f"apps without a zh_Hans catalogue: {missing} (run scripts/makemessages.sh APP)"


@pytest.mark.parametrize("app", APPS)
def test_chinese_catalogue_is_complete(app):
    po = catalogue(app, "zh_Hans")
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{app}: untranslated: {untranslated[:10]}"
    assert not fuzzy, f"{app}: fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("app", APPS)
def test_english_catalogue_is_complete(app):
    po = catalogue(app, "en")
    assert not [e.msgid for e in po.untranslated_entries()]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
@pytest.mark.parametrize("app", APPS)
def test_catalogue_holds_every_marked_string(app, tmp_path):
    """Extract the app's strings afresh and compare: a new string without a catalogue entry fails."""
    copy = tmp_path / app
    shutil.copytree(
        ROOT / app, copy, ignore=shutil.ignore_patterns("locale", "tests", "migrations", "__pycache__")
    )
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    have = {e.msgid for e in catalogue(app, "zh_Hans")}
    missing = sorted(fresh - have)
    assert not missing, (
        f"{app}: strings missing from the catalogue (run scripts/makemessages.sh {app}): {missing[:10]}"
    )
