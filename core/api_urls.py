from django.urls import path

from core import api_jobs

urlpatterns = [
    path("jobs/<int:pk>/", api_jobs.JobView.as_view(), name="api-job"),
    path("jobs/<int:pk>/cancel/", api_jobs.JobCancelView.as_view(), name="api-job-cancel"),
    path("jobs/<int:pk>/result/", api_jobs.JobResultView.as_view(), name="api-job-result"),
]
