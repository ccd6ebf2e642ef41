"""Risk writes: roles, versions, validation, history, control-level warnings, enterprise level (R-RISK-*)."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from core.errors import Conflict, InvalidInput, NotAllowed
from registry.models import Enterprise
from risk import services
from risk.dynamic import months_after
from risk.models import RiskAssessment, RiskPoint

LEC_RED = {"l": "6", "e": "6", "c": "15"}  # 540
LEC_ORANGE = {"l": "3", "e": "6", "c": "15"}  # 270
LEC_YELLOW = {"l": "3", "e": "6", "c": "7"}  # 126
LEC_BLUE = {"l": "1", "e": "6", "c": "7"}  # 42


@pytest.fixture
def fresh(enterprise_in):
    """A Duruan industry-and-trade enterprise with its demo points retired, so the test owns its level."""
    enterprise = enterprise_in("duruan", "industry_trade")
    RiskPoint.objects.filter(enterprise=enterprise).update(is_active=False)
    services.refresh_enterprise_risk(enterprise_id=enterprise.pk)
    enterprise.refresh_from_db()
    return enterprise


def test_creating_an_assessed_point_records_score_grade_colour_history_and_audit(fresh, make_point, persona):
    point = make_point(fresh, **LEC_ORANGE)
    assert (point.score, point.grade, point.colour, point.effective_colour) == (270, 2, "orange", "orange")
    assert point.assessed_by == persona("admin")
    assert point.next_review_on == months_after(timezone.localdate(), 12)  # R-RISK-7
    assert RiskAssessment.objects.filter(point=point).count() == 1
    actions = set(AuditEvent.objects.filter(target_id=point.pk).values_list("action", flat=True))
    assert {"risk.riskpoint.created", "risk.riskpoint.assessed"} <= actions


def test_reassessment_keeps_the_history_and_bumps_the_version(fresh, make_point, persona):
    point = make_point(fresh, **LEC_ORANGE)
    services.assess_risk_point(
        actor=persona("duruan"), point=point, method="ls", factors={"l": 2, "s": 3}, version=point.version
    )
    point.refresh_from_db()
    assert (point.method, point.score, point.grade, point.colour) == ("ls", 6, None, "blue")
    history = list(RiskAssessment.objects.filter(point=point).values_list("colour", flat=True))
    assert history == ["blue", "orange"]  # newest first


def test_a_stale_version_is_a_conflict_and_writes_nothing(fresh, make_point, persona):
    point = make_point(fresh)
    with pytest.raises(Conflict):
        services.assess_risk_point(
            actor=persona("admin"), point=point, method="lec", factors=LEC_RED, version=point.version - 1
        )
    assert RiskAssessment.objects.filter(point=point).count() == 1


def test_out_of_table_factors_are_refused_with_field_errors(fresh, make_point, persona):
    point = make_point(fresh)
    with pytest.raises(InvalidInput) as info:
        services.assess_risk_point(
            actor=persona("admin"),
            point=point,
            method="lec",
            factors={"l": 5, "e": 6, "c": 15},
            version=point.version,
        )
    assert set(info.value.errors) == {"l"}
    point.refresh_from_db()
    assert point.colour == "yellow"


def test_the_next_review_may_not_be_later_than_a_year(fresh, make_point, persona):
    point = make_point(fresh)
    too_late = timezone.localdate() + dt.timedelta(days=400)
    with pytest.raises(InvalidInput) as info:
        services.assess_risk_point(
            actor=persona("admin"),
            point=point,
            method="lec",
            factors=LEC_BLUE,
            version=point.version,
            next_review_on=too_late,
        )
    assert "next_review_on" in info.value.errors


@pytest.mark.parametrize("username", ["leader", "duty", "inspector_duruan", "baisha", "jtj"])
def test_readers_and_other_jurisdictions_may_not_write(fresh, make_point, persona, username):
    with pytest.raises(NotAllowed):
        make_point(fresh, actor=username)


@pytest.mark.parametrize("username", ["admin", "duruan", "yjj", "ent_duruan"])
def test_writers_in_scope_may_write(persona, enterprise_in, make_point, username):
    user = persona(username)
    enterprise = (
        Enterprise.objects.get(pk=user.enterprise_id)
        if user.enterprise_id
        else enterprise_in("duruan", "industry_trade")
    )
    assert make_point(enterprise, actor=username).pk


def test_an_enterprise_user_may_not_write_for_another_enterprise(persona, enterprise_in, make_point):
    user = persona("ent_duruan")
    other = Enterprise.objects.filter(town=user.enterprise.town).exclude(pk=user.enterprise_id).first()
    with pytest.raises(NotAllowed):
        make_point(other, actor="ent_duruan")


def test_point_data_is_validated(fresh, persona):
    with pytest.raises(InvalidInput) as info:
        services.create_risk_point(
            actor=persona("admin"),
            enterprise=fresh,
            data={
                "name": "",
                "factor_categories": ["nonsense"],
                "accident_types": [],
                "responsible_phone": "123",
            },
            assessment={"method": "lec", "l": 6, "e": 6, "c": 16},
        )
    assert set(info.value.errors) == {"name", "factor_categories", "accident_types", "responsible_phone", "c"}
    assert not RiskPoint.objects.filter(enterprise=fresh, is_active=True).exists()


# R-RISK-5: the enterprise level is the highest colour of its current points.
def test_enterprise_level_is_the_highest_colour_and_follows_every_change(fresh, make_point, persona):
    assert fresh.risk_level == ""  # no assessed points, no level
    blue = make_point(fresh, name="甲", **LEC_BLUE)
    fresh.refresh_from_db()
    assert fresh.risk_level == "blue"
    yellow = make_point(fresh, name="乙", **LEC_YELLOW)
    fresh.refresh_from_db()
    assert fresh.risk_level == "yellow"
    services.assess_risk_point(
        actor=persona("admin"), point=yellow, method="lec", factors=LEC_RED, version=yellow.version
    )
    fresh.refresh_from_db()
    assert (fresh.risk_level, fresh.risk_level_reason) == ("red", "")
    yellow.refresh_from_db()
    services.retire_risk_point(
        yellow, actor=persona("admin"), version=yellow.version, data={"reason": "设备已拆除"}
    )
    fresh.refresh_from_db()
    assert fresh.risk_level == "blue"
    blue.refresh_from_db()
    services.retire_risk_point(
        blue, actor=persona("admin"), version=blue.version, data={"reason": "工艺停用"}
    )
    fresh.refresh_from_db()
    assert fresh.risk_level == ""


def test_an_unassessed_point_gives_no_level(fresh, persona):
    services.create_risk_point(
        actor=persona("admin"),
        enterprise=fresh,
        data={"name": "未评估点", "factor_categories": ["human"], "accident_types": ["20"]},
    )
    fresh.refresh_from_db()
    assert fresh.risk_level == ""


def test_refresh_is_idempotent(fresh, make_point):
    make_point(fresh, **LEC_RED)
    before = AuditEvent.objects.count()
    assert services.refresh_enterprise_risk(enterprise_id=fresh.pk) == "red"
    assert services.refresh_enterprise_risk(enterprise_id=fresh.pk) == "red"
    assert AuditEvent.objects.count() == before


def test_the_registry_risk_level_filter_works_with_derived_levels(fresh, make_point, api_as):
    make_point(fresh, **LEC_RED)
    response = api_as("duruan").get("/api/v1/enterprises/", {"risk_level": "red", "page_size": 200})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert fresh.pk in ids
    assert all(row["risk_level"] == "red" for row in response.json()["results"])
    response = api_as("duruan").get("/api/v1/enterprises/", {"risk_level": "blue", "page_size": 200})
    assert fresh.pk not in {row["id"] for row in response.json()["results"]}


# R-RISK-4: a measure owned below what the colour requires is flagged.
def test_measures_below_the_required_level_are_flagged(fresh, make_point, persona):
    from risk.selectors import enterprise_section

    point = make_point(fresh, **LEC_ORANGE)
    for data in (
        {"kind": "engineering", "description": "安装联锁", "level": "workshop"},
        {"kind": "management", "description": "部门巡查", "level": "department"},
    ):
        point.refresh_from_db()
        services.add_control_measure(point, actor=persona("admin"), version=point.version, data=data)
    section = enterprise_section(persona("admin"), fresh)
    shown = next(p for p in section["points"] if p.pk == point.pk)
    assert shown.has_low_measure
    assert [(m.level, m.too_low) for m in shown.active_measures] == [
        ("workshop", True),
        ("department", False),
    ]


def test_measure_input_is_validated_and_removal_happens_once(fresh, make_point, persona):
    point = make_point(fresh)
    admin = persona("admin")
    with pytest.raises(InvalidInput) as info:
        services.add_control_measure(
            point, actor=admin, version=point.version, data={"kind": "x", "level": "boss"}
        )
    assert set(info.value.errors) == {"kind", "level", "description"}
    measure = services.add_control_measure(
        point,
        actor=admin,
        version=point.version,
        data={"kind": "ppe", "description": "佩戴安全帽", "level": "team"},
    )
    point.refresh_from_db()
    with pytest.raises(Conflict):  # read before the measure was added
        services.remove_control_measure(
            point, actor=admin, version=point.version - 1, data={"measure_pk": measure.pk}
        )
    services.remove_control_measure(
        point, actor=admin, version=point.version, data={"measure_pk": measure.pk}
    )
    point.refresh_from_db()
    with pytest.raises(Conflict):
        services.remove_control_measure(
            point, actor=admin, version=point.version, data={"measure_pk": measure.pk}
        )
    measure.refresh_from_db()
    assert not measure.is_active
