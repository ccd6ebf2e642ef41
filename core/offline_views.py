"""The installable field app: its manifest and its service worker (Workbox, served from the site's root so
it may control every page). What it caches and how captures are queued: inspections/static/…/offline.js."""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.extensions import offline_assets, offline_pages


def _pattern(*, data: bool) -> str:
    # The home page is always kept: it is where the field app opens. A data pattern never matches a page
    # (a fetch answered from the store instead of failing would hide from a page that it is offline).
    patterns = [page.pattern for page in offline_pages.all() if page.data == data] or ["(?!)"]
    if not data:
        patterns.insert(0, "$")
    return "^/(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


@require_GET
def service_worker(request):
    response = render(
        request,
        "core/sw.js",
        {
            "workbox": static("vendor/workbox/workbox-sw.js"),
            "prefix": static("vendor/workbox/"),
            "precache_json": json.dumps([static(asset.path) for asset in offline_assets.all()]),
            "pages_json": json.dumps(_pattern(data=False)),
            "data_json": json.dumps(_pattern(data=True)),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("Redline field inspections"),
        "short_name": _("Redline"),
        "start_url": "/inspections/tasks/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#8b1a1a",
        "icons": [{"src": static("redline/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
