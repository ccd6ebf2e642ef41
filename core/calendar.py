"""Working days and the counting of periods (R-TIME-1; Civil Code arts. 201 and 203).

A period in days starts the day after the event and, when its last day is a rest day, ends on the next
working day. Working days leave out weekends and public holidays and include the make-up working days
(调休) of the State Council's yearly calendar, kept as data in `CalendarDay`. Periods in hours run from the
exact moment and need nothing here.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from core.models import CalendarDay

DAY = dt.timedelta(days=1)

# Inside `remembered()`, the whole calendar (a few hundred rows) read once instead of once per period.
_remembered: ContextVar[dict | None] = ContextVar("calendar_remembered", default=None)


@contextmanager
def remembered():
    """Count many periods against one reading of the calendar: a list of plans, each with its filing
    deadline in working days, asks for dozens of periods in one request. Only within the block, so a
    calendar loaded meanwhile is never missed by a later request."""
    token = _remembered.set({})
    try:
        yield
    finally:
        _remembered.reset(token)


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, str]:
    memo = _remembered.get()
    if memo is None:
        return dict(CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "kind"))
    if "all" not in memo:
        memo["all"] = dict(CalendarDay.objects.order_by().values_list("date", "kind"))
    return memo["all"]


def _working(day: dt.date, overrides: dict[dt.date, str]) -> bool:
    kind = overrides.get(day)
    if kind is not None:
        return kind == CalendarDay.Kind.WORKDAY
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _working(day, _overrides(day, day))


def is_rest_day(day: dt.date) -> bool:
    return not is_working_day(day)


def add_working_days(event: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` working days after the event's day (the event's day not counted)."""
    if days < 1:
        raise ValueError("a period has at least one day")
    overrides = _overrides(event, event + dt.timedelta(days=days * 3 + 30))
    day, left = event, days
    while left:
        day += DAY
        if _working(day, overrides):
            left -= 1
    return day


def period_end(event: dt.date, days: int) -> dt.date:
    """The last day of a period of `days` calendar days after the event, moved past rest days."""
    if days < 1:
        raise ValueError("a period has at least one day")
    end = event + dt.timedelta(days=days)
    overrides = _overrides(end, end + dt.timedelta(days=40))
    while not _working(end, overrides):
        end += DAY
    return end


def rest_days(start: dt.date, end: dt.date) -> set[dt.date]:
    """Weekends and holidays between two dates (inclusive), make-up working days left out."""
    overrides = _overrides(start, end)
    days, day = set(), start
    while day <= end:
        if not _working(day, overrides):
            days.add(day)
        day += DAY
    return days


def holidays(start: dt.date, end: dt.date) -> set[dt.date]:
    """The public holidays themselves (not ordinary weekends): what rosters staff more heavily."""
    return set(
        CalendarDay.objects.filter(date__gte=start, date__lte=end, kind=CalendarDay.Kind.HOLIDAY).values_list(
            "date", flat=True
        )
    )


def load_year(year: int) -> int:
    """Load a year of the State Council calendar from the `chinesecalendar` package (rows replaced)."""
    import chinese_calendar

    rows = [
        CalendarDay(date=day, kind=CalendarDay.Kind.HOLIDAY, name=str(name or ""))
        for day, name in chinese_calendar.holidays.items()
        if day.year == year
    ] + [
        CalendarDay(date=day, kind=CalendarDay.Kind.WORKDAY, name=str(name or ""))
        for day, name in chinese_calendar.workdays.items()
        if day.year == year
    ]
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(rows)
    return len(rows)
