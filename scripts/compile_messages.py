"""Compile every app's locale/*.po into .mo with polib, so no GNU gettext is needed at setup.

Only catalogues whose .po is newer than the .mo are rebuilt.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".venv", "node_modules", "static"}


def main() -> int:
    count = 0
    for po_path in ROOT.rglob("locale/*/LC_MESSAGES/*.po"):
        if SKIP & set(po_path.relative_to(ROOT).parts):
            continue
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        count += 1
    if count:
        print(f"Compiled {count} message catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
