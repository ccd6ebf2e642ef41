from django.urls import path
from rest_framework.routers import SimpleRouter

from hazards import api_duties
from hazards.api import HazardStatsView, HazardViewSet
from hazards.api_criteria import CriterionExportView, CriterionImportView, CriterionViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
router.register("hazard-criteria", CriterionViewSet, basename="hazard-criterion")
router.register("hazard-rechecks", api_duties.RecheckViewSet, basename="hazard-recheck")
router.register("hazard-statements", api_duties.StatementViewSet, basename="hazard-statement")
urlpatterns = [
    path("stats/hazards/", HazardStatsView.as_view(), name="hazard-stats"),
    path("hazard-criteria/export/", CriterionExportView.as_view(), name="hazard-criteria-export"),
    path("hazard-criteria/import/", CriterionImportView.as_view(), name="hazard-criteria-import"),
    path("hazards/<int:pk>/recheck/", api_duties.RecheckView.as_view(), name="hazard-recheck-record"),
    path("hazards/<int:pk>/resumption/", api_duties.ResumptionView.as_view(), name="hazard-resumption"),
    path(
        "hazards/<int:pk>/resumption/review/",
        api_duties.ResumptionReviewView.as_view(),
        name="hazard-resumption-review",
    ),
    *router.urls,
]
