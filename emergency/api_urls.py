from rest_framework.routers import SimpleRouter

from emergency import api

router = SimpleRouter()
router.register("supplies/warehouses", api.WarehouseViewSet, basename="emergency-warehouse")
router.register("supplies/items", api.SupplyItemViewSet, basename="emergency-item")
router.register("supplies/stock", api.StockViewSet, basename="emergency-stock")
router.register("supplies/movements", api.MovementViewSet, basename="emergency-movement")
router.register("supplies/shortfalls", api.ShortfallViewSet, basename="emergency-shortfall")
router.register("plans", api.PlanViewSet, basename="emergency-plan")
router.register("plan-versions", api.PlanVersionViewSet, basename="emergency-plan-version")
router.register("drills", api.DrillViewSet, basename="emergency-drill")
router.register("rescue-teams", api.TeamViewSet, basename="emergency-team")
router.register("rescue-team-members", api.TeamMemberViewSet, basename="emergency-team-member")
router.register("waterlogging-points", api.PointViewSet, basename="emergency-point")
router.register("shelters", api.ShelterViewSet, basename="emergency-shelter")
router.register("warnings", api.WarningViewSet, basename="emergency-warning")
router.register("response-declarations", api.DeclarationViewSet, basename="emergency-declaration")

urlpatterns = router.urls
