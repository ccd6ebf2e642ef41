from django.urls import path

from accounts import admin_views, token_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path(
        "password/reset/<str:uidb64>/<str:token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("step-up/", views.step_up, name="step_up"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("admin/tokens/", token_views.admin_token_list, name="admin_token_list"),
    path("2fa/verify/", views.mfa_verify, name="mfa_verify"),
    path("2fa/setup/", views.mfa_setup, name="mfa_setup"),
    path("users/<int:pk>/id-number/", views.id_number, name="id_number"),
    path("admin/users/", admin_views.user_list, name="admin_user_list"),
    path("admin/users/new/", admin_views.user_create, name="admin_user_create"),
    path("admin/users/<int:pk>/", admin_views.user_edit, name="admin_user_edit"),
    path("admin/users/<int:pk>/roles/", admin_views.user_roles, name="admin_user_roles"),
    path("admin/users/<int:pk>/active/", admin_views.user_set_active, name="admin_user_set_active"),
    path("admin/users/<int:pk>/password/", admin_views.user_reset_password, name="admin_user_reset_password"),
    path("admin/users/<int:pk>/unlock/", admin_views.user_unlock, name="admin_user_unlock"),
]
