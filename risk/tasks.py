"""Risk jobs: re-derive levels daily so raised levels fall back in time (R-RISK-6)."""

from __future__ import annotations

import datetime as dt

from core.jobs import periodic_job


@periodic_job("risk.rederive_levels", every=dt.timedelta(days=1))
def rederive_levels(*, now: dt.datetime) -> str:
    """Idempotent: each enterprise's level is recomputed from its points, open hazards and accidents."""
    from risk.services import enterprises_to_rederive, refresh_enterprise_risk

    ids = enterprises_to_rederive(now)
    for enterprise_id in ids:
        refresh_enterprise_risk(enterprise_id=enterprise_id, now=now)
    return f"{len(ids)} enterprises re-derived"
