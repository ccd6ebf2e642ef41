"""Second check of the criteria library against retrieved copies of the sources (R-HAZ-9).

- Civil explosives: the published source is 《民用爆炸物品行业重大事故隐患判定标准（试行）》 (工信厅安全函〔2023〕337号,
  1 December 2023), not a "production and sales enterprises" standard; its items (一)–(八) were read in a copy
  of the notice and ship verified. EX-1 takes the wording of item (一).
- Water transport: 《内河运输船舶重大事故隐患判定标准》 (交通运输部办公厅, 15 December 2024), art. 4 items (一)–(六)
  were read in a copy of the notice and ship verified. Its items from (七) on were not retrievable in full and
  are not shipped; sea-going ships have their own standard, not retrieved, and none of its items is shipped.
- Still unverified after this check (no retrievable text of the item): order 10 art. 11 (九)(十) and art. 13 (二);
  chemicals items (十五) on (the copies found break off at item (十五)); the housing 2024 edition; special
  equipment; urban gas; fire; road transport. They stay inactive with their notes.

Items already verified are not touched; an administrator's later edits to the rows written here are kept on a
re-run only where the row did not exist (update_or_create by sector and item code is idempotent in content).
"""

import datetime as dt

from django.db import migrations

EXPLOSIVES = (
    "explosives_2023",
    "民用爆炸物品行业重大事故隐患判定标准（试行）",
    "工业和信息化部办公厅",
    "工信厅安全函〔2023〕337号",
    "2023",
    dt.date(2023, 12, 1),
)
INLAND_SHIPS = (
    "inland_ships_2024",
    "内河运输船舶重大事故隐患判定标准",
    "交通运输部办公厅",
    "",
    "2024",
    dt.date(2024, 12, 15),
)

EX_SCOPE = "民用爆炸物品生产经营单位"
EX_ITEMS = [
    ("EX-1", "（一）", "营业执照、生产许可证、安全生产许可证未依法取得或超过有效期限，安全评价结论为不合格的"),
    ("EX-2", "（二）", "未建立安全管理机构、未配备安全管理人员、未配备注册安全工程师的"),
    ("EX-3", "（三）", "主要负责人、安全生产管理人员未依法经考核合格、特种作业人员未持证上岗的"),
    (
        "EX-4",
        "（四）",
        "超过许可数量或品种、超过规定时间作业、超过规定储存量、超过定员人数组织生产经营的",
    ),
    ("EX-5", "（五）", "管理严重缺失、安全防护及控制保护设施失效可能导致本单元或更大范围安全失控的"),
    ("EX-6", "（六）", "因外部因素影响致使生产经营单位自身难以排除且构成重大风险的"),
    ("EX-7", "（七）", "未经设计擅自改变危险性建（构）筑物用途从事危险性作业的"),
    ("EX-8", "（八）", "危险工（库）房防爆、防火、防雷设备设施缺失的"),
]

WT_SCOPE = "涉客涉危内河运输船舶和300总吨以上其他内河运输船舶（航行、停泊、作业期间）"
WT_ITEMS = [
    ("WT-4.1", "（一）", "船舶配备的船长、轮机长不满足最低安全配员要求"),
    ("WT-4.2", "（二）", "内河液化气燃料或者其他低闪点燃料动力船舶上任职的船员未按规定持有有效的特殊培训合格证"),
    ("WT-4.3", "（三）", "船舶未按规定持有有效的内河船舶检验证书、符合证明及安全管理证书"),
    ("WT-4.4", "（四）", "船舶超核定航区航行"),
    ("WT-4.5", "（五）", "船舶严重超核定载重线载运货物或超核定乘客定额载客"),
    ("WT-4.6", "（六）", "船舶不遵守禁限航要求冒险航行"),
]


def citation(title: str, number: str) -> str:
    return f"《{title}》（{number}）" if number else f"《{title}》"


def _source(Source, row):
    code, title, issuer, number, edition, effective = row
    source, _created = Source.objects.update_or_create(
        code=code,
        defaults={
            "title": title,
            "issuer": issuer,
            "document_number": number,
            "edition": edition,
            "effective_from": effective,
            "is_current": True,
        },
    )
    return source


def _items(Criterion, sector, source, scope, article, items):
    for code, clause, text in items:
        Criterion.objects.update_or_create(
            sector_id=sector,
            item=code,
            defaults={
                "text": text,
                "source": citation(source.title, source.document_number),
                "source_document": source,
                "scope": scope,
                "article": article,
                "clause": clause,
                "verified": True,
                "note": "",
                "is_active": True,
            },
        )


def forwards(apps, schema_editor):
    Source = apps.get_model("hazards", "CriterionSource")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    known = set(apps.get_model("registry", "Sector").objects.values_list("code", flat=True))
    if "civil_explosives" in known:
        _items(Criterion, "civil_explosives", _source(Source, EXPLOSIVES), EX_SCOPE, "", EX_ITEMS)
    if "water_transport" in known:
        _items(Criterion, "water_transport", _source(Source, INLAND_SHIPS), WT_SCOPE, "第四条", WT_ITEMS)


def backwards(apps, schema_editor):
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    added = [c[0] for c in EX_ITEMS[1:] + WT_ITEMS]
    Criterion.objects.filter(item__in=added, hazards__isnull=True).delete()
    Criterion.objects.filter(item="EX-1").update(verified=False, is_active=False)
    apps.get_model("hazards", "CriterionSource").objects.filter(code="inland_ships_2024").delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0014_merge_0009_search_words_0013_criterion_item_label")]

    operations = [migrations.RunPython(forwards, backwards)]
