"""R-REG-2: personal phone numbers in full for the roles that call people, masked for everyone else — in
pages, API responses and exports alike."""

import io

import pytest
from openpyxl import load_workbook

from core.masking import mask_phone

PHONE = "13812345678"
MASKED = "138****5678"


@pytest.fixture
def hazard_with_phone(district):
    from hazards.models import Hazard

    hazard = Hazard.objects.filter(enterprise__town=district["duruan"]).order_by("id").first()
    Hazard.objects.filter(pk=hazard.pk).update(responsible_phone=PHONE)
    return hazard


@pytest.fixture
def enterprise_with_phone(persona):
    from registry.models import Enterprise

    enterprise = persona("ent_duruan").enterprise  # in Duruan: the town officer sees it too
    Enterprise.objects.filter(pk=enterprise.pk).update(principal_phone=PHONE)
    return enterprise


@pytest.mark.parametrize(("username", "shown"), [("leader", MASKED), ("duruan", PHONE), ("duty", PHONE)])
def test_the_hazard_page_and_api_mask_the_responsible_phone(
    as_user, api_as, hazard_with_phone, username, shown
):
    page = as_user(username).get(f"/hazards/{hazard_with_phone.pk}/").content.decode()
    api = api_as(username).get(f"/api/v1/hazards/{hazard_with_phone.pk}/").json()
    if shown == MASKED:
        assert PHONE not in page and PHONE not in str(api)
    assert api["responsible_phone"] == shown


@pytest.mark.parametrize(
    ("username", "shown"), [("leader", MASKED), ("duruan", PHONE), ("ent_duruan", PHONE)]
)
def test_enterprise_pages_api_and_exports_mask_the_principal_phone(
    as_user, api_as, enterprise_with_phone, username, shown
):
    pk = enterprise_with_phone.pk
    page = as_user(username).get(f"/registry/enterprises/{pk}/").content.decode()
    assert shown in page
    assert api_as(username).get(f"/api/v1/enterprises/{pk}/").json()["principal_phone"] == shown
    if shown == MASKED:
        assert PHONE not in page
        export = as_user(username).get("/registry/enterprises/", {"export": "xlsx"})
        data = b"".join(export.streaming_content) if export.streaming else export.content
        cells = [
            str(c) for row in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True) for c in row
        ]
        assert PHONE not in cells and MASKED in cells


@pytest.mark.parametrize(
    ("value", "masked"),
    [("13812345678", "138****5678"), ("0750-1234567", "0750-****4567"), ("123", "***"), ("", "")],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked
