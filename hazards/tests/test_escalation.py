"""The escalation ladder of R-HAZ-6 with a frozen clock; running it twice sends nothing twice."""

import datetime as dt
import zoneinfo

import time_machine

from core.jobs import registry, run_job
from hazards.tasks import escalate_hazards
from hazards.tests.helpers import rectifying
from notifications.models import Notification

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def at(days: int) -> dt.datetime:
    return START + dt.timedelta(days=days)


def sent(hazard, kind_prefix=""):
    qs = Notification.objects.filter(target_type="hazards.hazard", target_id=hazard.pk)
    if kind_prefix:
        qs = qs.filter(kind__startswith=kind_prefix)
    return sorted(qs.values_list("recipient__username", "dedup_key"))


def run_twice(now):
    with time_machine.travel(now, tick=False):
        escalate_hazards(now=now)
        second = escalate_hazards(now=now)
    return second


def test_the_general_ladder_reminds_then_escalates_step_by_step(persona, enterprise_in):
    enterprise = persona("ent_duruan").enterprise
    with time_machine.travel(START, tick=False):
        hazard = rectifying(persona("duruan"), enterprise, deadline=(START + dt.timedelta(days=10)).date())
    Notification.objects.filter(target_id=hazard.pk).delete()

    assert run_twice(at(5)) == {}  # 5 days left: nothing yet
    assert sent(hazard) == []

    run_twice(at(7))  # 3 days left
    assert ("ent_duruan", f"hazard:{hazard.pk}:{hazard.deadline}:remind-3") in sent(hazard)
    # The enterprise and the officer who set the deadline; nobody else yet.
    assert {u for u, _ in sent(hazard)} == {
        "ent_duruan",
        "ent_duruan_head",
        "duruan",
    }  # both enterprise users

    run_twice(at(9))  # 1 day left
    assert ("ent_duruan", f"hazard:{hazard.pk}:{hazard.deadline}:remind-1") in sent(hazard)

    run_twice(at(10))  # due today: not overdue yet
    assert sent(hazard, "hazard.overdue") == []

    run_twice(at(11))  # overdue day 1: the town
    users = {u for u, _ in sent(hazard, "hazard.overdue")}
    assert "duruan" in users and "yjj" not in users and "admin" not in users

    run_twice(at(17))  # overdue 7 days: the supervising department
    users = {u for u, _ in sent(hazard, "hazard.overdue")}
    assert "yjj" in users and "admin" not in users and "jtj" not in users

    run_twice(at(25))  # overdue 15 days: district administrators and leaders
    users = {u for u, _ in sent(hazard, "hazard.overdue")}
    assert {"admin", "leader"} <= users

    pairs = sent(hazard)
    assert len(pairs) == len(set(pairs))
    before = Notification.objects.count()
    assert run_twice(at(25)) == {}
    assert Notification.objects.count() == before


def test_a_major_hazard_goes_to_department_and_district_on_day_one(persona, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    with time_machine.travel(START, tick=False):
        hazard = rectifying(
            persona("duruan"), enterprise, major=True, deadline=(START + dt.timedelta(days=4)).date()
        )
    Notification.objects.filter(target_id=hazard.pk).delete()
    run_twice(at(5))
    users = {u for u, _ in sent(hazard, "hazard.overdue")}
    assert {"duruan", "yjj", "admin"} <= users
    assert "leader" not in users


def test_an_extension_starts_the_ladder_afresh(persona):
    from hazards import services

    enterprise = persona("ent_duruan").enterprise
    with time_machine.travel(START, tick=False):
        hazard = rectifying(persona("duruan"), enterprise, deadline=(START + dt.timedelta(days=3)).date())
    run_twice(at(1))
    first = len(sent(hazard, "hazard.remind"))
    assert first >= 1
    with time_machine.travel(at(1), tick=False):
        services.request_extension(
            actor=persona("ent_duruan"),
            hazard=hazard,
            version=hazard.version,
            new_deadline=(START + dt.timedelta(days=12)).date(),
            reason="设备订货周期长",
        )
        hazard.refresh_from_db()
        services.decide_extension(
            actor=persona("duruan"), hazard=hazard, version=hazard.version, approve=True
        )
        hazard.refresh_from_db()
    assert hazard.deadline == (START + dt.timedelta(days=12)).date()
    assert hazard.original_deadline == (START + dt.timedelta(days=3)).date()
    run_twice(at(4))  # the old deadline passed, but the new one is 8 days away: nothing
    assert sent(hazard, "hazard.overdue") == []
    run_twice(at(9))
    assert len(sent(hazard, "hazard.remind")) > first


def test_the_job_is_registered_and_runs_through_the_job_runner(persona):
    assert "hazards.escalate" in {job.name for job in registry.all()}
    result = run_job("hazards.escalate", now=at(0))
    assert isinstance(result, dict)
    assert run_job("hazards.escalate", now=at(0)) == {}
