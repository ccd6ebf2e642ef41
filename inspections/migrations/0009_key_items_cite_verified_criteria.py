"""The shipped checklists' key items after the criteria checks of hazards 0015 and 0017 (R-INSP-5, R-HAZ-9).

- Items that restate a criterion verified and activated since 0006 become key and cite it by name, article and
  item: water transport 1 (certificates: 《内河运输船舶重大事故隐患判定标准》 art. 4 (三)), 2 (crew: (一)) and 3
  (overloading: (五)); civil explosives 2 (storage over the licensed quantity) and 6 (operators without
  certificates), citing the current edition's item where the library carries it, else the trial's; road
  transport 5 (scrapped, modified or untested vehicles: art. 3 (二)).
- Every other key item has its citation written again from its criterion, so the bases computed before the
  criteria carried article and item (road transport 4, urban gas 1) name them.
- A key item whose criterion is not verified and active (confined space 3 and 4, special equipment 2–4, fire
  4) is made a general item until its criterion is verified: a failure registers a general hazard
  (inspections.services.fieldwork.key_criterion), so the checklist must not show it as key or major. Its
  basis keeps the laws it cites and drops the unverified criterion (unless nothing else would remain).

Idempotent (the demo replays it on a flushed database) and reversible: the reverse unlinks the items linked
here and links the general-again items back to the criterion 0006 gave them.
"""

from django.db import migrations

SHIPPED = [
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
]

# (family, item number of the shipped first version) → (criterion sector, codes, preferred first)
NEW_LINKS = {
    ("water_transport", 1): ("water_transport", ("WT-4.3",)),
    ("water_transport", 2): ("water_transport", ("WT-4.1",)),
    ("water_transport", 3): ("water_transport", ("WT-4.5",)),
    ("civil_explosives", 2): ("civil_explosives", ("EX-2024-4", "EX-4")),
    ("civil_explosives", 6): ("civil_explosives", ("EX-2024-3", "EX-3")),
    ("road_transport", 5): ("road_traffic", ("RT-3.2",)),
}
# The links of 0006 whose criterion was not verified: restored by the reverse.
PENDING = {
    ("confined_space", 3): ("confined_space", "CS-2"),
    ("confined_space", 4): ("confined_space", "CS-2"),
    ("special_equipment", 2): ("special_equipment", "SE-1"),
    ("special_equipment", 3): ("special_equipment", "SE-3"),
    ("special_equipment", 4): ("special_equipment", "SE-2"),
    ("fire", 4): ("fire", "FIRE-1"),
}

CRITERIA_TITLES = (
    "重大事故隐患判定标准",
    "重大生产安全事故隐患判定标准",
    "重大隐患判定标准",
    "重大火灾隐患判定规则",
    "重大事故隐患判定准则",
)


def citation(criterion) -> str:
    """The criterion by its source's name (and document number), article and item: 第四条第（三）项."""
    clause = f"第{criterion.clause}项" if criterion.clause else ""
    return f"{criterion.source}{criterion.article}{clause}"


def _parts(basis: str) -> list[str]:
    return [p.strip() for p in basis.split("；") if p.strip()]


def _cites_criteria(part: str) -> bool:
    return any(title in part for title in CRITERIA_TITLES)


def with_citation(basis: str, criterion) -> str:
    """The basis citing exactly this criterion, in place of any criteria standard it cited."""
    kept, cited = [], False
    for part in _parts(basis):
        if _cites_criteria(part):
            if not cited:
                kept.append(citation(criterion))
                cited = True
            continue
        kept.append(part)
    if not cited:
        kept.append(citation(criterion))
    return "；".join(kept)[:300]


def without_criteria(basis: str) -> str:
    """The basis without a criteria standard, unless nothing else would remain."""
    parts = _parts(basis)
    kept = [p for p in parts if not _cites_criteria(p)]
    return "；".join(kept or parts)[:300]


def _by_text(Item, table: dict) -> dict:
    """(family, requirement) → the table's value: later versions of a family are matched by the requirement's
    text of the shipped first version, which an edit keeps."""
    found = {}
    for item in Item.objects.filter(template__family__in=SHIPPED, template__version=1).select_related(
        "template"
    ):
        key = (item.template.family, item.number)
        if key in table:
            found[(item.template.family, item.requirement)] = table[key]
    return found


def _in_force(Criterion, sector: str, codes) -> object | None:
    for code in codes:
        criterion = Criterion.objects.filter(
            sector_id=sector, item=code, verified=True, is_active=True
        ).first()
        if criterion is not None:
            return criterion
    return None


def _set(item, criterion, basis: str) -> None:
    item.criterion = criterion
    item.is_key = criterion is not None
    item.level = "major" if criterion is not None else "general"
    item.legal_basis = basis
    item.save(update_fields=["criterion", "is_key", "level", "legal_basis"])


def forwards(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    new_links = _by_text(Item, NEW_LINKS)
    items = Item.objects.filter(template__family__in=SHIPPED).select_related("template", "criterion")
    for item in items.order_by("pk"):
        link = new_links.get((item.template.family, item.requirement))
        criterion = _in_force(Criterion, link[0], link[1]) if link else None
        if criterion is None and item.criterion_id is not None:
            current = item.criterion
            criterion = current if (current.verified and current.is_active) else None
        if criterion is not None:
            _set(item, criterion, with_citation(item.legal_basis, criterion))
        elif item.is_key or item.criterion_id is not None or item.level == "major":
            _set(item, None, without_criteria(item.legal_basis))


def backwards(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    new_links = _by_text(Item, NEW_LINKS)
    pending = _by_text(Item, PENDING)
    for item in Item.objects.filter(template__family__in=SHIPPED).select_related("template").order_by("pk"):
        key = (item.template.family, item.requirement)
        if key in new_links and item.criterion_id is not None:
            _set(item, None, without_criteria(item.legal_basis))
        elif key in pending and item.criterion_id is None:
            sector, code = pending[key]
            criterion = Criterion.objects.filter(sector_id=sector, item=code).first()
            if criterion is not None:
                _set(item, criterion, with_citation(item.legal_basis, criterion))


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0008_draw_undo"),
        ("hazards", "0018_criteria_civil_explosives_2024_edition"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
