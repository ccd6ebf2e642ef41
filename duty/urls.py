from django.urls import path

from duty import views

app_name = "duty"
urlpatterns = [
    path("", views.board, name="board"),
    path("rooms/", views.room_list, name="rooms"),
    path("rooms/month/", views.month_prepare, name="month_prepare"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("rooms/<int:pk>/log/", views.log_add, name="log_add"),
    path("rooms/<int:pk>/absences/", views.absence_add, name="absence_add"),
    path("rooms/<int:pk>/pattern/", views.room_pattern, name="room_pattern"),
    path("rosters/new/", views.roster_create, name="roster_create"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster"),
    path("rosters/<int:pk>/roster.<str:fmt>", views.roster_export, name="roster_export"),
    path("rosters/<int:pk>/<slug:action>/", views.roster_action, name="roster_action"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift"),
    path("shifts/<int:pk>/handover/", views.shift_handover, name="shift_handover"),
    path("shifts/<int:pk>/sign/", views.shift_sign, name="shift_sign"),
    path("shifts/<int:pk>/swap/", views.swap_request, name="swap_request"),
    path("shifts/<int:pk>/<slug:action>/", views.shift_action, name="shift_action"),
    path("swaps/<int:pk>/<slug:action>/", views.swap_action, name="swap_action"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/<slug:action>/", views.report_action, name="report_action"),
    path("contacts/", views.contacts, name="contacts"),
]
