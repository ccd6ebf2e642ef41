"""Copy the front-end packages installed by npm (package-lock.json) into static/vendor/.

Nothing is loaded from a CDN at run time and no third-party file is committed: this runs at setup.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "static" / "vendor"

# (source inside node_modules, destination inside static/vendor)
FILES = [
    ("bootstrap/dist/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
    ("bootstrap/dist/css/bootstrap.min.css.map", "bootstrap/bootstrap.min.css.map"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js", "bootstrap/bootstrap.bundle.min.js"),
    ("bootstrap/dist/js/bootstrap.bundle.min.js.map", "bootstrap/bootstrap.bundle.min.js.map"),
    ("bootstrap-icons/font/bootstrap-icons.min.css", "bootstrap-icons/bootstrap-icons.min.css"),
    ("bootstrap-icons/font/fonts", "bootstrap-icons/fonts"),
    ("htmx.org/dist/htmx.min.js", "htmx/htmx.min.js"),
    ("echarts/dist/echarts.min.js", "echarts/echarts.min.js"),
    ("leaflet/dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet/leaflet.css"),
    ("leaflet/dist/images", "leaflet/images"),
    ("leaflet.markercluster/dist/leaflet.markercluster.js", "leaflet/leaflet.markercluster.js"),
    ("leaflet.markercluster/dist/MarkerCluster.css", "leaflet/MarkerCluster.css"),
    ("leaflet.markercluster/dist/MarkerCluster.Default.css", "leaflet/MarkerCluster.Default.css"),
    # Offline field capture: the service worker's Workbox modules and IndexedDB through idb.
    ("workbox-sw/build/workbox-sw.js", "workbox/workbox-sw.js"),
    ("workbox-core/build/workbox-core.prod.js", "workbox/workbox-core.prod.js"),
    ("workbox-routing/build/workbox-routing.prod.js", "workbox/workbox-routing.prod.js"),
    ("workbox-strategies/build/workbox-strategies.prod.js", "workbox/workbox-strategies.prod.js"),
    ("idb/build/umd.js", "idb/idb.umd.js"),
]


# The Chinese web font: only the regular and bold weights, woff2 only. Browsers fetch just the
# unicode-range slices a page uses, so Chinese renders even where the system has no CJK font.
FONT_PACKAGE = NODE / "@fontsource" / "noto-sans-sc"
FONT_WEIGHTS = ("400", "700")


def copy_font() -> None:
    import re

    target = DEST / "noto-sans-sc"
    (target / "files").mkdir(parents=True, exist_ok=True)
    css = []
    for weight in FONT_WEIGHTS:
        text = (FONT_PACKAGE / f"{weight}.css").read_text(encoding="utf-8")
        text = re.sub(r",\s*url\([^)]*\.woff\) format\('woff'\)", "", text)
        css.append(text)
        for font in (FONT_PACKAGE / "files").glob(f"noto-sans-sc-*-{weight}-normal.woff2"):
            shutil.copy2(font, target / "files" / font.name)
    (target / "noto-sans-sc.css").write_text("\n".join(css), encoding="utf-8")


def main() -> int:
    missing = [src for src, _ in FILES if not (NODE / src).exists()]
    if missing:
        print("Missing front-end files (run `npm ci`):", *missing, sep="\n  ", file=sys.stderr)
        return 1
    for src, dst in FILES:
        source, target = NODE / src, DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    copy_font()
    print(f"Copied {len(FILES)} front-end assets into {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
