from django.urls import path
from rest_framework.routers import SimpleRouter

from risk import api

router = SimpleRouter()
router.register("risk-points", api.RiskPointViewSet, basename="risk-point")
urlpatterns = [
    path("stats/risk/", api.RiskStatsView.as_view(), name="api-risk-stats"),
    *router.urls,
]
