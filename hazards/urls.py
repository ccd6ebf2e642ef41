from django.urls import path

from hazards import duty_views, library_views, statement_views, stats_views, views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_create, name="create"),
    path("statistics/", stats_views.statistics, name="statistics"),
    path("statements/", statement_views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", statement_views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/file/<str:fmt>/", statement_views.statement_file, name="statement_file"),
    path("statements/<int:pk>/<slug:action>/", statement_views.statement_action, name="statement_action"),
    path("criteria/", library_views.criteria, name="criteria"),
    path("criteria/new/", library_views.criterion_edit, name="criterion_create"),
    path("criteria/export/", library_views.criteria_export, name="criteria_export"),
    path("criteria/import/", library_views.criteria_import, name="criteria_import"),
    path("criteria/<int:pk>/", library_views.criterion_edit, name="criterion_edit"),
    path("criteria/sources/new/", library_views.source_edit, name="source_create"),
    path("criteria/sources/<int:pk>/", library_views.source_edit, name="source_edit"),
    path("deadlines/<str:level>/", library_views.deadline_edit, name="deadline_edit"),
    path("rechecks/", duty_views.recheck_list, name="recheck_list"),
    path("<int:pk>/", views.hazard_detail, name="detail"),
    path("<int:pk>/recheck/", duty_views.recheck, name="recheck"),
    path("<int:pk>/resumption/", duty_views.resumption, name="resumption"),
    path("<int:pk>/notice.pdf", stats_views.notice_pdf, name="notice_pdf"),
    path("<int:pk>/acceptance.pdf", stats_views.acceptance_pdf, name="acceptance_pdf"),
    path("<int:pk>/<slug:action>/", views.hazard_action, name="action"),
]
