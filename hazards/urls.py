from django.urls import path

from hazards import views

app_name = "hazards"
urlpatterns = [
    path("<int:pk>/", views.hazard_detail, name="detail"),
]
