"""Gates that run after authentication, in this order: session clocks, second factor, password change."""

import abc
import time

from django.contrib.auth import SESSION_KEY, logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import security
from audit.services import record
from core.config import config_value


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class SessionTimeoutMiddleware:
    """Idle timeout (30 minutes, 15 for administrators) and absolute lifetime (12 hours) of a web session.

    The last-seen clock is written at most once a minute, so a busy page does not write the session row
    on every request.
    """

    TOUCH_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session and request.user.is_authenticated:
            expired = self._expired(request, session, int(time.time()))
            if expired:
                record(
                    request.user,
                    "accounts.session_expired",
                    actor=request.user,
                    data={"reason": expired},
                )
                logout(request)
                if _is_api(request):
                    return JsonResponse({"detail": _("Your session has expired. Log in again.")}, status=401)
                login_url = reverse("accounts:login")
                return redirect(f"{login_url}?{urlencode({'next': request.get_full_path(), 'expired': 1})}")
        return self.get_response(request)

    def _expired(self, request, session, now: int) -> str:
        login_at = session.get(security.SESSION_LOGIN_AT_KEY)
        seen_at = session.get(security.SESSION_SEEN_AT_KEY)
        if login_at is None or seen_at is None:
            session[security.SESSION_LOGIN_AT_KEY] = session[security.SESSION_SEEN_AT_KEY] = now
            return ""
        if now - login_at > config_value("SESSION_COOKIE_AGE"):
            return "absolute"
        if now - seen_at > security.idle_limit_seconds(request.user):
            return "idle"
        if now - seen_at >= self.TOUCH_EVERY:
            session[security.SESSION_SEEN_AT_KEY] = now
        return ""


class SecondFactorRequiredMiddleware:
    """Until the second factor is verified in this session, the user reaches nothing but its pages."""

    ALLOWED_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.session.get(security.SESSION_MFA_KEY)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and security.mfa_required(user)
        ):
            if _is_api(request):
                return JsonResponse({"detail": _("Complete two-factor authentication first.")}, status=403)
            if security.has_confirmed_device(user):
                return redirect(reverse("accounts:mfa_verify"))
            return redirect(reverse("accounts:mfa_setup"))
        return self.get_response(request)


class _SignedInGate(abc.ABC):
    """A signed-in user who `must_stop` reaches only the paths of `ALLOWED_PREFIXES`; `refuse` answers
    every other request."""

    ALLOWED_PREFIXES: tuple[str, ...] = ()

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and self.must_stop(user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    @abc.abstractmethod
    def must_stop(self, user) -> bool: ...

    @abc.abstractmethod
    def refuse(self, request): ...


class PasswordChangeRequiredMiddleware(_SignedInGate):
    """After an admin reset, or when a privileged password has aged out, the user reaches nothing but
    the password change page — pages and the session API alike (the token endpoint and token
    authentication apply the same `security.must_change_password`)."""

    ALLOWED_PREFIXES = (
        "/accounts/password/",
        "/accounts/step-up/",
        "/accounts/logout/",
        "/accounts/2fa/",
        "/static/",
        "/i18n/",
    )

    def must_stop(self, user) -> bool:
        return security.must_change_password(user)

    def refuse(self, request):
        if _is_api(request):
            return JsonResponse({"detail": str(security.CHANGE_PASSWORD_FIRST)}, status=403)
        return redirect(reverse("accounts:password_change"))


class RoleRequiredMiddleware(_SignedInGate):
    """An account without any role (made by the system administrator, waiting for the security
    administrator to grant one, MLPS 8.1.4.2 d) reaches its own password and second-factor pages and a
    home page that says so; every other page leads there."""

    ALLOWED_PREFIXES = (
        "/accounts/password/",
        "/accounts/logout/",
        "/accounts/login/",
        "/accounts/step-up/",
        "/accounts/2fa/",
        "/static/",
        "/i18n/",
        "/api/v1/me/",
    )

    def must_stop(self, user) -> bool:
        return not user.role_codes

    def refuse(self, request):
        if _is_api(request):
            return JsonResponse({"detail": str(security.NO_ROLE_YET)}, status=403)
        if request.path != "/":
            return redirect("/")
        return render(request, "accounts/no_role.html", {"nav": []})
