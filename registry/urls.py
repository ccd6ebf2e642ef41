from django.urls import path

from registry import admin_views, file_views, import_views, views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_create, name="enterprise_create"),
    path("enterprises/search/", views.enterprise_search, name="enterprise_search"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/file/", file_views.enterprise_file, name="enterprise_file"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path(
        "enterprises/<int:pk>/status/",
        views.enterprise_transition,
        {"action": "status"},
        name="enterprise_status",
    ),
    path("enterprises/import/", import_views.import_upload, name="enterprise_import"),
    path("enterprises/import/template/", import_views.import_template, name="enterprise_import_template"),
    path("admin/jurisdictions/", admin_views.jurisdiction_list, name="admin_jurisdiction_list"),
    path("admin/jurisdictions/boundaries/", admin_views.boundary_import, name="admin_boundary_import"),
    path("admin/jurisdictions/base-map/", admin_views.base_map_import, name="admin_base_map_import"),
    path("base-map.geojson", admin_views.base_map, name="base_map"),
    path("admin/jurisdictions/new/", admin_views.jurisdiction_create, name="admin_jurisdiction_create"),
    path("admin/jurisdictions/<int:pk>/", admin_views.jurisdiction_edit, name="admin_jurisdiction_edit"),
    path(
        "admin/jurisdictions/<int:pk>/active/",
        admin_views.jurisdiction_set_active,
        name="admin_jurisdiction_set_active",
    ),
    path("admin/departments/", admin_views.department_list, name="admin_department_list"),
    path("admin/departments/new/", admin_views.department_create, name="admin_department_create"),
    path("admin/departments/<int:pk>/", admin_views.department_edit, name="admin_department_edit"),
    path(
        "admin/departments/<int:pk>/active/",
        admin_views.department_set_active,
        name="admin_department_set_active",
    ),
]
