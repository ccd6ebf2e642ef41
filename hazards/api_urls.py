from django.urls import path
from rest_framework.routers import SimpleRouter

from hazards.api import HazardStatsView, HazardViewSet

router = SimpleRouter()
router.register("hazards", HazardViewSet, basename="hazard")
urlpatterns = [
    path("stats/hazards/", HazardStatsView.as_view(), name="hazard-stats"),
    *router.urls,
]
