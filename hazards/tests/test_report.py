"""Registering hazards (R-HAZ-2, R-HAZ-5): the contract other modules call."""

import pytest

from core.errors import InvalidInput, NotAllowed
from hazards.choices import Level, Source, State
from hazards.models import MajorHazardCriterion
from hazards.services import report_hazard
from notifications.models import Notification


def test_an_inspector_registers_a_hazard_in_state_reported(persona, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    hazard = report_hazard(
        actor=persona("inspector_duruan"),
        enterprise=enterprise,
        title="配电箱未接地",
        category="object",
        source=Source.GOVERNMENT_INSPECTION,
        origin_type="inspections.itemresult",
        origin_id=42,
    )
    assert hazard.state == State.REPORTED
    assert hazard.version == 1
    assert hazard.town_id == enterprise.town_id
    assert hazard.sector_id in enterprise.sector_codes()
    assert (hazard.origin_type, hazard.origin_id) == ("inspections.itemresult", 42)
    assert Notification.objects.filter(recipient__username="duruan", target_id=hazard.pk).exists()


def test_choosing_a_criterion_makes_the_hazard_major_and_reports_it_upward(persona, enterprise_in):
    """R-HAZ-1, R-HAZ-9, R-HAZ-10."""
    enterprise = enterprise_in("duruan", "industry_trade")
    criterion = MajorHazardCriterion.objects.get(item="IT-2")
    hazard = report_hazard(
        actor=persona("duruan"),
        enterprise=enterprise,
        sector="industry_trade",
        title="电焊工无证上岗",
        category="human",
        source=Source.GOVERNMENT_INSPECTION,
        criterion=criterion,
    )
    assert hazard.level == Level.MAJOR
    assert hazard.escalated_at is not None
    assert Notification.objects.filter(recipient__username="yjj", kind="hazard.major_reported").exists()
    assert Notification.objects.filter(recipient__username="admin", kind="hazard.major_reported").exists()


def test_an_enterprise_registers_only_self_inspection_findings(persona):
    ent = persona("ent_duruan")
    with pytest.raises(InvalidInput) as caught:
        report_hazard(
            actor=ent, enterprise=ent.enterprise, title="x", category="object", source=Source.PUBLIC_REPORT
        )
    assert "source" in caught.value.errors
    hazard = report_hazard(
        actor=ent,
        enterprise=ent.enterprise,
        title="消防通道堵塞",
        category="management",
        source=Source.SELF_INSPECTION,
    )
    assert hazard.state == State.REPORTED


def test_an_enterprise_cannot_register_another_enterprise(persona, enterprise_in):
    other = enterprise_in("baisha")
    with pytest.raises(InvalidInput):
        report_hazard(
            actor=persona("ent_duruan"),
            enterprise=other,
            title="x",
            category="object",
            source="self_inspection",
        )


@pytest.mark.parametrize("username", ["leader", "duty", "sysadmin"])
def test_read_only_roles_cannot_register(persona, enterprise_in, username):
    with pytest.raises(NotAllowed):
        report_hazard(
            actor=persona(username),
            enterprise=enterprise_in("duruan"),
            title="x",
            category="object",
            source=Source.GOVERNMENT_INSPECTION,
        )


def test_a_baisha_officer_cannot_register_a_duruan_hazard(persona, enterprise_in):
    with pytest.raises(InvalidInput) as caught:
        report_hazard(
            actor=persona("baisha"),
            enterprise=enterprise_in("duruan"),
            title="x",
            category="object",
            source=Source.GOVERNMENT_INSPECTION,
        )
    assert "enterprise" in caught.value.errors
