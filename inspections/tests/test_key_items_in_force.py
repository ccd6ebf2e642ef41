"""R-INSP-5 after the criteria checks (hazards 0015, 0017): every key item of the shipped checklists cites a
criterion that is verified and active, by name, article and item; items restating a newly verified criterion
are key; items whose criterion is still unverified are general until it is verified, so the checklist never
shows as major an item whose failure registers a general hazard. The data migration is reversible and can
be replayed."""

import importlib

import pytest

from hazards.models import MajorHazardCriterion
from inspections.models import ChecklistItem
from inspections.tests.helpers import template

MIGRATION = importlib.import_module("inspections.migrations.0009_key_items_cite_verified_criteria")


def _shipped_items():
    return ChecklistItem.objects.filter(template__family__in=MIGRATION.SHIPPED).select_related(
        "template", "criterion"
    )


def test_every_key_item_cites_an_active_verified_criterion(api_as):
    client = api_as("inspector_duruan")
    listing = client.get("/api/v1/checklists/?page_size=100").json()["results"]
    items = [i for t in listing for i in client.get(f"/api/v1/checklists/{t['id']}/").json()["items"]]
    key = [i for i in items if i["is_key"] or i["level"] == "major"]
    assert len(key) >= 17
    criteria = MajorHazardCriterion.objects.in_bulk([i["criterion"] for i in key if i["criterion"]])
    for item in key:
        criterion = criteria.get(item["criterion"])
        assert criterion is not None, item["requirement"]
        assert criterion.verified and criterion.is_active, (item["requirement"], criterion.item)
        assert item["is_key"] and item["level"] == "major", item["requirement"]
        assert MIGRATION.citation(criterion) in item["legal_basis"], item["legal_basis"]


@pytest.mark.django_db
def test_items_restating_newly_verified_criteria_are_key():
    for family, number, codes in [
        ("water_transport", 1, {"WT-4.3"}),
        ("water_transport", 2, {"WT-4.1"}),
        ("water_transport", 3, {"WT-4.5"}),
        ("civil_explosives", 2, {"EX-2024-4", "EX-4"}),
        ("civil_explosives", 6, {"EX-2024-3", "EX-3"}),
        ("road_transport", 5, {"RT-3.2"}),
    ]:
        item = template(family).items.select_related("criterion").get(number=number)
        assert item.is_key and item.level == "major", (family, number)
        assert item.criterion.item in codes and item.criterion.is_active, (family, number)
    road = template("road_transport").items.get(number=4)
    assert road.legal_basis.endswith("第三条第（四）项")
    gas = template("gas").items.get(number=1)
    assert "《城镇燃气经营安全重大隐患判定标准》（建城规〔2023〕4号）第四条第（一）项" in gas.legal_basis


@pytest.mark.django_db
def test_items_on_unverified_criteria_are_general_until_verified():
    for family, number in [
        ("confined_space", 3),
        ("confined_space", 4),
        ("special_equipment", 2),
        ("special_equipment", 3),
        ("special_equipment", 4),
        ("fire", 4),
    ]:
        item = template(family).items.get(number=number)
        assert (item.is_key, item.level, item.criterion_id) == (False, "general", None), (family, number)
    # The unverified criterion is no longer cited beside the regulation the item rests on.
    assert "第十三条" not in template("confined_space").items.get(number=3).legal_basis
    assert "GB 35181" not in template("fire").items.get(number=4).legal_basis


@pytest.mark.django_db
def test_the_relinking_is_reversible_and_can_be_replayed():
    from django.apps import apps

    def state():
        return sorted(
            (
                i.template.family,
                i.template.version,
                i.number,
                i.is_key,
                i.level,
                i.criterion_id,
                i.legal_basis,
            )
            for i in _shipped_items()
        )

    relinked = state()
    MIGRATION.backwards(apps, None)
    before = state()
    assert before != relinked
    water = template("water_transport").items.get(number=1)
    assert (water.is_key, water.criterion_id) == (False, None) and "内河运输船舶" not in water.legal_basis
    confined = template("confined_space").items.select_related("criterion").get(number=3)
    assert confined.criterion.item == "CS-2" and confined.legal_basis.endswith("第十三条第（二）项")
    MIGRATION.forwards(apps, None)
    assert state() == relinked
    MIGRATION.forwards(apps, None)  # the demo replays it on a flushed database
    assert state() == relinked
