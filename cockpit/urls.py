from django.urls import path

from cockpit import report_views, views

app_name = "cockpit"
urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("wall/", views.wall, name="wall"),
    path("live/", views.live, name="live"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<int:pk>/<str:fmt>/", report_views.report_download, name="report_download"),
    path("reports/template/", report_views.template_edit, name="template_edit"),
]
