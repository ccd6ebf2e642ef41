"""Responsibility lists: holders with history, the year's letter once, key staff and the gaps counted."""

from __future__ import annotations

import datetime as dt

import pytest

from accountability import selectors
from accountability.models import EnterpriseStaff, PositionHolder, ResponsibilityPosition
from accountability.services import responsibility
from core.errors import Conflict, InvalidInput, NotAllowed

pytestmark = pytest.mark.django_db


@pytest.fixture
def position(district, persona):
    return ResponsibilityPosition.objects.filter(
        town_id=persona("duruan").town_id, first_responsible=True
    ).first()


def test_a_new_holder_ends_the_current_term_and_keeps_the_history(position, persona):
    current = position.holder
    responsibility.assign_holder(
        actor=persona("duruan"), position=position, data={"name": "黄新", "start_on": "2026-07-01"}
    )
    current.refresh_from_db()
    assert current.end_on == dt.date(2026, 6, 30)
    assert (
        position.holders.count() == 2
        and PositionHolder.objects.get(position=position, end_on=None).name == "黄新"
    )
    with pytest.raises(InvalidInput):
        responsibility.assign_holder(
            actor=persona("admin"), position=position, data={"name": "X", "start_on": "2026-07-01"}
        )


def test_another_town_may_not_keep_the_list(position, persona):
    with pytest.raises(NotAllowed):
        responsibility.assign_holder(
            actor=persona("baisha"), position=position, data={"name": "X", "start_on": "2026-08-01"}
        )
    with pytest.raises(NotAllowed):
        responsibility.record_letter(actor=persona("leader"), position=position, data={})


def test_the_letter_of_a_year_is_recorded_once(position, persona):
    data = {"year": 2031, "signed_on": "2031-02-01", "signed_by": "陈志强"}
    responsibility.record_letter(actor=persona("duruan"), position=position, data=data)
    with pytest.raises(Conflict):
        responsibility.record_letter(actor=persona("duruan"), position=position, data=data)


def test_missing_people_and_expired_certificates_are_flagged_and_counted(district, persona, enterprise_in):
    enterprise = enterprise_in("duruan", "industry_trade")
    EnterpriseStaff.objects.filter(enterprise=enterprise).delete()
    gaps = {g["enterprise"].pk: g["problems"] for g in selectors.enterprise_gaps(persona("duruan"))}
    assert gaps[enterprise.pk] == ["principal", "safety_manager"]
    responsibility.record_staff(
        actor=persona("ent_duruan")
        if persona("ent_duruan").enterprise_id == enterprise.pk
        else persona("duruan"),
        data={
            "enterprise": enterprise.pk,
            "role": "principal",
            "name": "李总",
            "certificate_expiry": "2020-01-01",
        },
    )
    responsibility.record_staff(
        actor=persona("duruan"), data={"enterprise": enterprise.pk, "role": "safety_manager", "name": "王工"}
    )
    gaps = {g["enterprise"].pk: g["problems"] for g in selectors.enterprise_gaps(persona("duruan"))}
    assert gaps[enterprise.pk] == ["expired"]
    responsibility.record_staff(
        actor=persona("duruan"),
        data={
            "enterprise": enterprise.pk,
            "role": "principal",
            "name": "李总",
            "certificate_expiry": "2030-01-01",
        },
    )
    gaps = {g["enterprise"].pk: g["problems"] for g in selectors.enterprise_gaps(persona("duruan"))}
    assert enterprise.pk not in gaps
    assert (
        EnterpriseStaff.objects.filter(enterprise=enterprise, role="principal").count() == 2
    )  # history kept


def test_the_district_edits_duty_templates(district, persona):
    template = responsibility.save_duty_template(
        actor=persona("admin"),
        data={"unit_kind": "town", "position": "应急管理办主任", "duties": "组织隐患排查"},
    )
    assert template.pk
    with pytest.raises(NotAllowed):
        responsibility.save_duty_template(actor=persona("duruan"), data={})
