"""Periodic job: the accountability triggers over hazards and accidents (R-ACCT-4); idempotent.

Not one transaction: the hazards are walked in batches, each its own transaction with the job's cursor."""

import datetime as dt

from core.jobs import periodic_job


@periodic_job("accountability.run_triggers", every=dt.timedelta(minutes=15), atomic=False)
def run_triggers(*, now):
    from accountability.services import run_triggers as run

    return run(now=now)
