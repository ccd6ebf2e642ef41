from django.urls import path

from emergency import views

app_name = "emergency"
urlpatterns = [
    path("", views.preparedness, name="preparedness"),
    path("map-data/", views.map_data, name="map_data"),
    path("readiness-check.<str:fmt>", views.readiness_report, name="readiness_report"),
    path("warehouses/", views.warehouse_list, name="warehouses"),
    path("warehouses/new/", views.warehouse_create, name="warehouse_create"),
    path("warehouses/<int:pk>/", views.warehouse_detail, name="warehouse_detail"),
    path("warehouses/<int:pk>/stocktake/", views.stocktake_start, name="stocktake_start"),
    path("movements/new/", views.movement_create, name="movement_create"),
    path("shortfalls/", views.shortfall_list, name="shortfalls"),
    path("norms/", views.norm_list, name="norms"),
    path("norms/new/", views.norm_create, name="norm_create"),
    path("norms/<int:pk>/", views.norm_edit, name="norm_edit"),
    path("stocktakes/<int:pk>/", views.stocktake_detail, name="stocktake_detail"),
    path("stocktakes/<int:pk>/<slug:action>/", views.stocktake_transition, name="stocktake_transition"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("plans/<int:pk>/evaluate/", views.plan_transition, {"action": "evaluate"}, name="plan_evaluate"),
    path(
        "plans/<int:pk>/revision-trigger/",
        views.plan_transition,
        {"action": "revision-trigger"},
        name="plan_trigger",
    ),
    path(
        "plan-versions/<int:pk>/<slug:action>/", views.planversion_transition, name="planversion_transition"
    ),
    path("drills/", views.drill_list, name="drills"),
    path("drills/new/", views.drill_create, name="drill_create"),
    path("drills/<int:pk>/", views.drill_detail, name="drill_detail"),
    path("drills/<int:pk>/<slug:action>/", views.drill_transition, name="drill_transition"),
    path("actions/<int:pk>/hazard/", views.action_hazard, name="action_hazard"),
    path("actions/<int:pk>/<slug:action>/", views.action_transition, name="action_transition"),
    path("teams/", views.team_list, name="teams"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("team-members/<int:pk>/", views.member_edit, name="member_edit"),
    path("three-preventions/", views.flood_registers, name="floods"),
    path("three-preventions/points/new/", views.point_create, name="point_create"),
    path("three-preventions/points/<int:pk>/", views.point_edit, name="point_edit"),
    path("three-preventions/shelters/new/", views.shelter_create, name="shelter_create"),
    path("three-preventions/shelters/<int:pk>/", views.shelter_edit, name="shelter_edit"),
    path("three-preventions/transfers/", views.transfer_list, name="transfers"),
    path("three-preventions/transfers/new/", views.transfer_create, name="transfer_create"),
    path("three-preventions/transfers/<int:pk>/", views.transfer_edit, name="transfer_edit"),
    path("warnings/", views.warning_list, name="warnings"),
    path("warnings/new/", views.warning_create, name="warning_create"),
    path("warnings/<int:pk>/<slug:action>/", views.warning_transition, name="warning_transition"),
    path("declarations/new/", views.declaration_create, name="declaration_create"),
    path("declarations/<int:pk>/<slug:action>/", views.declaration_transition, name="declaration_transition"),
    path(
        "confirmations/<int:pk>/<slug:action>/", views.confirmation_transition, name="confirmation_transition"
    ),
]
