"""The enterprise's file (R-REG-4): ledgers, expired items flagged and offered as hazards, counted on the
home page, and the file's columns in the enterprise workbook."""

import datetime as dt

from django.utils import timezone

from registry.models import Enterprise, Licence
from registry.tests.test_import import post, row, xlsx_file


def _own(persona):
    return persona("ent_duruan").enterprise


def test_an_expired_licence_is_flagged_on_the_file_and_offered_as_a_hazard(api_as, persona):
    enterprise = _own(persona)
    url = f"/api/v1/enterprises/{enterprise.pk}/file/"
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    added = api_as("ent_duruan").post(
        url,
        {
            "ledger": "licence",
            "kind": "safety_production",
            "number": "（粤）WH安许证字〔2023〕0001",
            "expires_on": yesterday.isoformat(),
        },
        format="json",
    )
    assert added.status_code == 201, added.content
    body = api_as("duruan").get(url).json()
    expired = [e for e in body["expired"] if e["kind"] == "licence"]
    assert len(expired) == 1 and expired[0]["expired_on"] == yesterday.isoformat()
    assert expired[0]["hazard"]["title"] and expired[0]["hazard"]["category"] == "management"
    # A valid one is not flagged.
    Licence.objects.create(
        enterprise=enterprise,
        kind="gas",
        number="燃气2026-1",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    assert len([e for e in api_as("duruan").get(url).json()["expired"] if e["kind"] == "licence"]) == 1


def test_the_ledgers_check_their_input_and_the_scope(api_as, persona):
    enterprise = _own(persona)
    url = f"/api/v1/enterprises/{enterprise.pk}/file/"
    bad = api_as("duruan").post(
        url, {"ledger": "installation", "name": "液氨储罐区", "grade": 5}, format="json"
    )
    assert bad.status_code == 400 and "grade" in bad.json()
    good = api_as("duruan").post(
        url, {"ledger": "installation", "name": "液氨储罐区", "grade": 3}, format="json"
    )
    assert good.status_code == 201
    assert (
        api_as("leader")
        .post(url, {"ledger": "installation", "name": "x", "grade": 1}, format="json")
        .status_code
        == 403
    )
    assert api_as("baisha").get(url).status_code == 404


def test_expired_items_are_counted_on_the_home_page(as_user, persona):
    enterprise = _own(persona)
    Enterprise.objects.filter(pk=enterprise.pk).update(
        insurance_expires=timezone.localdate() - dt.timedelta(days=3)
    )
    html = as_user("duruan").get("/").content.decode()
    assert 'data-testid="registry-expired"' in html
    from registry.home_panels import registry_summary

    assert registry_summary(persona("duruan"))["expired"] >= 1


def test_the_file_columns_import_from_the_enterprise_workbook(api_as):
    data = row(
        **{
            "安全生产标准化等级": "三级",
            "标准化有效期": "2025-06-30",
            "涉及作业": "有限空间、粉尘涉爆",
            "安责险有效期": "2027-12-31",
            "三合一场所": "是",
        }
    )
    response = post(api_as("duruan"), xlsx_file([data]))
    assert response.status_code == 200, response.json()
    created = Enterprise.objects.get(credit_code=data["统一社会信用代码"])
    assert created.standardisation_grade == "3"
    assert created.standardisation_expires == dt.date(2025, 6, 30)
    assert created.work_flags == ["confined_space", "dust_explosion"]
    assert created.combined_premises is True
    bad = post(api_as("duruan"), xlsx_file([row(**{"涉及作业": "潜水"})]))
    assert bad.status_code == 400


def test_a_certificate_number_too_long_for_the_file_is_refused_not_cut(api_as):
    data = row(**{"主要负责人合格证编号": "4" * 41})
    response = post(api_as("duruan"), xlsx_file([data]))
    assert response.status_code == 400
    assert "40" in str(response.json())
    assert not Enterprise.objects.filter(credit_code=data["统一社会信用代码"]).exists()
