"""The civil-explosives criteria of 2024 replace the 2023 trial (R-HAZ-9: a version per source edition).

工业和信息化部 issued 《民用爆炸物品行业重大事故隐患判定标准》 on 3 December 2024; its notice says the trial
standard (工信厅安全函〔2023〕337号) "即时失效". The 2024 items (一)–(五) were read in a retrieved copy of the notice
and ship verified and active as new rows beside the old ones (an edition's items are never rewritten into
another edition's); the copy breaks off in item (六), so items from (六) on are not shipped until their text is
read. The trial's items stay in the library, verified against their own edition, but are no longer current
and no longer active, so nobody cites a void standard for a new hazard; hazards that already cite them keep
their citation. The notice's document number was not legible in the copy and is left blank.
"""

import datetime as dt

from django.db import migrations

SECTOR = "civil_explosives"
TRIAL = "explosives_2023"
SOURCE = {
    "title": "民用爆炸物品行业重大事故隐患判定标准",
    "issuer": "工业和信息化部",
    "document_number": "",
    "edition": "2024",
    "effective_from": dt.date(2024, 12, 3),
    "is_current": True,
}
SCOPE = "民用爆炸物品生产经营单位"
ITEMS = [
    (
        "EX-2024-1",
        "（一）",
        "营业执照、生产许可证、安全生产许可证、销售许可证未依法取得或超过有效期限的",
    ),
    ("EX-2024-2", "（二）", "未按规定设置安全生产管理机构，未配备安全生产管理人员的"),
    (
        "EX-2024-3",
        "（三）",
        "主要负责人、安全生产管理人员任职之日起6个月后仍未依法经考核合格，特种作业人员未持证上岗的",
    ),
    (
        "EX-2024-4",
        "（四）",
        "超过许可数量或品种、超过规定时间作业、超过规定储存量、超过定员人数组织生产经营的",
    ),
    (
        "EX-2024-5",
        "（五）",
        "管理严重缺失、安全防护及控制保护设施失效可能导致本单元或更大范围安全失控的（注1：管理严重缺失是指未建立与"
        "岗位相匹配的全员安全生产责任制或者未制定实施重大危险源管理制度及生产安全事故隐患排查治理制度；注2：安全防护"
        "及控制保护设施是指防传殉爆、自动控制、联动联控安全联锁、门机联锁等装置）",
    ),
]
TRIAL_NOTE = "该试行标准已由2024年12月3日印发的《民用爆炸物品行业重大事故隐患判定标准》废止，不再用于新登记隐患"


def forwards(apps, schema_editor):
    Source = apps.get_model("hazards", "CriterionSource")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    if not apps.get_model("registry", "Sector").objects.filter(code=SECTOR).exists():
        return
    source, _created = Source.objects.update_or_create(code="explosives_2024", defaults=SOURCE)
    for item, clause, text in ITEMS:
        Criterion.objects.update_or_create(
            sector_id=SECTOR,
            item=item,
            defaults={
                "text": text,
                "source": f"《{source.title}》",
                "source_document": source,
                "scope": SCOPE,
                "article": "",
                "clause": clause,
                "verified": True,
                "note": "",
                "is_active": True,
            },
        )
    Source.objects.filter(code=TRIAL).update(is_current=False)
    Criterion.objects.filter(source_document__code=TRIAL).update(is_active=False, note=TRIAL_NOTE)


def backwards(apps, schema_editor):
    Source = apps.get_model("hazards", "CriterionSource")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    Criterion.objects.filter(item__in=[i[0] for i in ITEMS], hazards__isnull=True).delete()
    Source.objects.filter(code="explosives_2024", criteria__isnull=True).delete()
    Source.objects.filter(code=TRIAL).update(is_current=True)
    Criterion.objects.filter(source_document__code=TRIAL).update(is_active=True, note="")


class Migration(migrations.Migration):
    dependencies = [("hazards", "0017_criteria_metallurgy_building_materials_gas_road")]

    operations = [migrations.RunPython(forwards, backwards)]
