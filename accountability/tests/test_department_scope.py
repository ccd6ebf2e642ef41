"""Scope of departments that share a sector: road traffic is supervised by the transport bureau and by public
security, yet what is aimed at one of them (a proposal, a measure, a case, a score) is not the other's."""

from __future__ import annotations

import pytest

from accountability.choices import TargetKind
from accountability.models import EnforcementCase, Proposal
from accountability.services import enforcement
from accountability.services.proposals import check_accident
from accountability.tests.helpers import accident

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(district):
    """A department officer of public security, which shares road traffic with the transport bureau."""
    from accounts.models import User, UserRole
    from registry.models import Department

    department = Department.objects.get(code="public_security")
    assert department.sectors.filter(code="road_traffic").exists()
    user = User.objects.create_user(
        username="gaj", password="x", name="公安分局 周科长", department=department
    )
    UserRole.objects.create(user=user, role="department_officer")
    return user


@pytest.fixture
def carrier(district):
    """A road transport enterprise of the demo district."""
    from registry.models import Enterprise

    return (
        Enterprise.objects.filter(sectors__code="road_traffic").select_related("town").order_by("id").first()
    )


@pytest.fixture
def larger_accident_proposals(carrier):
    """A larger accident on the road: one interview proposed per supervising department (R-ACCT-4)."""
    check_accident(accident(carrier, level="larger", sector="road_traffic"))
    by_department = {
        p.department.code: p
        for p in Proposal.objects.filter(target_kind=TargetKind.DEPARTMENT).select_related("department")
    }
    assert {"transport", "public_security"} <= by_department.keys()
    return by_department


def test_a_department_gets_404_for_a_proposal_aimed_at_another_department_of_its_sector(
    larger_accident_proposals, police, api_as, as_user
):
    from rest_framework.test import APIClient

    transport, own = larger_accident_proposals["transport"], larger_accident_proposals["public_security"]
    client = APIClient()
    client.force_authenticate(police)
    listed = {
        r["id"] for r in client.get("/api/v1/accountability/proposals/?page_size=200").json()["results"]
    }
    assert own.pk in listed and transport.pk not in listed
    assert client.get(f"/api/v1/accountability/proposals/{transport.pk}/").status_code == 404
    assert client.get(f"/api/v1/accountability/proposals/{own.pk}/").status_code == 200

    jtj = api_as("jtj")
    listed = {r["id"] for r in jtj.get("/api/v1/accountability/proposals/?page_size=200").json()["results"]}
    assert transport.pk in listed and own.pk not in listed
    assert jtj.get(f"/api/v1/accountability/proposals/{own.pk}/").status_code == 404

    page = as_user("jtj")
    assert page.get(f"/accountability/proposals/{own.pk}/").status_code == 404
    assert f"/accountability/proposals/{own.pk}/" not in page.get("/accountability/").text
    assert f"/accountability/proposals/{transport.pk}/" in page.get("/accountability/").text


def test_a_department_does_not_see_the_cases_of_another_department_of_its_sector(
    carrier, police, persona, api_as
):
    from rest_framework.test import APIClient

    party = carrier
    case = enforcement.file_case(
        actor=persona("jtj"),
        data={
            "enterprise": party.pk,
            "sector": "road_traffic",
            "origin": "inspection",
            "title": "客运车辆未按规定检验",
            "facts": "检查发现两辆客车逾期未检验。",
        },
    )
    client = APIClient()
    client.force_authenticate(police)
    assert client.get(f"/api/v1/enforcement/cases/{case.pk}/").status_code == 404
    listed = {r["id"] for r in client.get("/api/v1/enforcement/cases/?page_size=200").json()["results"]}
    assert case.pk not in listed
    assert not EnforcementCase.objects.visible_to(police).filter(pk=case.pk).exists()
    assert api_as("jtj").get(f"/api/v1/enforcement/cases/{case.pk}/").status_code == 200


def test_a_department_sees_its_own_score_only(district, police):
    from accountability import selectors

    _card, lines = selectors.scorecard(police, year=2026, kind="department")
    assert [line.unit_id for line in lines] == [police.department_id]
