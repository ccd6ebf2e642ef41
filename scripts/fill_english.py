"""The English catalogue's msgstr is its msgid (source strings are English); keep it complete."""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent


def main(apps: list[str]) -> int:
    for app in apps:
        path = ROOT / app / "locale" / "en" / "LC_MESSAGES" / "django.po"
        if not path.exists():
            continue
        catalogue = polib.pofile(str(path))
        for entry in catalogue:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            else:
                entry.msgstr = entry.msgid
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalogue.save()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
