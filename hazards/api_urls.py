from django.urls import path
from rest_framework.routers import SimpleRouter

from hazards.api import HazardStatsView, HazardViewSet
from hazards.api_criteria import CriterionExportView, CriterionImportView, CriterionViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
router.register("hazard-criteria", CriterionViewSet, basename="hazard-criterion")
urlpatterns = [
    path("stats/hazards/", HazardStatsView.as_view(), name="hazard-stats"),
    path("hazard-criteria/export/", CriterionExportView.as_view(), name="hazard-criteria-export"),
    path("hazard-criteria/import/", CriterionImportView.as_view(), name="hazard-criteria-import"),
    *router.urls,
]
