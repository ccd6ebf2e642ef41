import datetime as dt

from core.jobs import periodic_job


@periodic_job("accounts.disable_dormant", every=dt.timedelta(days=1))
def disable_dormant(*, now):
    from accounts.services import disable_dormant_accounts

    return {"disabled": disable_dormant_accounts(now=now)}


@periodic_job("accounts.prune_login_attempts", every=dt.timedelta(hours=6))
def prune_login_attempts(*, now):
    """Attempts matter only inside the lock window; the audit trail keeps the lasting record."""
    from accounts.models import AccountLock, LoginAttempt

    cutoff = now - dt.timedelta(days=1)
    attempts, _by_model = LoginAttempt.objects.filter(at__lt=cutoff).delete()
    locks, _by_model = AccountLock.objects.filter(locked_until__lt=cutoff).delete()
    return {"attempts": attempts, "locks": locks}
