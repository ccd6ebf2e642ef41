from django.urls import path

from inspections.views import campaigns, checklists, draws, field, learn

app_name = "inspections"
urlpatterns = [
    path("", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/assign/", campaigns.campaign_assign, name="campaign_assign"),
    path("campaigns/<int:pk>/targets/add/", campaigns.campaign_targets_add, name="campaign_targets_add"),
    path(
        "campaigns/<int:pk>/targets/<int:target_pk>/remove/",
        campaigns.campaign_target_remove,
        name="campaign_target_remove",
    ),
    path("campaigns/<int:pk>/close/", campaigns.campaign_close, name="campaign_close"),
    path("campaigns/<int:pk>/report.<str:fmt>", campaigns.campaign_report, name="campaign_report"),
    path("checklists/", checklists.template_list, name="template_list"),
    path("checklists/new/", checklists.template_edit, name="template_create"),
    path("checklists/import/", checklists.template_import, name="template_import_new"),
    path("checklists/<int:pk>/", checklists.template_detail, name="template_detail"),
    path("checklists/<int:pk>/edit/", checklists.template_edit, name="template_edit"),
    path("checklists/<int:pk>/import/", checklists.template_import, name="template_import"),
    path("tasks/", field.task_list, name="task_list"),
    path("tasks/<int:pk>/", field.task_detail, name="task_detail"),
    path("tasks/<int:pk>/start/", field.task_start, name="task_start"),
    path("records/", field.inspection_list, name="inspection_list"),
    path("records/new/", field.inspection_new, name="inspection_new"),
    path("records/<int:pk>/", field.inspection_detail, name="inspection_detail"),
    path("records/<int:pk>/items/<int:item_id>/", field.item_save, name="item_save"),
    path("records/<int:pk>/items/<int:item_id>/photo/", field.item_photo, name="item_photo"),
    path("records/<int:pk>/details/", field.details_save, name="details_save"),
    path("records/<int:pk>/finish/", field.inspection_finish, name="inspection_finish"),
    path("records/<int:pk>/<str:kind>.pdf", field.inspection_pdf, name="inspection_pdf"),
    path("draws/", draws.draw_list, name="draw_list"),
    path("draws/new/", draws.draw_create, name="draw_create"),
    path("draws/conflicts/", draws.conflict_list, name="conflict_list"),
    path("draws/settings/", draws.draw_settings, name="draw_settings"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/publish/", draws.draw_publish, name="draw_publish"),
    path("public/", draws.public_results, name="public_results"),
    path("learn/", learn.learn, name="learn"),
]
