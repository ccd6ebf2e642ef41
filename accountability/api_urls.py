from django.urls import path
from rest_framework.routers import SimpleRouter

from accountability import api, api_assessment

router = SimpleRouter()
router.register("accountability/proposals", api.ProposalViewSet, basename="accountability-proposal")
router.register("accountability/measures", api.MeasureViewSet, basename="accountability-measure")
router.register("accountability/positions", api.PositionViewSet, basename="accountability-position")
router.register("enforcement/cases", api.CaseViewSet, basename="enforcement-case")
router.register("enforcement/plans", api.PlanViewSet, basename="enforcement-plan")

urlpatterns = [
    path("assessments/", api_assessment.AssessmentView.as_view(), name="api-assessments"),
    path(
        "assessments/records/", api_assessment.AssessmentRecordsView.as_view(), name="api-assessment-records"
    ),
    path("assessments/weights/", api_assessment.WeightsView.as_view(), name="api-assessment-weights"),
    path("assessments/publish/", api_assessment.PublishView.as_view(), name="api-assessment-publish"),
    path("assessments/adjustments/", api_assessment.AdjustView.as_view(), name="api-assessment-adjust"),
    path("enforcement/stats/", api.StatsView.as_view(), name="api-enforcement-stats"),
    *router.urls,
]
