"""The shipped checklists after R-INSP-5: an item is key, and its failure a major hazard, only when it restates
an item of the major-hazard criteria library; it then cites that criterion by name, article and item.

Of the 48 items shipped as major, those that restate a published criterion are linked to it; the others
(boiler accessories, the explosives register, ship certificates, scaffolds, ...) register general hazards.
Two confined-space items (ledger; warning signs) stay general on their own: the source joins them with
"并且", so only both failing together make the major hazard, which the inspector then cites on the hazard.
Legal bases lose internal rule ids and wrong article numbers; the hydrogen sulfide figure is a maximum
allowable concentration. The items are corrected in place (same numbers and requirements), so inspections
already made still read the same checks.
"""

import re

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

# (family, item number) → (criterion sector, criterion code)
LINKS = {
    ("confined_space", 3): ("confined_space", "CS-2"),
    ("confined_space", 4): ("confined_space", "CS-2"),
    ("work_at_heights", 6): ("industry_trade", "IT-2"),
    ("hazardous_chemicals", 1): ("hazardous_chemicals", "HC-1"),
    ("hazardous_chemicals", 2): ("hazardous_chemicals", "HC-2"),
    ("hazardous_chemicals", 4): ("hazardous_chemicals", "HC-5"),
    ("hazardous_chemicals", 9): ("hazardous_chemicals", "HC-18"),
    ("industry_trade", 1): ("industry_trade", "IT-3.1"),
    ("industry_trade", 2): ("industry_trade", "IT-2"),
    ("industry_trade", 3): ("industry_trade", "IT-1"),
    ("industry_trade", 4): ("industry_trade", "IT-11.3"),
    ("gas", 1): ("gas", "GAS-1"),
    ("fire", 4): ("fire", "FIRE-1"),
    ("special_equipment", 2): ("special_equipment", "SE-1"),
    ("special_equipment", 3): ("special_equipment", "SE-3"),
    ("special_equipment", 4): ("special_equipment", "SE-2"),
    ("road_transport", 4): ("road_traffic", "RT-1"),
}

CRITERIA_TITLES = (
    "工贸企业重大事故隐患判定标准",
    "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准",
    "城镇燃气经营安全重大隐患判定标准",
    "重大火灾隐患判定规则",
    "特种设备重大事故隐患判定准则",
    "道路运输企业和城市客运企业安全生产重大事故隐患判定标准",
    "民用爆炸物品生产、销售企业安全生产重大事故隐患判定标准",
)
RULE_ID = re.compile(r"^R-[A-Z]+-\d+$")

H2S_OLD = "有毒气体浓度低于限值：硫化氢低于10 mg/m³，一氧化碳低于20 mg/m³（时间加权平均）。"
H2S_NEW = (
    "有毒气体浓度低于限值：硫化氢低于10 mg/m³（最高容许浓度），一氧化碳低于20 mg/m³（时间加权平均容许浓度）。"
)
H2S_EN = (
    "Toxic gases below their limits: hydrogen sulfide below 10 mg/m³ (maximum allowable concentration), "
    "carbon monoxide below 20 mg/m³ (time-weighted average)."
)
DESCRIPTION_OLD = "依据 R-INSP-4 检查清单来源及 R-HAZ-9 重大事故隐患判定标准编制。"
DESCRIPTION_NEW = "依据有关法律法规、国家标准和行业重大事故隐患判定标准编制。"


def citation(criterion) -> str:
    return (
        f"{criterion.source}{criterion.article}{('第' + criterion.clause + '项') if criterion.clause else ''}"
    )


def corrected_basis(basis: str, criterion) -> str:
    """Drop rule ids; a segment citing a criteria standard cites the linked item exactly, or, for an item
    that restates no criterion, goes (unless nothing else would remain)."""
    parts = [p.strip() for p in basis.split("；") if p.strip() and not RULE_ID.match(p.strip())]
    kept, cited = [], False
    for part in parts:
        if any(title in part for title in CRITERIA_TITLES):
            if criterion is not None and not cited:
                kept.append(citation(criterion))
                cited = True
            continue
        kept.append(part)
    if criterion is not None and not cited:
        kept.append(citation(criterion))
    if not kept:  # the item rests on a criteria standard whose item the library does not carry yet
        kept = [re.sub(r"第[一二三四五六七八九十]+条$", "", p) for p in parts]
    return "；".join(kept)[:300]


def forwards(apps, schema_editor):
    Item = apps.get_model("inspections", "ChecklistItem")
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    Template.objects.filter(description=DESCRIPTION_OLD).update(description=DESCRIPTION_NEW)
    # The numbers are those of the shipped first version; later versions of a family are matched by the
    # requirement's text, which an edit keeps.
    by_text = {}
    for item in Item.objects.filter(template__family__in=SHIPPED, template__version=1).select_related(
        "template"
    ):
        if (item.template.family, item.number) in LINKS:
            by_text[(item.template.family, item.requirement)] = LINKS[(item.template.family, item.number)]
    for item in Item.objects.filter(template__family__in=SHIPPED).select_related("template"):
        link = by_text.get((item.template.family, item.requirement))
        criterion = None
        if link is not None:
            criterion = Criterion.objects.filter(sector_id=link[0], item=link[1]).first()
        item.criterion = criterion
        item.is_key = criterion is not None
        item.level = "major" if criterion is not None else "general"
        item.legal_basis = corrected_basis(item.legal_basis, criterion)
        if item.requirement == H2S_OLD:
            item.requirement, item.requirement_en = H2S_NEW, H2S_EN
        item.save(
            update_fields=["criterion", "is_key", "level", "legal_basis", "requirement", "requirement_en"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_checklist_item_criterion"),
        ("hazards", "0010_criteria_library_from_the_published_standards"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
