import datetime as dt

from core.jobs import periodic_job


@periodic_job("accounts.disable_dormant", every=dt.timedelta(days=1))
def disable_dormant(*, now):
    from accounts.services import disable_dormant_accounts

    return {"disabled": disable_dormant_accounts(now=now)}
