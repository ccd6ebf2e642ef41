"""Periodic job: the accountability triggers over hazards and accidents (R-ACCT-4); idempotent."""

import datetime as dt

from core.jobs import periodic_job


@periodic_job("accountability.run_triggers", every=dt.timedelta(minutes=15))
def run_triggers(*, now):
    from accountability.services import run_triggers as run

    return run(now=now)
