"""Reads of the accounts app that shape a page."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from core.config import config_value


def account_summary(*, now=None) -> dict:
    """The administrators' home panel: what needs looking at among the accounts, in one query.

    "Dormant" follows the periodic account review of MLPS level 3: active accounts unused for
    ACCOUNT_DORMANT_DAYS (the day the job would disable them).
    """
    now = now or timezone.now()
    dormant_before = now - timedelta(days=config_value("ACCOUNT_DORMANT_DAYS"))
    counts = User.objects.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        disabled=Count("pk", filter=Q(is_active=False)),
        must_change=Count("pk", filter=Q(is_active=True, must_change_password=True)),
        dormant=Count(
            "pk",
            filter=Q(is_active=True)
            & (Q(last_login__lt=dormant_before) | Q(last_login__isnull=True, date_joined__lt=dormant_before)),
        ),
    )
    return {"counts": counts}


def security_summary(*, now=None, limit: int = 8) -> dict:
    """The security panel: accounts locked now and failed logins of the last 24 hours (MLPS 8.1.4.1 b)."""
    from accounts.models import AccountLock, LoginAttempt

    now = now or timezone.now()
    locks = list(AccountLock.objects.filter(locked_until__gt=now).order_by("-locked_at")[:limit])
    users = {
        u.username.lower(): u for u in User.objects.filter(username__in=[lock.username for lock in locks])
    }
    # A username that is no account (someone guessing) is shown as typed; it has nothing to unlock.
    locked = [
        {"username": lock.username, "until": lock.locked_until, "user": users.get(lock.username)}
        for lock in locks
    ]
    failures = LoginAttempt.objects.filter(success=False, at__gte=now - timedelta(hours=24))
    return {
        "locked": locked,
        "locked_count": AccountLock.objects.filter(locked_until__gt=now).count(),
        "failures": failures.count(),
        "failure_addresses": failures.values("ip").distinct().count(),
    }


def users_managed_by(actor):
    """The accounts the actor's user screens list and open (others answer 404): every account for the
    system and security administrators, the business accounts for the district administrator (an account
    holding an administrator role is not the district administrator's to manage, MLPS 8.1.4.2 d)."""
    from accounts import services
    from core.choices import ADMINISTRATOR_ROLES

    if actor.has_role(*services.ALL_ACCOUNTS_ROLES):
        return User.objects.all()
    if actor.has_role(*services.USER_MANAGER_ROLES):
        return User.objects.exclude(role_assignments__role__in=ADMINISTRATOR_ROLES)
    return User.objects.none()
