from django.urls import path

from registry import import_views, views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/status/", views.enterprise_status, name="enterprise_status"),
    path("enterprises/import/", import_views.import_upload, name="enterprise_import"),
    path("enterprises/import/template/", import_views.import_template, name="enterprise_import_template"),
]
