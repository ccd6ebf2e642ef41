from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """After an admin reset, the user reaches nothing but the password change page."""

    ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            return redirect(reverse("accounts:password_change"))
        return self.get_response(request)
