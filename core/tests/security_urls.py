"""URLs for the error-handling tests: the project's URLs plus views that fail on purpose."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from redline.urls import handler400, handler403, handler404, handler500  # noqa: F401
from redline.urls import urlpatterns as project_urls


def page_that_fails(request):
    raise RuntimeError("database password is hunter2")


class ApiThatFails(APIView):
    permission_classes = [AllowAny]

    def get(self, request):
        raise RuntimeError("database password is hunter2")


urlpatterns = [
    path("test-fails/", page_that_fails),
    path("api/v1/test-fails/", ApiThatFails.as_view()),
    *project_urls,
]
