"""R-ACC-3 supplementary reporting: numbers and level change with history and audit, only in the window."""

import datetime as dt

import pytest
import time_machine

from accidents import services
from accidents.choices import Level, ReportKind, Step
from audit.models import AuditEvent
from core.errors import Conflict

T0 = dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def test_a_late_death_raises_the_level_with_history_and_audit(record, persona):
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        accident = record(occurred_at=T0, deaths=2)
    assert accident.level == Level.GENERAL
    with time_machine.travel(T0 + dt.timedelta(days=29), tick=False):
        accident = services.supplement_accident(
            actor=persona("duruan"),
            accident=accident,
            numbers={"deaths": 3},
            note="一名伤者抢救无效死亡",
            version=accident.version,
        )
    assert accident.deaths == 3 and accident.level == Level.LARGER
    history = list(accident.level_changes.values_list("from_level", "to_level"))
    assert history == [("", Level.GENERAL), (Level.GENERAL, Level.LARGER)]
    event = AuditEvent.objects.get(action="accidents.accident.supplemented", target_id=accident.pk)
    assert event.data["changes"]["deaths"] == [2, 3]
    assert event.data["to_level"] == Level.LARGER
    assert accident.reports.filter(kind=ReportKind.SUPPLEMENTARY).count() == 1
    # The larger level now owes the province report too.
    assert accident.deadlines.filter(step=Step.CITY_TO_PROVINCE).exists()


def test_supplementary_reporting_is_refused_after_30_days(record, persona):
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        accident = record(occurred_at=T0)
    with (
        time_machine.travel(T0 + dt.timedelta(days=30, minutes=1), tick=False),
        pytest.raises(Conflict) as exc,
    ):
        services.supplement_accident(
            actor=persona("duruan"), accident=accident, numbers={"deaths": 1}, version=accident.version
        )
    assert "30" in str(exc.value.message)
    accident.refresh_from_db()
    assert accident.deaths == 0 and accident.level_changes.count() == 1


def test_road_traffic_accidents_have_a_7_day_window(record, persona):
    with time_machine.travel(T0 + dt.timedelta(minutes=20), tick=False):
        accident = record("baisha", town="baisha", sector="road_traffic", enterprise=None, accident_type="02")
    with time_machine.travel(T0 + dt.timedelta(days=6), tick=False):
        accident = services.supplement_accident(
            actor=persona("baisha"),
            accident=accident,
            numbers={"serious_injuries": 1},
            version=accident.version,
        )
    with time_machine.travel(T0 + dt.timedelta(days=7, hours=1), tick=False), pytest.raises(Conflict):
        services.supplement_accident(
            actor=persona("baisha"), accident=accident, numbers={"deaths": 1}, version=accident.version
        )


def test_negative_numbers_are_refused_and_nothing_changes(record, persona):
    from core.errors import InvalidInput

    accident = record()
    with pytest.raises(InvalidInput) as exc:
        services.supplement_accident(
            actor=persona("duruan"), accident=accident, numbers={"deaths": -1}, version=accident.version
        )
    assert "deaths" in exc.value.errors
    accident.refresh_from_db()
    assert accident.deaths == 0


def test_recording_an_accident_at_an_enterprise_refreshes_its_risk(record, monkeypatch):
    calls = []
    import risk.services

    monkeypatch.setattr(
        risk.services, "refresh_enterprise_risk", lambda *, enterprise_id: calls.append(enterprise_id)
    )
    accident = record()
    assert calls == [accident.enterprise_id]
