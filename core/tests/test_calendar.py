"""R-TIME-1: periods start the day after the event and end on a working day; 调休 days are working days."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from core.calendar import add_working_days, holidays, is_working_day, period_end, remembered
from core.models import CalendarDay

D = dt.date


@pytest.mark.django_db
def test_the_shipped_calendar_knows_national_day_and_its_make_up_days():
    assert not is_working_day(D(2026, 10, 5))  # a Monday inside the National Day holiday
    assert is_working_day(D(2026, 10, 10))  # a Saturday made a working day (调休)
    assert not is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert D(2026, 10, 1) in holidays(D(2026, 9, 1), D(2026, 10, 31))


@pytest.mark.django_db
def test_working_days_skip_the_holiday_and_count_the_make_up_saturday():
    # Sep 30 is the event's day (not counted); Oct 1–7 rest; Oct 8, 9, 10 (Saturday 调休) work.
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert add_working_days(D(2026, 9, 30), 4) == D(2026, 10, 12)
    # A Friday event across an ordinary weekend.
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 11, 30)


@pytest.mark.django_db
def test_a_period_ending_on_a_rest_day_ends_on_the_next_working_day():
    assert period_end(D(2026, 9, 26), 5) == D(2026, 10, 8)  # would end Oct 1, a holiday
    assert period_end(D(2026, 11, 23), 5) == D(2026, 11, 30)  # would end on a Saturday
    assert period_end(D(2026, 11, 23), 3) == D(2026, 11, 26)  # a working day stays


@pytest.mark.django_db
def test_many_periods_in_one_block_read_the_calendar_once_and_a_later_change_is_seen(
    django_assert_num_queries,
):
    with remembered(), django_assert_num_queries(1):
        for day in range(1, 29):
            add_working_days(D(2026, 9, day), 5)
        assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    CalendarDay.objects.create(date=D(2026, 11, 30), kind=CalendarDay.Kind.HOLIDAY, name="区定休息日")
    assert add_working_days(D(2026, 11, 27), 1) == D(2026, 12, 1)  # outside the block: read afresh


@pytest.mark.django_db
def test_a_district_loads_its_own_table(tmp_path):
    table = tmp_path / "calendar.csv"
    table.write_text("日期,类型,名称\n2030-01-01,放假,元旦\n2030-01-05,调休上班,\n", encoding="utf-8")
    call_command("load_calendar", "2030", file=str(table), stdout=io.StringIO())
    assert CalendarDay.objects.filter(date__year=2030).count() == 2
    assert not is_working_day(D(2030, 1, 1)) and is_working_day(D(2030, 1, 5))
