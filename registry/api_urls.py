from django.urls import path
from rest_framework.routers import SimpleRouter

from registry import api, api_file, imports_api

router = SimpleRouter()
router.register("towns", api.TownViewSet, basename="town")
router.register("sectors", api.SectorViewSet, basename="sector")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("enterprises", api.EnterpriseViewSet, basename="enterprise")

urlpatterns = [
    path(
        "enterprises/import/template/",
        imports_api.ImportTemplateView.as_view(),
        name="api-enterprise-import-template",
    ),
    path("enterprises/import/", imports_api.ImportView.as_view(), name="api-enterprise-import"),
    path("enterprises/export/", imports_api.ExportView.as_view(), name="api-enterprise-export"),
    path("enterprises/<int:pk>/file/", api_file.EnterpriseFileView.as_view(), name="api-enterprise-file"),
    path(
        "enterprises/<int:pk>/file/rows/",
        api_file.EnterpriseFileRowsView.as_view(),
        name="api-enterprise-file-rows",
    ),
    path(
        "enterprises/<int:pk>/file/retirements/",
        api_file.EnterpriseFileRetirementsView.as_view(),
        name="api-enterprise-file-retirements",
    ),
    *router.urls,
]
