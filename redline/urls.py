from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from core.api import SchemaAccessPermission

API_APPS = [
    "accounts",
    "registry",
    "audit",
    "notifications",
    "attachments",
    "hazards",
    "risk",
    "inspections",
    "accidents",
    "cockpit",
    "core",  # background jobs
    "duty",
    "emergency",
    "accountability",
]

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[SchemaAccessPermission]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[SchemaAccessPermission]),
        name="api-docs",
    ),
    *[path("api/v1/", include(f"{app}.api_urls")) for app in API_APPS],
    path("accounts/", include("accounts.urls")),
    path("registry/", include("registry.urls")),
    path("audit/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("attachments/", include("attachments.urls")),
    path("hazards/", include("hazards.urls")),
    path("risk/", include("risk.urls")),
    path("inspections/", include("inspections.urls")),
    path("accidents/", include("accidents.urls")),
    path("cockpit/", include("cockpit.urls")),
    path("duty/", include("duty.urls")),
    path("emergency/", include("emergency.urls")),
    path("accountability/", include("accountability.urls")),
    path("", include("core.urls")),
]

handler400 = "core.views.error_400"
handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"

if settings.DEBUG:
    pass
