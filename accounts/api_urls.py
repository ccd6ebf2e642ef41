from django.urls import path

from accounts.api import MeView, RevealIdNumberView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("users/<int:pk>/id-number/reveal/", RevealIdNumberView.as_view(), name="api-user-id-number-reveal"),
]
