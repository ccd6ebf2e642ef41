"""Periodic job: flag reports that passed their deadline unmade (R-ACC-7), once each."""

import datetime as dt

from core.jobs import periodic_job


@periodic_job("accidents.flag_late_reports", every=dt.timedelta(minutes=5))
def flag_late_reports(*, now):
    from accidents.services import flag_late_reports as flag

    return {"flagged": flag(now=now)}
