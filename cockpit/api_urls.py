from django.urls import path

from cockpit.api import CockpitView

urlpatterns = [path("cockpit/", CockpitView.as_view(), name="cockpit")]
