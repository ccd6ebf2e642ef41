"""Dynamic risk (R-RISK-6): open major hazards raise a point, accidents raise the enterprise, both fall back."""

import datetime as dt

import pytest
from django.utils import timezone

from accidents.models import Accident
from core.jobs import registry as jobs
from hazards.models import Hazard
from hazards.services.loop import cancel_hazard, report_hazard
from risk import services
from risk.dynamic import effective_point_level, enterprise_level
from risk.models import RiskPoint

LEC_YELLOW = {"l": "3", "e": "6", "c": "7"}
LEC_BLUE = {"l": "1", "e": "6", "c": "7"}
LEC_RED = {"l": "6", "e": "6", "c": "15"}


@pytest.fixture
def fresh(enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    RiskPoint.objects.filter(enterprise=enterprise).update(is_active=False)
    Hazard.objects.filter(enterprise=enterprise).update(state="closed")
    Accident.objects.filter(enterprise=enterprise).update(enterprise=None)
    services.refresh_enterprise_risk(enterprise_id=enterprise.pk)
    enterprise.refresh_from_db()
    return enterprise


def _hazard(persona, point, *, level="major", title="除尘器泄爆片缺失"):
    return report_hazard(
        actor=persona("admin"),
        enterprise=point.enterprise,
        title=title,
        category="object",
        source="government_inspection",
        level=level,
        sector=point.enterprise.sectors.first(),
        risk_point=point,
    )


def test_one_colour_up_rules():
    assert effective_point_level(colour="yellow", hazard_title=None).colour == "yellow"
    raised = effective_point_level(colour="yellow", hazard_title="泄爆片缺失")
    assert raised.colour == "orange"
    assert "泄爆片缺失" in raised.reason
    assert effective_point_level(colour="red", hazard_title="X").colour == "red"


def test_an_open_major_hazard_raises_its_point_one_colour_until_it_is_closed(fresh, make_point, persona):
    point = make_point(fresh, name="粉尘除尘系统", **LEC_YELLOW)
    make_point(fresh, name="配电房", **LEC_BLUE)
    hazard = _hazard(persona, point)
    point.refresh_from_db()
    fresh.refresh_from_db()
    assert (point.colour, point.effective_colour) == ("yellow", "orange")
    assert "除尘器泄爆片缺失" in point.effective_reason
    assert fresh.risk_level == "orange"
    assert fresh.risk_level_reason.startswith("粉尘除尘系统")  # the reason shows where the raised level does
    cancel_hazard(actor=persona("admin"), hazard=hazard, version=hazard.version, reason="重复登记")
    point.refresh_from_db()
    fresh.refresh_from_db()
    assert (point.effective_colour, point.effective_reason) == ("yellow", "")
    assert (fresh.risk_level, fresh.risk_level_reason) == ("yellow", "")


def test_a_general_hazard_raises_nothing(fresh, make_point, persona):
    point = make_point(fresh, **LEC_YELLOW)
    _hazard(persona, point, level="general")
    point.refresh_from_db()
    assert point.effective_colour == "yellow"


def test_a_red_point_with_a_major_hazard_stays_red_with_its_reason(fresh, make_point, persona):
    point = make_point(fresh, **LEC_RED)
    _hazard(persona, point)
    point.refresh_from_db()
    assert point.effective_colour == "red"
    assert point.effective_reason


def test_a_raised_point_does_not_explain_a_level_that_an_unraised_point_gives_anyway():
    level, reason = enterprise_level([("甲", "orange", "Raised"), ("乙", "orange", "")], None)
    assert (level, reason) == ("orange", "")


def _accident(enterprise, occurred_at):
    return Accident.objects.create(
        title="机械伤害",
        occurred_at=occurred_at,
        town=enterprise.town,
        enterprise=enterprise,
        sector=enterprise.sectors.first(),
        accident_type="03",
    )


def test_an_accident_raises_the_enterprise_to_orange_for_twelve_months(fresh, make_point):
    make_point(fresh, **LEC_BLUE)
    now = timezone.now()
    _accident(fresh, now - dt.timedelta(days=10))
    services.refresh_enterprise_risk(enterprise_id=fresh.pk, now=now)
    fresh.refresh_from_db()
    assert fresh.risk_level == "orange"
    assert "橙" in fresh.risk_level_reason or "Orange" in fresh.risk_level_reason
    # Eleven months and a half later it is still raised; after twelve months the job lowers it again.
    jobs.get("risk.rederive_levels").func(now=now + dt.timedelta(days=350))
    fresh.refresh_from_db()
    assert fresh.risk_level == "orange"
    jobs.get("risk.rederive_levels").func(now=now + dt.timedelta(days=370))
    fresh.refresh_from_db()
    assert (fresh.risk_level, fresh.risk_level_reason) == ("blue", "")


def test_an_accident_raises_even_an_enterprise_without_assessed_points(fresh):
    now = timezone.now()
    _accident(fresh, now - dt.timedelta(days=1))
    services.refresh_enterprise_risk(enterprise_id=fresh.pk, now=now)
    fresh.refresh_from_db()
    assert fresh.risk_level == "orange"


def test_an_accident_does_not_lower_a_red_enterprise(fresh, make_point):
    make_point(fresh, **LEC_RED)
    now = timezone.now()
    _accident(fresh, now - dt.timedelta(days=1))
    services.refresh_enterprise_risk(enterprise_id=fresh.pk, now=now)
    fresh.refresh_from_db()
    assert (fresh.risk_level, fresh.risk_level_reason) == ("red", "")


def test_the_job_is_idempotent(fresh, make_point):
    make_point(fresh, **LEC_YELLOW)
    job = jobs.get("risk.rederive_levels")
    now = timezone.now()
    job.func(now=now)
    first = fresh.__class__.objects.values_list("pk", "risk_level", "risk_level_reason").order_by("pk")
    snapshot = list(first)
    job.func(now=now)
    assert list(first.all()) == snapshot


def test_review_reminders_go_to_the_enterprise_once_per_due_date(persona, make_point):
    from notifications.models import Notification

    user = persona("ent_duruan")
    point = make_point(user.enterprise, name="待复评点", actor="ent_duruan")
    job = jobs.get("risk.review_reminders")
    later = timezone.now() + dt.timedelta(days=370)
    job.func(now=later)
    job.func(now=later)
    notes = Notification.objects.filter(recipient=user, kind="risk.review_due", target_id=point.pk)
    assert notes.count() == 1
    assert "待复评点" in notes.get().title


def test_an_accident_marks_the_points_assessed_before_it_for_reassessment(fresh, make_point, persona):
    from risk.selectors import enterprise_section

    point = make_point(fresh, **LEC_BLUE)
    assert not next(
        p for p in enterprise_section(persona("admin"), fresh)["points"] if p.pk == point.pk
    ).review_due
    _accident(fresh, timezone.now())
    shown = next(p for p in enterprise_section(persona("admin"), fresh)["points"] if p.pk == point.pk)
    assert shown.review_due  # R-RISK-7
