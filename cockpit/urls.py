from django.urls import path

from cockpit import display_views, report_views, views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("wall/", views.wall, name="wall"),
    path("live/", views.live, name="live"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:pk>/<str:fmt>/", report_views.report_download, name="report_download"),
    path("reports/template/", report_views.template_edit, name="template_edit"),
    path("displays/", display_views.display_list, name="display_list"),
    path("displays/<int:pk>/", display_views.display_detail, name="display_detail"),
    path("displays/<int:pk>/rename/", display_views.display_rename, name="display_rename"),
    path("displays/<int:pk>/revoke/", display_views.display_revoke, name="display_revoke"),
    # The paired screen's paths: its cookie is sent only under kiosk/ (kiosk.cookie_path).
    path("kiosk/", display_views.kiosk_wall, name="kiosk"),
    path("kiosk/live/", display_views.kiosk_live, name="kiosk_live"),
    path("kiosk/pair/<int:pk>/<str:code>/", display_views.kiosk_pair, name="kiosk_pair"),
]
