from django.urls import path

from accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/<slug:action>/", views.proposal_action, name="proposal_action"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/commitments/", views.commitment_add, name="commitment_add"),
    path("measures/<int:pk>/document.pdf", views.measure_document, name="measure_document"),
    path("measures/<int:pk>/<slug:action>/", views.measure_action, name="measure_action"),
    path("commitments/<int:pk>/done/", views.commitment_done, name="commitment_done"),
    path("targets/<slug:kind>/<int:pk>/", views.target_history, name="target_history"),
    path("assessment/", views.assessment, name="assessment"),
    path("assessment/publish/", views.assessment_publish, name="assessment_publish"),
    path("assessment/weights/", views.assessment_weights, name="assessment_weights"),
    path("assessment/<slug:kind>/<int:pk>/", views.assessment_unit, name="assessment_unit"),
    path("assessment/<slug:kind>/<int:pk>/adjust/", views.assessment_adjust, name="assessment_adjust"),
    path("assessment/<slug:kind>/<int:pk>/<slug:item>/", views.assessment_records, name="assessment_records"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/stats/", views.case_stats, name="case_stats"),
    path("cases/plan/", views.plan_save, name="plan_save"),
    path("cases/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/inquiries/", views.case_inquiry, name="case_inquiry"),
    path("cases/documents/<int:pk>.pdf", views.case_document, name="case_document"),
    path("cases/<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("responsibility/", views.position_list, name="position_list"),
    path("responsibility/staff/", views.staff_save, name="staff_save"),
    path("responsibility/templates/", views.duty_templates, name="duty_templates"),
    path("responsibility/<int:pk>/", views.position_detail, name="position_detail"),
    path("responsibility/<int:pk>/holder/", views.position_holder, name="position_holder"),
    path("responsibility/<int:pk>/letter/", views.position_letter, name="position_letter"),
]
