"""The duty rules as settings (R-DUTY-2, R-DUTY-3, R-ACC-4): shift pattern, rest, staffing, report clocks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def _setting(name, default):
    return getattr(settings, name, default)


def shift_start_time() -> dt.time:
    """R-DUTY-2: shifts start at 08:30 unless the district sets another time (DUTY_SHIFT_START)."""
    hours, minutes = str(_setting("DUTY_SHIFT_START", "08:30")).split(":")
    return dt.time(int(hours), int(minutes))


def shift_length() -> dt.timedelta:
    return dt.timedelta(hours=int(_setting("DUTY_SHIFT_HOURS", 24)))


def rest_after_shift() -> dt.timedelta:
    """R-DUTY-2: at least 48 h rest after a 24-hour shift (so at most one shift in any 72 hours)."""
    return dt.timedelta(hours=int(_setting("DUTY_REST_HOURS", 48)))


def flood_season(day: dt.date) -> bool:
    """R-DUTY-2: the flood season, 1 April – 15 October by default (DUTY_FLOOD_SEASON "MM-DD/MM-DD")."""
    first, last = str(_setting("DUTY_FLOOD_SEASON", "04-01/10-15")).split("/")
    key = day.strftime("%m-%d")
    return first <= key <= last


def officers_needed(day: dt.date, holidays: set[dt.date]) -> int:
    """One officer at every minute; two in the flood season and on public holidays (R-DUTY-2)."""
    if flood_season(day) or day in holidays:
        return int(_setting("DUTY_OFFICERS_HEIGHTENED", 2))
    return int(_setting("DUTY_OFFICERS", 1))


def day_start(day: dt.date) -> dt.datetime:
    """The moment the shift of `day` starts, in the district's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, shift_start_time()))


def shift_day(moment: dt.datetime) -> dt.date:
    """The duty day a moment belongs to (a day runs from one shift start to the next)."""
    local = timezone.localtime(moment)
    day = local.date()
    return day if local.time() >= shift_start_time() else day - dt.timedelta(days=1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return day_start(first), day_start(following)


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return [first + dt.timedelta(days=i) for i in range((following - first).days)]


# --- information report clocks (R-DUTY-3, R-ACC-4) ---------------------------------------------------


def phone_minutes() -> int:
    return int(_setting("INFO_REPORT_PHONE_MINUTES", 30))


def urgent_written_minutes() -> int:
    return int(_setting("INFO_REPORT_URGENT_WRITTEN_MINUTES", 60))


def written_minutes() -> int:
    return int(_setting("INFO_REPORT_WRITTEN_MINUTES", 120))


def follow_up_interval(major: bool) -> dt.timedelta:
    """R-ACC-4: at least daily; at least twice a day for major and especially major events."""
    return dt.timedelta(hours=12 if major else int(_setting("INFO_REPORT_FOLLOW_UP_HOURS", 24)))
