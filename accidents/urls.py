from django.urls import path

from accidents import views, views_library

app_name = "accidents"
urlpatterns = [
    path("", views.accident_list, name="list"),
    path("new/", views.accident_create, name="create"),
    path("<int:pk>/", views.accident_detail, name="detail"),
    path("<int:pk>/edit/", views.accident_edit, name="edit"),
    path("<int:pk>/express-report.pdf", views.accident_pdf, name="pdf"),
    path("<int:pk>/steps/", views.mark_step, name="mark_step"),
    path("<int:pk>/chain/", views.record_chain_step, name="record_chain_step"),
    path("<int:pk>/reporting-findings/", views.record_reporting_finding, name="record_reporting_finding"),
    path("<int:pk>/supplement/", views.accident_transition, {"action": "supplement"}, name="supplement"),
    path("<int:pk>/reports/", views.add_report, name="add_report"),
    path(
        "<int:pk>/investigation/open/",
        views.accident_transition,
        {"action": "investigation/open"},
        name="open_investigation",
    ),
    path(
        "<int:pk>/investigation/",
        views.investigation_transition,
        {"action": "investigation"},
        name="update_investigation",
    ),
    path(
        "<int:pk>/investigation/extend/",
        views.investigation_transition,
        {"action": "investigation/extend"},
        name="extend_investigation",
    ),
    path(
        "<int:pk>/investigation/findings/",
        views.investigation_transition,
        {"action": "investigation/findings"},
        name="add_finding",
    ),
    path(
        "<int:pk>/investigation/measures/",
        views.investigation_transition,
        {"action": "investigation/measures"},
        name="add_measure",
    ),
    path(
        "<int:pk>/investigation/measures/<int:measure_pk>/hazard/",
        views.investigation_transition,
        {"action": "investigation/measure-hazard"},
        name="measure_hazard",
    ),
    path(
        "<int:pk>/investigation/report/",
        views.investigation_transition,
        {"action": "investigation/report"},
        name="upload_report",
    ),
    path("<int:pk>/close/", views.accident_transition, {"action": "close"}, name="close"),
    path("stats/", views_library.accident_stats, name="stats"),
    path("thresholds/", views_library.thresholds, name="thresholds"),
    path("cases/", views_library.case_list, name="case_list"),
    path("cases/new/", views_library.case_create, name="case_create"),
    path("cases/<int:pk>/", views_library.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views_library.case_edit, name="case_edit"),
    path("education/", views_library.session_list, name="session_list"),
    path("education/new/", views_library.session_create, name="session_create"),
    path("education/stats/", views_library.education_stats, name="education_stats"),
    path("education/<int:pk>/", views_library.session_detail, name="session_detail"),
]
