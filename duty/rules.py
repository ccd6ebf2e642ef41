"""The duty rules as settings (R-DUTY-2, R-DUTY-3, R-ACC-4): shift pattern, rest, staffing, report clocks."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _


def _setting(name, default):
    return getattr(settings, name, default)


# The shift lengths a room may keep: a whole number of hours that divides the day, so that every duty day
# has the same shifts at the same times (24 h, 12 h, 8 h are the patterns rooms use).
SHIFT_HOURS = (24, 12, 8, 6, 4, 3, 2, 1)


def district_shift_start() -> dt.time:
    """R-DUTY-2: shifts start at 08:30 unless the district sets another time (DUTY_SHIFT_START)."""
    hours, minutes = str(_setting("DUTY_SHIFT_START", "08:30")).split(":")
    return dt.time(int(hours), int(minutes))


def district_shift_hours() -> int:
    """R-DUTY-2: 24-hour shifts unless the district sets another length (DUTY_SHIFT_HOURS)."""
    hours = int(_setting("DUTY_SHIFT_HOURS", 24))
    if hours not in SHIFT_HOURS:
        raise ImproperlyConfigured(f"DUTY_SHIFT_HOURS must divide 24 (one of {SHIFT_HOURS}), not {hours}.")
    return hours


def rest_after_shift(length: dt.timedelta) -> dt.timedelta:
    """R-DUTY-2: at least 48 h rest after a 24-hour shift (DUTY_REST_HOURS), so at most one shift in any 72
    hours. A shorter shift earns rest in the same proportion (24 h after 12 h, 16 h after 8 h): nobody is on
    duty more than a third of the time, whatever the room's pattern."""
    return length * int(_setting("DUTY_REST_HOURS", 48)) / 24


@dataclass(frozen=True)
class ShiftPattern:
    """When a room's shifts start and how long they last (R-DUTY-2). A duty day runs from the first shift's
    start to the next day's; it holds 24 / hours shifts, back to back. `own`: the room's own pattern rather
    than the district setting."""

    start: dt.time
    hours: int
    own: bool = False

    @classmethod
    def district(cls) -> ShiftPattern:
        return cls(district_shift_start(), district_shift_hours())

    @classmethod
    def of(cls, start: dt.time | None, hours: int | None) -> ShiftPattern:
        """A room's pattern: each part it leaves empty is the district setting's."""
        return cls(
            start if start is not None else district_shift_start(),
            hours if hours else district_shift_hours(),
            own=start is not None or bool(hours),
        )

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(hours=self.hours)

    @property
    def per_day(self) -> int:
        return 24 // self.hours

    @property
    def rest(self) -> dt.timedelta:
        return rest_after_shift(self.length)

    @property
    def spacing(self) -> int:
        """How many shifts apart one person's shifts must start: the shift itself and its rest."""
        return math.ceil((self.rest + self.length) / self.length)

    def day_start(self, day: dt.date) -> dt.datetime:
        """The moment the first shift of `day` starts, in the district's time zone."""
        return timezone.make_aware(dt.datetime.combine(day, self.start))

    def shift_start(self, day: dt.date, index: int) -> dt.datetime:
        return self.day_start(day) + index * self.length

    def shift_starts(self, day: dt.date) -> list[dt.datetime]:
        return [self.shift_start(day, i) for i in range(self.per_day)]

    def shift_day(self, moment: dt.datetime) -> dt.date:
        """The duty day a moment belongs to (a day runs from its first shift's start to the next day's)."""
        local = timezone.localtime(moment)
        day = local.date()
        return day if local.time() >= self.start else day - dt.timedelta(days=1)

    def month_bounds(self, month: dt.date) -> tuple[dt.datetime, dt.datetime]:
        days = month_days(month)
        return self.day_start(days[0]), self.day_start(days[-1] + dt.timedelta(days=1))

    def describe(self) -> str:
        """The pattern in words for the room's page, e.g. 每日 08:00 起 12 小时一班（每日 2 班：08:00、20:00）."""
        text = _("Daily from %(start)s, shifts of %(hours)d hours") % {
            "start": f"{self.start:%H:%M}",
            "hours": self.hours,
        }
        if self.per_day == 1:
            return text
        first = dt.datetime.combine(dt.date(2000, 1, 1), self.start)
        starts = "、".join(f"{first + i * self.length:%H:%M}" for i in range(self.per_day))
        return _("%(pattern)s (%(n)d shifts a day: %(starts)s)") % {
            "pattern": text,
            "n": self.per_day,
            "starts": starts,
        }


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
