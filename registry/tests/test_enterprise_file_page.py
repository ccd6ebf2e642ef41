"""The enterprise file page (R-REG-4): the ledgers with expired items flagged, rows added by the people who
keep the file, input errors kept on the page, and the page's scope."""

import datetime as dt

import pytest
from django.utils import timezone

from registry.models import Enterprise, Licence, SpecialOperator

pytestmark = pytest.mark.django_db


def _own(persona) -> Enterprise:
    return persona("ent_duruan").enterprise


def test_an_expired_licence_is_flagged_on_the_file_page(as_user, persona):
    enterprise = _own(persona)
    Licence.objects.create(
        enterprise=enterprise,
        kind="safety_production",
        number="（粤）WH安许证字〔2020〕0001",
        expires_on=timezone.localdate() - dt.timedelta(days=1),
    )
    page = as_user("duruan").get(f"/registry/enterprises/{enterprise.pk}/file/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="file-expired"' in body and 'data-testid="expired-badge"' in body
    assert "WH安许证字〔2020〕0001" in body and 'data-testid="ledger-special_operator"' in body


def test_the_enterprise_adds_a_special_operator(as_user, persona):
    enterprise = _own(persona)
    response = as_user("ent_duruan").post(
        f"/registry/enterprises/{enterprise.pk}/file/",
        {
            "ledger": "special_operator",
            "special_operator-name": "王强",
            "special_operator-operation": "焊接与热切割作业",
            "special_operator-certificate_no": "T440703199001011234",
            "special_operator-expires_on": "2030-06-30",
        },
    )
    assert response.status_code == 302
    assert SpecialOperator.objects.filter(enterprise=enterprise, name="王强").exists()


def test_a_row_without_its_date_is_refused_and_the_input_kept(as_user, persona):
    enterprise = _own(persona)
    response = as_user("ent_duruan").post(
        f"/registry/enterprises/{enterprise.pk}/file/",
        {"ledger": "licence", "licence-kind": "gas", "licence-number": "燃气经营许可证-9"},
    )
    assert response.status_code == 400
    assert "燃气经营许可证-9" in response.content.decode()
    assert not Licence.objects.filter(enterprise=enterprise, number="燃气经营许可证-9").exists()


def test_the_leader_reads_the_file_but_adds_nothing(as_user, persona):
    enterprise = _own(persona)
    client = as_user("leader")
    page = client.get(f"/registry/enterprises/{enterprise.pk}/file/").content.decode()
    assert 'data-testid="add-licence"' not in page
    response = client.post(
        f"/registry/enterprises/{enterprise.pk}/file/",
        {"ledger": "installation", "installation-name": "液氨储罐", "installation-grade": "3"},
    )
    assert response.status_code == 403
    assert not enterprise.installations.exists()


def test_another_enterprises_file_is_not_found(as_user, persona):
    other = Enterprise.objects.exclude(pk=_own(persona).pk).order_by("pk").first()
    client = as_user("ent_duruan")
    assert client.get(f"/registry/enterprises/{other.pk}/file/").status_code == 404
    response = client.post(
        f"/registry/enterprises/{other.pk}/file/",
        {"ledger": "installation", "installation-name": "x", "installation-grade": "1"},
    )
    assert response.status_code == 404 and not other.installations.exists()


def test_a_town_officer_sees_no_file_of_another_town(as_user, district):
    other = Enterprise.objects.exclude(town=district["duruan"]).order_by("pk").first()
    assert as_user("duruan").get(f"/registry/enterprises/{other.pk}/file/").status_code == 404
