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


@periodic_job("accounts.expire_api_tokens", every=dt.timedelta(hours=1))
def expire_api_tokens(*, now):
    """Tokens past their idle timeout or lifetime are removed (each one audited), used or not."""
    from accounts.tokens import purge_expired

    return {"expired": purge_expired(now=now)}
