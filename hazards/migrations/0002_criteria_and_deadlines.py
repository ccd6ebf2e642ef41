"""Ship the major-hazard criteria examples (R-HAZ-9) and the default deadlines (R-HAZ-6)."""

import datetime as dt

from django.db import migrations

IT_2023 = "应急管理部令第10号《工贸企业重大事故隐患判定标准》（2023）"
SE_2024 = "GB 45067-2024《特种设备重大事故隐患判定准则》"
RT_2023 = "交通运输部《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》（2023）"

CRITERIA = [
    ("confined_space", "CS-1", "未对有限空间进行辨识、建立安全管理台账，或者未设置明显的安全警示标志。", IT_2023),
    ("confined_space", "CS-2", "未落实有限空间作业审批，擅自进入有限空间作业。", IT_2023),
    ("confined_space", "CS-3", "有限空间作业未执行“先通风、再检测、后作业”要求。", IT_2023),
    ("confined_space", "CS-4", "有限空间作业未设置专职监护人员，或者监护人员离开作业现场。", IT_2023),
    (
        "industry_trade",
        "IT-1",
        "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、"
        "办公室、休息室等人员聚集场所。",
        IT_2023,
    ),
    ("industry_trade", "IT-2", "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业。", IT_2023),
    ("special_equipment", "SE-1", "使用未经检验或者检验不合格的特种设备。", SE_2024),
    ("special_equipment", "SE-2", "起重机械、电梯的安全保护装置缺失或者失效。", SE_2024),
    ("special_equipment", "SE-3", "特种设备作业人员未取得相应资格证书上岗作业。", SE_2024),
    (
        "road_traffic",
        "RT-1",
        "在暴雨红色预警或者台风橙色及以上预警期间，违反停运指令组织车辆营运。",
        RT_2023,
    ),
]

DEADLINES = [
    ("general", 15, "区安委办默认设置（《安全生产事故隐患排查治理暂行规定》原国家安监总局令第16号）"),
    ("major", 90, "区安委办默认设置（《安全生产事故隐患排查治理暂行规定》原国家安监总局令第16号）"),
]


def forwards(apps, schema_editor):
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    Sector = apps.get_model("registry", "Sector")
    DeadlinePolicy = apps.get_model("hazards", "DeadlinePolicy")
    known = set(Sector.objects.values_list("code", flat=True))
    for sector, item, text, source in CRITERIA:
        if sector in known:
            Criterion.objects.update_or_create(
                sector_id=sector, item=item, defaults={"text": text, "source": source, "is_active": True}
            )
    for level, days, source in DEADLINES:
        DeadlinePolicy.objects.get_or_create(
            level=level, defaults={"days": days, "source": source, "effective_from": dt.date(2026, 1, 1)}
        )


def backwards(apps, schema_editor):
    apps.get_model("hazards", "MajorHazardCriterion").objects.filter(item__in=[c[1] for c in CRITERIA]).delete()
    apps.get_model("hazards", "DeadlinePolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
        ("registry", "0002_seed_sectors_departments"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
