from rest_framework.routers import SimpleRouter

from risk import api

router = SimpleRouter()
router.register("risk-points", api.RiskPointViewSet, basename="risk-point")
urlpatterns = router.urls
