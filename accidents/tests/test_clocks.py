"""R-ACC-2 clocks with a frozen clock, R-ACC-7 late flags, R-ACC-4 follow-up cadence."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from accidents import selectors, services
from accidents.choices import Level, Step
from accidents.models import ReportDeadline
from audit.models import AuditEvent
from notifications.models import Notification

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def due(accident) -> dict:
    return {d.step: d for d in accident.deadlines.all()}


def test_a_general_accident_owes_the_unit_and_the_city_report(record):
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        accident = record(occurred_at=T0)
    steps = due(accident)
    assert set(steps) == {Step.UNIT_TO_DISTRICT, Step.DISTRICT_TO_CITY}
    assert steps[Step.UNIT_TO_DISTRICT].due_at == T0 + dt.timedelta(hours=1)
    # The district received it at +30 min: the city is due 2 h after that.
    assert steps[Step.UNIT_TO_DISTRICT].done_at == T0 + dt.timedelta(minutes=30)
    assert steps[Step.DISTRICT_TO_CITY].due_at == T0 + dt.timedelta(hours=2, minutes=30)


def test_a_larger_accident_goes_to_the_province_and_a_major_one_to_the_state_council(record):
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        larger = record(occurred_at=T0, deaths=3)
        major = record(occurred_at=T0, deaths=10)
    assert larger.level == Level.LARGER and major.level == Level.MAJOR
    assert set(due(larger)) == {Step.UNIT_TO_DISTRICT, Step.DISTRICT_TO_CITY, Step.CITY_TO_PROVINCE}
    steps = due(major)
    assert steps[Step.CITY_TO_PROVINCE].due_at == T0 + dt.timedelta(hours=5)
    assert steps[Step.PROVINCE_TO_MINISTRY].due_at == T0 + dt.timedelta(hours=7)


def test_the_countdown_runs_and_turns_overdue(record):
    with time_machine.travel(T0 + dt.timedelta(minutes=50), tick=False):
        accident = record(occurred_at=T0)
    city_due = T0 + dt.timedelta(hours=2, minutes=50)
    with time_machine.travel(city_due - dt.timedelta(minutes=10), tick=False):
        rows = {r["step"]: r for r in selectors.clock_rows(accident)}
        assert rows[Step.DISTRICT_TO_CITY]["remaining_minutes"] == 10
        assert rows[Step.DISTRICT_TO_CITY]["overdue"] is False
    with time_machine.travel(city_due + dt.timedelta(minutes=1), tick=False):
        rows = {r["step"]: r for r in selectors.clock_rows(accident)}
        assert rows[Step.DISTRICT_TO_CITY]["overdue"] is True


def test_a_report_recorded_after_the_hour_is_flagged_late(record):
    with time_machine.travel(T0 + dt.timedelta(hours=1, minutes=1), tick=False):
        accident = record(occurred_at=T0)
    unit = accident.deadlines.get(step=Step.UNIT_TO_DISTRICT)
    assert unit.late_flagged_at is not None and unit.is_overdue()


def test_the_job_flags_an_overdue_report_once_and_tells_who_must_act(record):
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        accident = record(occurred_at=T0)
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        assert services.flag_late_reports() == 1
        assert services.flag_late_reports() == 0
    city = accident.deadlines.get(step=Step.DISTRICT_TO_CITY)
    assert city.late_flagged_at is not None
    assert AuditEvent.objects.filter(action="accidents.deadline.late", target_id=accident.pk).count() == 1
    assert Notification.objects.filter(kind="accident.report_late", target_id=accident.pk).exists()


def test_marking_the_city_report_done_stops_its_clock(record, persona):
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        accident = record(occurred_at=T0)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        deadline = services.mark_step_done(
            actor=persona("duty"), accident=accident, step=Step.DISTRICT_TO_CITY
        )
        assert deadline.done_at == T0 + dt.timedelta(hours=1)
        assert not deadline.is_overdue()
    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        assert not ReportDeadline.objects.get(pk=deadline.pk).is_overdue()


def test_a_town_officer_may_not_pass_the_report_up_to_the_city(record, persona):
    from core.errors import NotAllowed

    accident = record()
    with pytest.raises(NotAllowed):
        services.mark_step_done(actor=persona("duruan"), accident=accident, step=Step.DISTRICT_TO_CITY)


def test_follow_up_reports_are_due_daily_for_general_and_twice_daily_for_major(record, persona):
    with time_machine.travel(T0, tick=False):
        general = record(occurred_at=T0 - dt.timedelta(minutes=5))
        major = record(occurred_at=T0 - dt.timedelta(minutes=5), deaths=12)
    assert selectors.next_follow_up_due(general) == T0 + dt.timedelta(hours=24)
    assert selectors.next_follow_up_due(major) == T0 + dt.timedelta(hours=12)
    with time_machine.travel(T0 + dt.timedelta(hours=6), tick=False):
        services.submit_report(actor=persona("duruan"), accident=general, kind="final", text="善后完毕")
    assert selectors.next_follow_up_due(general) is None


def test_the_clock_job_is_registered():
    from core.jobs import registry

    assert registry.get("accidents.flag_late_reports").every == dt.timedelta(minutes=5)
    assert timezone.now()


def test_an_overdue_follow_up_is_reminded_once_per_due_report(record):
    from accidents.services import remind_follow_ups

    with time_machine.travel(T0, tick=False):
        accident = record(occurred_at=T0 - dt.timedelta(minutes=5))
    with time_machine.travel(T0 + dt.timedelta(hours=23), tick=False):
        remind_follow_ups()
        assert not Notification.objects.filter(kind="accident.follow_up_due", target_id=accident.pk).exists()
    with time_machine.travel(T0 + dt.timedelta(hours=25), tick=False):
        remind_follow_ups()
        first = Notification.objects.filter(kind="accident.follow_up_due", target_id=accident.pk).count()
        remind_follow_ups()
    assert first >= 1
    assert Notification.objects.filter(kind="accident.follow_up_due", target_id=accident.pk).count() == first


def test_the_list_filters_the_accidents_whose_report_is_due_or_overdue(record, api_as):
    """The cockpit's accident clocks click down to these lists: a report still due, then overdue, then made."""
    with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
        accident = record(occurred_at=T0)
    client = api_as("admin")

    def listed(which) -> bool:
        ids = [
            row["id"]
            for row in client.get("/api/v1/accidents/", {"reports": which, "page_size": 500}).json()[
                "results"
            ]
        ]
        return accident.pk in ids

    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        assert (listed("due"), listed("overdue")) == (True, False)
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        assert (listed("due"), listed("overdue")) == (True, True)
        ReportDeadline.objects.filter(accident=accident).update(done_at=timezone.now())
        assert (listed("due"), listed("overdue")) == (False, False)
    assert client.get("/api/v1/accidents/", {"reports": "late"}).status_code == 400
