from rest_framework.routers import SimpleRouter

from inspections import api

router = SimpleRouter()
router.register("checklists", api.ChecklistViewSet, basename="checklist")
router.register("campaigns", api.CampaignViewSet, basename="campaign")
router.register("inspection-tasks", api.TaskViewSet, basename="inspection-task")
router.register("inspections", api.InspectionViewSet, basename="inspection")
router.register("draws", api.DrawViewSet, basename="draw")
router.register("learn", api.LearnViewSet, basename="learn")
router.register(
    r"campaigns/(?P<campaign_pk>\d+)/targets", api.CampaignTargetViewSet, basename="campaign-target"
)
urlpatterns = router.urls
