"""Duty tests stay true whatever day the suite runs on.

The demo publishes the previous and the current month (`duty.demo.build_duty`): a test that makes a roster
of its own takes a month the demo never builds (`month_ahead`), and a test that needs someone on duty
freezes the clock inside the demo's current month (`on_duty_clock`), away from its first shift start and
its last day.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from duty import rules

# The district's pattern (24-hour shifts from 08:30): the demo rooms set none of their own.
DISTRICT = rules.ShiftPattern.district()


def month_ahead(months: int) -> dt.date:
    """The first day of the month `months` after the current one (the demo builds none after it)."""
    assert months >= 2, "the demo builds the current month; a session may run across a month's end"
    first = timezone.localdate().replace(day=1)
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def flood_month_ahead() -> dt.date:
    """The first month at least two ahead lying wholly in the flood season (two officers every day)."""
    months = 2
    while not all(rules.flood_season(day) for day in rules.month_days(month_ahead(months))):
        months += 1
    return month_ahead(months)


def demo_roster(room):
    """The demo's published roster of the current month for a room."""
    from duty.models import Roster

    return Roster.objects.get(room=room, month=timezone.localdate().replace(day=1), state="published")


def demo_moment(day: int = 10, hour: int = 12) -> dt.datetime:
    """A moment of the demo's current month, in the district's time zone."""
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime(today.year, today.month, day, hour, 0))


@pytest.fixture
def on_duty_clock(district):
    """The clock frozen at noon on the 10th of the demo's month: the published rosters have a leader and
    officers on duty then, whatever the hour the suite runs at (on the 1st before 08:30 the current
    month has nobody yet)."""
    with time_machine.travel(demo_moment(), tick=False):
        yield demo_moment()
