"""R-INSP-5: a checklist item is key only when linked to a criterion; its failure registers a major hazard
citing that criterion, and every other failed item a general hazard."""

import pytest

from hazards.models import Hazard
from inspections import services
from inspections.models import ChecklistItem, InspectionTask
from inspections.tests.helpers import answer_all, campaign_data, template


def test_every_key_item_of_the_shipped_checklists_has_a_criterion(api_as):
    client = api_as("inspector_duruan")
    listing = client.get("/api/v1/checklists/?page_size=100").json()["results"]
    items = [i for t in listing for i in client.get(f"/api/v1/checklists/{t['id']}/").json()["items"]]
    assert items and all("criterion" in i for i in items)
    for item in items:
        assert item["is_key"] == (item["criterion"] is not None), item["requirement"]
        assert (item["level"] == "major") == (item["criterion"] is not None), item["requirement"]
        assert "R-" not in item["legal_basis"], item["legal_basis"]


@pytest.mark.django_db
def test_items_no_criterion_lists_are_no_longer_major():
    for family, fragment in [
        ("special_equipment", "安全阀、压力表、水位计"),
        ("civil_explosives", "出入库检查、登记"),
        ("water_transport", "号灯号型"),
    ]:
        item = template(family).items.get(requirement__contains=fragment)
        assert (item.level, item.is_key, item.criterion_id) == ("general", False, None)
    # The ledger and the signs stay general each: only both missing together meet art. 13 (1) ("并且").
    ledger = template("confined_space").items.get(number=1)
    assert ledger.criterion_id is None and ledger.level == "general"
    assert "R-INSP" not in template("confined_space").description
    h2s = template("confined_space").items.get(requirement__contains="硫化氢")
    assert "最高容许浓度" in h2s.requirement


def _inspection(persona, district, family):
    admin = persona("admin")
    campaign = services.launch_campaign(
        actor=admin, data=campaign_data([district["duruan"]], sectors=(family,), family=family)
    )
    services.assign_tasks(
        actor=admin,
        campaign=campaign,
        deadline=campaign.end_date,
        inspectors=[persona("inspector_duruan").pk],
    )
    task = InspectionTask.objects.filter(campaign=campaign).order_by("id").first()
    return services.start_inspection(actor=persona("inspector_duruan"), task=task)


@pytest.mark.django_db
def test_a_failed_key_item_registers_a_major_hazard_citing_its_criterion_and_others_general(
    api_as, persona, district
):
    inspection = _inspection(persona, district, "industry_trade")
    inspector = persona("inspector_duruan")
    key = inspection.template.items.get(number=2)  # special operators: order 10, art. 3 (2)
    plain = inspection.template.items.get(number=9)  # machine guards: no criterion
    assert key.criterion.item == "IT-2" and plain.criterion_id is None
    answer_all(inspection, inspector, fail_numbers=(2, 9))
    client = api_as("inspector_duruan")
    current = client.get(f"/api/v1/inspections/{inspection.pk}/").json()
    done = client.post(
        f"/api/v1/inspections/{inspection.pk}/finish/", {"version": current["version"]}, format="json"
    )
    assert done.status_code == 200, done.content
    hazards = {
        h.origin_id: h
        for h in Hazard.objects.filter(origin_type="inspections.itemresult").select_related("criterion")
    }
    major = hazards[inspection.results.get(item=key).pk]
    general = hazards[inspection.results.get(item=plain).pk]
    assert major.level == "major" and major.criterion.item == "IT-2"
    assert "第三条第（二）项" in major.legal_basis
    assert general.level == "general" and general.criterion_id is None


@pytest.mark.django_db
def test_a_major_level_without_a_criterion_is_refused(persona, district):
    from core.errors import InvalidInput

    inspection = _inspection(persona, district, "industry_trade")
    inspector = persona("inspector_duruan")
    answer_all(inspection, inspector, fail_numbers=(9,))
    failed = inspection.results.get(item__number=9)
    with pytest.raises(InvalidInput):
        services.confirm_item_hazard(actor=inspector, result=failed, overrides={"level": "major"})
    assert not Hazard.objects.filter(origin_type="inspections.itemresult", origin_id=failed.pk).exists()


@pytest.mark.django_db
def test_an_edited_checklist_keeps_key_items_only_with_a_criterion(persona):
    from core.errors import InvalidInput
    from inspections.services.checklists import clean_items

    rows = [
        {
            "requirement": "锅炉安全附件齐全",
            "legal_basis": "TSG 11-2020",
            "category": "object",
            "level": "major",
        }
    ]
    with pytest.raises(InvalidInput):
        clean_items(rows)
    rows[0]["criterion"] = "SE-1"
    cleaned = clean_items(rows)
    assert cleaned[0]["is_key"] and cleaned[0]["level"] == "major"
    assert ChecklistItem.objects.filter(criterion__item="IT-2").exists()
