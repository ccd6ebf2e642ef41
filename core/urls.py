from django.urls import path

from core import admin_views, job_views, offline_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", offline_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest, name="manifest"),
    path("admin/settings/", admin_views.settings_page, name="admin_settings"),
    path("admin/settings/reset/", admin_views.setting_reset, name="admin_setting_reset"),
    path("jobs/<int:pk>/", job_views.job_page, name="job"),
    path("jobs/<int:pk>/progress/", job_views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/cancel/", job_views.job_cancel, name="job_cancel"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
]
