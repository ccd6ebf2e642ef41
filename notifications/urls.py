from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.mark_read_view, name="read"),
    path("read-all/", views.mark_all_read_view, name="read_all"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/active/", views.webhook_active, name="webhook_active"),
]
