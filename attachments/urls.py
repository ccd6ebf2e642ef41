from django.urls import path

from attachments import views

app_name = "attachments"
urlpatterns = [
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/original/", views.original, name="original"),
]
