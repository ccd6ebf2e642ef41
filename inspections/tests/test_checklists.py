"""Checklist templates: the shipped content (R-INSP-4, R-HAZ-9), versions, edits, .xlsx round trip."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.errors import Conflict, InvalidInput, NotAllowed
from inspections import services
from inspections.models import ChecklistTemplate
from inspections.services.checklists import template_rows
from inspections.tests.helpers import answer_all, make_enterprise, template

SHIPPED = {
    "confined_space",
    "work_at_heights",
    "hazardous_chemicals",
    "industry_trade",
    "gas",
    "fire",
    "special_equipment",
    "road_transport",
    "water_transport",
    "civil_explosives",
}


@pytest.mark.django_db
def test_the_ten_shipped_checklists_have_ten_sourced_bilingual_items_each():
    current = {t.family: t for t in ChecklistTemplate.objects.current().filter(family__in=SHIPPED)}
    assert set(current) == SHIPPED
    for t in current.values():
        items = list(t.items.all())
        assert len(items) >= 10, t.family
        for item in items:
            assert item.requirement and item.requirement_en and item.legal_basis, (t.family, item.number)
            assert item.category in {"human", "object", "environment", "management"}
            assert item.level in {"general", "major"}


@pytest.mark.django_db
def test_confined_space_checklist_carries_the_rule_values_and_major_items():
    items = list(template("confined_space").items.all())
    text = " ".join(i.requirement for i in items)
    # R-INSP-4: oxygen band, LEL, H2S and CO limits.
    for value in ("19.5%～23.5%", "10%", "10 mg/m³", "20 mg/m³", "先通风、再检测、后作业"):
        assert value in text
    # R-INSP-5: major when failed only through a criterion of the library that is verified and active (the
    # approval and ventilation items wait for order 10 art. 13 (2) to be verified).
    majors = [i for i in items if i.level == "major" or i.is_key]
    assert all(i.criterion_id and i.is_key and i.criterion.is_active and i.criterion.verified for i in majors)


@pytest.mark.django_db
def test_editing_creates_a_new_version_and_an_inspection_keeps_the_one_it_used(persona, district):
    admin = persona("admin")
    v1 = template("confined_space")
    enterprise = make_enterprise(district["duruan"], ["confined_space"])
    inspection = services.start_inspection(actor=admin, enterprise=enterprise, template=v1)
    rows = template_rows(v1)
    rows[0]["requirement"] = "已辨识有限空间并建立台账（修订）"
    v2 = services.revise_template(
        actor=admin,
        template=v1,
        data={"name": v1.name, "sector": v1.sector},
        items=rows,
        change_note="修订第1项",
    )
    v1.refresh_from_db()
    assert (v1.version, v1.is_current) == (1, False)
    assert (v2.version, v2.is_current, v2.family) == (2, True, v1.family)
    assert v2.items.get(number=1).requirement.endswith("（修订）")
    inspection.refresh_from_db()
    assert inspection.template_id == v1.pk
    assert inspection.results.first().item.template_id == v1.pk
    # A new inspection takes the current version.
    other = services.start_inspection(
        actor=admin, enterprise=make_enterprise(district["duruan"], ["confined_space"]), template=v1
    )
    assert other.template_id == v2.pk
    with pytest.raises(Conflict):
        services.revise_template(actor=admin, template=v1, data={"name": "x"}, items=rows)


@pytest.mark.django_db
def test_only_a_district_admin_edits_templates_and_items_need_a_legal_basis(persona):
    v1 = template("fire")
    with pytest.raises(NotAllowed):
        services.revise_template(
            actor=persona("yjj"), template=v1, data={"name": "x"}, items=template_rows(v1)
        )
    rows = template_rows(v1)
    rows[2]["legal_basis"] = ""
    with pytest.raises(InvalidInput) as exc:
        services.revise_template(actor=persona("admin"), template=v1, data={"name": v1.name}, items=rows)
    assert "items" in exc.value.errors
    assert ChecklistTemplate.objects.filter(family="fire").count() == 1


@pytest.mark.django_db
def test_export_then_import_makes_the_same_items_as_a_new_version(as_user, persona):
    v1 = template("gas")
    response = as_user("admin").get(f"/inspections/checklists/{v1.pk}/?export=xlsx")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    response.close()
    sheet = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in sheet[1]][:4] == ["序号", "检查内容", "Requirement", "依据"]
    upload = SimpleUploadedFile("gas.xlsx", content)
    v2 = services.import_template(actor=persona("admin"), upload=upload, template=v1)
    assert v2.version == 2
    assert template_rows(v2) == template_rows(v1)


@pytest.mark.parametrize(("username", "status"), [("admin", 200), ("duruan", 403), ("yjj", 403)])
@pytest.mark.django_db
def test_template_edit_page_is_for_admins(as_user, username, status):
    v1 = template("gas")
    assert as_user(username).get(f"/inspections/checklists/{v1.pk}/edit/").status_code == status


@pytest.mark.django_db
def test_template_edit_page_saves_a_new_version(as_user):
    v1 = template("civil_explosives")
    client = as_user("admin")
    rows = template_rows(v1)
    data = {
        "name": v1.name,
        "name_en": v1.name_en,
        "sector": v1.sector_id,
        "topic": v1.topic,
        "change_note": "网页修订",
        "items-TOTAL_FORMS": str(len(rows)),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "500",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            if key == "is_key":
                if value:
                    data[f"items-{n}-{key}"] = "on"
            else:
                data[f"items-{n}-{key}"] = value
    data["items-0-requirement"] = ""  # dropping an item
    response = client.post(f"/inspections/checklists/{v1.pk}/edit/", data)
    assert response.status_code == 302
    v2 = ChecklistTemplate.objects.current().get(family="civil_explosives")
    assert v2.version == 2 and v2.items.count() == len(rows) - 1 and v2.change_note == "网页修订"


@pytest.mark.django_db
def test_an_unanswered_checklist_cannot_finish(persona, district):
    from inspections.services import finish_inspection

    admin = persona("admin")
    enterprise = make_enterprise(district["duruan"], ["confined_space"])
    inspection = services.start_inspection(actor=admin, enterprise=enterprise, template=template())
    with pytest.raises(InvalidInput) as exc:
        finish_inspection(actor=admin, inspection=inspection, version=inspection.version)
    assert "items" in exc.value.errors
    answer_all(inspection, admin)
    assert (
        finish_inspection(actor=admin, inspection=inspection, version=inspection.version).outcome
        == "compliant"
    )
