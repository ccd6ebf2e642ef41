"""The rules of emergency preparedness as data and small pure functions (R-EMG-2…7, R-DUTY-5, R-TIME-1).

Every figure here is a default the district may override in the environment's Django settings:
`EMERGENCY_SIGNAL_SETS`, `EMERGENCY_PLAN_REVIEW_YEARS`, `EMERGENCY_STOCKTAKE_DAYS`,
`EMERGENCY_EXPIRY_ALERT_DAYS`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core.calendar import add_working_days, is_working_day
from emergency.choices import PlanType, Signal, WarningHazard

# R-EMG-7: Guangdong's warning signals differ by hazard (a setting; these are the province's sets).
DEFAULT_SIGNAL_SETS = {
    WarningHazard.RAINSTORM: [Signal.YELLOW, Signal.ORANGE, Signal.RED],
    WarningHazard.TYPHOON: [Signal.WHITE, Signal.BLUE, Signal.YELLOW, Signal.ORANGE, Signal.RED],
    WarningHazard.HIGH_TEMPERATURE: [Signal.YELLOW, Signal.ORANGE, Signal.RED],
    WarningHazard.COLD: [Signal.YELLOW, Signal.ORANGE, Signal.RED],
    WarningHazard.THUNDERSTORM: [Signal.YELLOW, Signal.ORANGE, Signal.RED],
    WarningHazard.FLOOD: [Signal.BLUE, Signal.YELLOW, Signal.ORANGE, Signal.RED],
}

# R-DUTY-5: red is grade I (highest) … blue grade IV; typhoon's white signal is an advisory, not graded.
GRADES = {Signal.RED: "I", Signal.ORANGE: "II", Signal.YELLOW: "III", Signal.BLUE: "IV"}

FILING_WORKING_DAYS = 20  # R-EMG-2
CHECK_WORKING_DAYS = 5  # R-EMG-2
EXPIRY_ALERT_DAYS = (30, 7)

# R-EMG-6: a micro fire station has a head and at least five members, 24-hour duty, 3 minutes to scene.
MICRO_FIRE_MIN_MEMBERS = 5
MICRO_FIRE_MAX_MINUTES = 3

# R-EMG-4: sectors and sub-sectors whose units drill every half year (high-risk and crowded places).
HIGH_RISK_SECTORS = {"hazardous_chemicals", "civil_explosives", "construction", "gas"}
HIGH_RISK_SUB_SECTORS = {"metallurgy", "nonferrous", "commerce"}
GOVERNMENT_DRILL_MONTHS = 24


def signal_sets() -> dict:
    return getattr(settings, "EMERGENCY_SIGNAL_SETS", None) or DEFAULT_SIGNAL_SETS


def signals_for(hazard: str) -> list[str]:
    return [str(s) for s in signal_sets().get(hazard, [])]


def grade_of(signal: str) -> str:
    return GRADES.get(signal, "")


def review_years() -> int:
    return int(getattr(settings, "EMERGENCY_PLAN_REVIEW_YEARS", 3))


def stocktake_days() -> int:
    """R-EMG-5: stock is counted at least monthly (a setting, in days)."""
    return int(getattr(settings, "EMERGENCY_STOCKTAKE_DAYS", 31))


def expiry_alert_days() -> tuple[int, ...]:
    return tuple(getattr(settings, "EMERGENCY_EXPIRY_ALERT_DAYS", EXPIRY_ALERT_DAYS))


def filing_due(published_on: dt.date) -> dt.date:
    """R-EMG-2 counted per R-TIME-1: 20 working days after publication (the day itself not counted)."""
    return add_working_days(published_on, FILING_WORKING_DAYS)


def check_due(filed_on: dt.date) -> dt.date:
    return add_working_days(filed_on, CHECK_WORKING_DAYS)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def next_working_day(day: dt.date) -> dt.date:
    """R-TIME-1: a period whose last day is a rest day ends on the next working day."""
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def latest_start_overdue(months: int, today: dt.date) -> dt.date:
    """The latest start of a period of `months` (ending per R-TIME-1 on the next working day) that is
    overdue on `today`: `next_working_day(add_months(x, months)) < today` exactly when x is on or before it.
    The due day lies before today when a working day lies between it and today, and add_months never
    moves a later start to an earlier end, so the calendar is read here and the database compares dates."""
    last_working = today - dt.timedelta(days=1)
    while not is_working_day(last_working):
        last_working -= dt.timedelta(days=1)
    start = add_months(last_working, -months)
    while add_months(start + dt.timedelta(days=1), months) <= last_working:  # a month-end clamped earlier
        start += dt.timedelta(days=1)
    return start


def review_due(since: dt.date) -> dt.date:
    """R-EMG-3: an evaluation every three years (a setting) from publication or the last evaluation."""
    return next_working_day(add_months(since, 12 * review_years()))


def is_high_risk(plan) -> bool:
    enterprise = plan.owner_enterprise
    if plan.crowded_place:
        return True
    if enterprise is None:
        return False
    sectors = {s.code for s in enterprise.sectors.all()}
    return bool(sectors & HIGH_RISK_SECTORS) or enterprise.sub_sector in HIGH_RISK_SUB_SECTORS


def drill_interval_months(plan) -> int:
    """R-EMG-4: governments every 2 years; on-site disposal plans and high-risk or crowded units every
    half year; other enterprises' comprehensive and special plans once a year."""
    if plan.owner_enterprise_id is None:
        return GOVERNMENT_DRILL_MONTHS
    if plan.type == PlanType.ONSITE or is_high_risk(plan):
        return 6
    return 12


def drill_due(plan, last_held: dt.date | None, published_on: dt.date | None) -> dt.date | None:
    """R-EMG-4 counted per R-TIME-1: a due date that falls on a rest day moves to the next working day."""
    since = last_held or published_on
    if since is None:
        return None
    return next_working_day(add_months(since, drill_interval_months(plan)))


def micro_fire_shortcomings(team, people) -> list[str]:
    """What keeps a micro fire station below R-EMG-6's norm (empty when it meets it), counted from its
    member records: a head, at least five members besides, 24-hour duty, on scene within 3 minutes."""
    from django.utils.translation import gettext as _

    from emergency.choices import MemberRole

    found = []
    members = sum(1 for p in people if p.role != MemberRole.HEAD)
    if not any(p.role == MemberRole.HEAD for p in people):
        found.append(_("no head named"))
    if members < MICRO_FIRE_MIN_MEMBERS:
        found.append(
            _("%(n)s members, at least %(min)s needed") % {"n": members, "min": MICRO_FIRE_MIN_MEMBERS}
        )
    if not team.duty_24h:
        found.append(_("no 24-hour duty"))
    if team.response_minutes > MICRO_FIRE_MAX_MINUTES or team.response_minutes == 0:
        found.append(
            _("response %(n)s minutes, at most %(max)s")
            % {"n": team.response_minutes, "max": MICRO_FIRE_MAX_MINUTES}
        )
    return found


# A certificate is flagged this many days before it expires (and again once it has).
CERTIFICATE_WARNING_DAYS = 30


def certificate_state(expires: dt.date | None, today: dt.date) -> str:
    """ "expired", "expiring" (within CERTIFICATE_WARNING_DAYS) or "" (valid, or no certificate date)."""
    if expires is None:
        return ""
    if expires < today:
        return "expired"
    return "expiring" if (expires - today).days <= CERTIFICATE_WARNING_DAYS else ""
