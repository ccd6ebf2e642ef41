from django.urls import path

from risk import views

app_name = "risk"
urlpatterns = [
    path("points/", views.point_list, name="point_list"),
    path("enterprises/<int:enterprise_pk>/points/new/", views.point_create, name="point_create"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("points/<int:pk>/edit/", views.point_edit, name="point_edit"),
    path("points/<int:pk>/assess/", views.point_assess, name="point_assess"),
    path("points/<int:pk>/retire/", views.point_transition, {"action": "retire"}, name="point_retire"),
    path("points/<int:pk>/measures/", views.point_transition, {"action": "measures"}, name="measure_add"),
    path(
        "points/<int:pk>/measures/<int:measure_pk>/remove/",
        views.point_transition,
        {"action": "measures/remove"},
        name="measure_remove",
    ),
    path("points/<int:pk>/board.pdf", views.point_board, name="point_board"),
    path("map/", views.risk_map, name="map"),
    path("map/data.json", views.risk_map_data, name="map_data"),
    path("stats/", views.risk_stats, name="stats"),
]
