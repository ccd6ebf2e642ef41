from django.urls import path

from accounts.api import MeView, PingView, RevealIdNumberView, TokenView

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("ping/", PingView.as_view(), name="api-ping"),
    path("users/<int:pk>/id-number/reveal/", RevealIdNumberView.as_view(), name="api-user-id-number-reveal"),
]
