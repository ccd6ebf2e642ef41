"""Periodic job: flag reports that passed their deadline unmade (R-ACC-7) and overdue follow-ups
(R-ACC-4), once each."""

import datetime as dt

from core.jobs import periodic_job


@periodic_job("accidents.flag_late_reports", every=dt.timedelta(minutes=5))
def flag_late_reports(*, now):
    from accidents.services import flag_late_reports as flag
    from accidents.services import remind_follow_ups
    from accidents.services.chain import remind_evaluations

    return {
        "flagged": flag(now=now),
        "follow_up_reminders": remind_follow_ups(now=now),
        "evaluation_reminders": remind_evaluations(now=now),  # R-ACC-8
    }
