"""Authentication policy in one place: login lock, address throttle, second-factor and password-age rules,
session index and timeouts (MLPS 8.1.4.2 a–b, ASVS V2/V3; README "Security").

The lock and the throttle count `LoginAttempt` rows in the database, so they hold across app servers.
The web login, the API token endpoint and the second-factor step all go through `check_allowed` first
and `note_failure` / `note_success` after.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountLock, LoginAttempt, User, UserSession
from audit.models import AuditEvent
from audit.services import record
from core.choices import ADMINISTRATOR_ROLES, Role
from core.config import config_value

# One message for a wrong username, a wrong password, a wrong code and a locked account: nothing tells
# an attacker whether the name exists or whether the lock has been reached.
GENERIC_FAILURE = _(
    "The username or password is not correct, or the account is locked for a while after repeated failures."
)
THROTTLED = _("Too many attempts from your address. Wait a few minutes and try again.")
# An account is made without roles by the system administrator; the security administrator grants them.
NO_ROLE_YET = _(
    "No role has been granted to your account yet. The security administrator grants roles; ask your "
    "administrator."
)
# Every way in stops at the same gate while the password must be changed (pages, session API, tokens).
CHANGE_PASSWORD_FIRST = _("Change your password in the web application before using the API.")

PRIVILEGED_ROLES = frozenset({Role.DISTRICT_ADMIN, *ADMINISTRATOR_ROLES})
MFA_MANDATORY_ROLES = PRIVILEGED_ROLES
SESSION_MFA_KEY = "redline_mfa_verified"
SESSION_LOGIN_AT_KEY = "redline_login_at"
SESSION_SEEN_AT_KEY = "redline_seen_at"


class LoginRefused(Exception):
    """Credentials may not even be checked: the username is locked (generic message) or the address is
    throttled (429)."""

    def __init__(self, *, throttled: bool, retry_after: int = 0):
        self.throttled = throttled
        self.retry_after = retry_after
        super().__init__(str(THROTTLED if throttled else GENERIC_FAILURE))

    @property
    def message(self):
        return THROTTLED if self.throttled else GENERIC_FAILURE


def _norm(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _window_start(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(seconds=config_value("LOGIN_FAILURE_WINDOW_SECONDS"))


def _user_named(username: str) -> User | None:
    return User.objects.filter(username__iexact=username).first() if username else None


def is_throttled(ip: str, *, now: dt.datetime | None = None) -> bool:
    """Many usernames, or very many failures, from one address within the window (credential stuffing)."""
    if not ip:
        return False
    now = now or timezone.now()
    failures = LoginAttempt.objects.filter(ip=ip, success=False, at__gte=_window_start(now)).aggregate(
        total=Count("id"), names=Count("username", distinct=True)
    )
    return failures["names"] >= config_value("LOGIN_IP_USERNAME_LIMIT") or failures["total"] >= config_value(
        "LOGIN_IP_FAILURE_LIMIT"
    )


def locked_until(username: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    now = now or timezone.now()
    lock = AccountLock.objects.filter(username=_norm(username), locked_until__gt=now).first()
    return lock.locked_until if lock else None


def check_allowed(username: str, ip: str, *, now: dt.datetime | None = None) -> None:
    """Raise LoginRefused before any credential is checked. A refused attempt is itself counted, so a
    throttled address stays throttled while it keeps trying."""
    now = now or timezone.now()
    if is_throttled(ip, now=now):
        LoginAttempt.objects.create(username=_norm(username), ip=ip, kind=LoginAttempt.Kind.PASSWORD, at=now)
        raise LoginRefused(throttled=True, retry_after=config_value("LOGIN_FAILURE_WINDOW_SECONDS"))
    if locked_until(username, now=now):
        raise LoginRefused(throttled=False)


@transaction.atomic
def note_failure(username: str, ip: str, *, kind: str, now: dt.datetime | None = None) -> bool:
    """Count a failed attempt; lock the username on the LOGIN_FAILURE_LIMIT-th failure inside the window.
    Returns True when this failure locked it."""
    now = now or timezone.now()
    name = _norm(username)
    LoginAttempt.objects.create(username=name, ip=ip, kind=kind, at=now)
    # Failures before the last lock, unlock or successful login were already paid for.
    since = max(
        [
            _window_start(now),
            *AccountLock.objects.filter(username=name).values_list("locked_at", flat=True),
            *LoginAttempt.objects.filter(username=name, success=True, at__lte=now)
            .order_by("-at")
            .values_list("at", flat=True)[:1],
        ]
    )
    recent = LoginAttempt.objects.filter(username=name, success=False, at__gt=since).count()
    if recent < config_value("LOGIN_FAILURE_LIMIT"):
        return False
    until = now + dt.timedelta(seconds=config_value("LOGIN_LOCK_SECONDS"))
    AccountLock.objects.update_or_create(username=name, defaults={"locked_until": until, "locked_at": now})
    user = _user_named(name)
    record(
        user,
        "accounts.user.locked",
        data={"until": until, "failures": recent, "via": kind},
        outcome=AuditEvent.Outcome.SUCCESS,
        target_type="accounts.user",
        target_repr=name if user is None else "",
    )
    return True


def note_success(username: str, ip: str, *, kind: str) -> None:
    name = _norm(username)
    LoginAttempt.objects.create(username=name, ip=ip, kind=kind, success=True)


def record_failed_login(username: str, *, via: str, reason: str) -> None:
    record(
        None,
        "accounts.login_failed",
        data={"username": _norm(username), "via": via, "reason": reason},
        outcome=AuditEvent.Outcome.FAILURE,
        target_type="accounts.user",
    )


# --- Second factor and password age -----------------------------------------------------------------


def mfa_roles() -> frozenset[str]:
    return MFA_MANDATORY_ROLES | frozenset(config_value("MFA_EXTRA_ROLES"))


def mfa_required(user) -> bool:
    """Mandatory for the privileged roles (and MFA_EXTRA_ROLES); anyone who enrolled uses it too."""
    if getattr(settings, "REDLINE_DEMO_MFA_EXEMPT", False):
        return False
    return user.has_role(*mfa_roles()) or has_confirmed_device(user)


def has_confirmed_device(user) -> bool:
    from accounts.models import TotpDevice

    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def password_expired(user, *, now: dt.datetime | None = None) -> bool:
    """Privileged roles change their password every PASSWORD_MAX_AGE_DAYS days (MLPS 8.1.4.2 a)."""
    if not user.has_role(*PRIVILEGED_ROLES):
        return False
    if user.password_changed_at is None:
        return True
    now = now or timezone.now()
    return now - user.password_changed_at > dt.timedelta(days=config_value("PASSWORD_MAX_AGE_DAYS"))


def must_change_password(user) -> bool:
    return bool(user.must_change_password or password_expired(user))


# --- Sessions ---------------------------------------------------------------------------------------


def idle_limit_seconds(user) -> int:
    if user.has_role(*PRIVILEGED_ROLES):
        return config_value("SESSION_ADMIN_IDLE_SECONDS")
    return config_value("SESSION_IDLE_SECONDS")


def index_session(user, session_key: str | None) -> None:
    if session_key:
        UserSession.objects.update_or_create(session_key=session_key, defaults={"user": user})


def drop_session(session_key: str | None) -> None:
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


@dataclass(frozen=True)
class EndedSessions:
    sessions: int
    tokens: int


def end_sessions(user, *, keep_session_key: str | None = None) -> EndedSessions:
    """Log the user out everywhere — their indexed sessions and API tokens — in O(their sessions)."""
    from django.contrib.sessions.models import Session

    from accounts.models import ApiToken

    keys = list(
        UserSession.objects.filter(user=user)
        .exclude(session_key=keep_session_key or "")
        .values_list("session_key", flat=True)
    )
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    tokens, _by_model = ApiToken.objects.filter(user=user).delete()
    if tokens:
        # Each revocation is audited (ASVS 3.5): these went with the sessions.
        record(user, "accounts.token.revoked", data={"tokens": tokens, "with_sessions": True})
    return EndedSessions(sessions=len(keys), tokens=tokens)
