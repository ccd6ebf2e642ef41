from rest_framework.routers import SimpleRouter

from duty import api

router = SimpleRouter()
router.register("duty/rooms", api.RoomViewSet, basename="duty-room")
router.register("duty/rosters", api.RosterViewSet, basename="duty-roster")
router.register("duty/swaps", api.SwapViewSet, basename="duty-swap")
router.register("duty/contacts", api.ContactViewSet, basename="duty-contact")
router.register("info-reports", api.ReportViewSet, basename="info-report")

urlpatterns = router.urls
