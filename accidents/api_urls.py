from django.urls import path
from rest_framework.routers import SimpleRouter

from accidents import api

router = SimpleRouter()
router.register("accidents", api.AccidentViewSet, basename="accident")
router.register("cases", api.CaseViewSet, basename="case")
router.register("education-sessions", api.SessionViewSet, basename="education-session")

urlpatterns = [
    path("stats/accidents/", api.AccidentStatsView.as_view(), name="api-accident-stats"),
    path(
        "accidents/<int:pk>/investigation/",
        api.AccidentInvestigationView.as_view(),
        name="api-accident-investigation",
    ),
    *router.urls,
]
