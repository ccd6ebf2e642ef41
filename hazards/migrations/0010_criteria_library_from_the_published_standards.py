"""The major-hazard criteria library as published (R-HAZ-9): one source row per edition, each item with its
article, item number, scope and the source's own wording.

Provenance: `verified=True` only for items whose wording was read in a retrievable copy of the source
(the text of order 10 of 2023, arts. 3, 11, 12 and 13 (1); items (一)–(十四) of the 2017 chemicals standard).
Every other item ships `verified=False` and inactive, with a note saying what is still to be checked; a
district administrator checks it against the official text, corrects it and activates it. An unverified
item is never offered on a hazard.

The earlier rows are corrected in place (same codes), so hazards that cite them keep their link: CS-1 keeps
the source's "并且" and its scope; IT-2 (special operators) is art. 3, not art. 11; CS-3 and CS-4 were no
items of the source and are withdrawn. The data is written here, not imported, so the migration never changes.
"""

import datetime as dt

from django.db import migrations

SOURCES = [
    # code, title, issuer, document number, edition, in force from
    (
        "it_2023",
        "工贸企业重大事故隐患判定标准",
        "应急管理部",
        "应急管理部令第10号",
        "2023",
        dt.date(2023, 5, 15),
    ),
    (
        "chem_2017",
        "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）",
        "原国家安全生产监督管理总局",
        "安监总管三〔2017〕121号",
        "2017",
        None,
    ),
    (
        "housing_2024",
        "房屋市政工程生产安全重大事故隐患判定标准（2024版）",
        "住房和城乡建设部",
        "",
        "2024",
        None,
    ),
    (
        "road_2023",
        "道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）",
        "交通运输部",
        "",
        "2023",
        None,
    ),
    (
        "se_2024",
        "特种设备重大事故隐患判定准则",
        "国家市场监督管理总局 国家标准化管理委员会",
        "GB 45067-2024",
        "2024",
        None,
    ),
    ("gas_2023", "城镇燃气经营安全重大隐患判定标准", "住房和城乡建设部", "", "2023", None),
    (
        "fire_2025",
        "重大火灾隐患判定规则",
        "国家市场监督管理总局 国家标准化管理委员会",
        "GB 35181-2025",
        "2025",
        None,
    ),
    (
        "explosives_2023",
        "民用爆炸物品生产、销售企业安全生产重大事故隐患判定标准",
        "工业和信息化部",
        "",
        "2023",
        None,
    ),
]

UNCHECKED = "原文待核对：措辞未能与可获取的标准文本逐字核对，核对前不启用。"
HOUSING_NOTE = "原文待核对：条款号和措辞取自2022版，须按2024版原文核对后启用。"

IT_ALL = "工贸企业"
IT_DUST = "存在粉尘爆炸危险的工贸企业"
IT_AMMONIA = "使用液氨制冷的工贸企业"
IT_CONFINED = "存在硫化氢、一氧化碳等中毒风险的有限空间作业的工贸企业"
CHEM = "化工和危险化学品生产经营单位"

# sector, code, source, scope, article, item no., text, verified, note
CRITERIA = [
    # MEM order 10 of 2023, art. 3: every industry-and-trade enterprise.
    (
        "industry_trade",
        "IT-3.1",
        "it_2023",
        IT_ALL,
        "第三条",
        "（一）",
        "未对承包单位、承租单位的安全生产工作统一协调、管理，或者未定期进行安全检查的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-2",
        "it_2023",
        IT_ALL,
        "第三条",
        "（二）",
        "特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-3.3",
        "it_2023",
        IT_ALL,
        "第三条",
        "（三）",
        "金属冶炼企业主要负责人、安全生产管理人员未按照规定经考核合格的",
        True,
        "",
    ),
    # Art. 11: dust explosion.
    (
        "industry_trade",
        "IT-1",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（一）",
        "粉尘爆炸危险场所设置在非框架结构的多层建（构）筑物内，或者粉尘爆炸危险场所内设有员工宿舍、会议室、"
        "办公室、休息室等人员聚集场所的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.2",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（二）",
        "不同类别的可燃性粉尘、可燃性粉尘与可燃气体等易加剧爆炸危险的介质共用一套除尘系统，或者不同建（构）筑物、"
        "不同防火分区共用一套除尘系统、除尘系统互联互通的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.3",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（三）",
        "干式除尘系统未采取泄爆、惰化、抑爆等任一种爆炸防控措施的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.4",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（四）",
        "铝镁等金属粉尘除尘系统采用正压除尘方式，或者其他可燃性粉尘除尘系统采用正压吹送粉尘时，"
        "未采取火花探测消除等防范点燃源措施的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.5",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（五）",
        "除尘系统采用重力沉降室除尘，或者采用干式巷道式构筑物作为除尘风道的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.6",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（六）",
        "铝镁等金属粉尘、木质粉尘的干式除尘系统未设置锁气卸灰装置的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.7",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（七）",
        "除尘器、收尘仓等划分为20区的粉尘爆炸危险场所电气设备不符合防爆要求的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.8",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（八）",
        "粉碎、研磨、造粒等易产生机械点燃源的工艺设备前，未设置铁、石等杂物去除装置，或者木制品加工企业与砂光机"
        "连接的风管未设置火花探测消除装置的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-11.9",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（九）",
        "遇湿自燃金属粉尘收集、堆放、储存场所未采取通风等防止氢气积聚措施，或者干式收集、堆放、储存场所未采取防水、"
        "防潮措施的",
        False,
        UNCHECKED,
    ),
    (
        "industry_trade",
        "IT-11.10",
        "it_2023",
        IT_DUST,
        "第十一条",
        "（十）",
        "未落实粉尘清理制度，造成作业现场积尘严重的",
        False,
        UNCHECKED,
    ),
    # Art. 12: ammonia refrigeration.
    (
        "industry_trade",
        "IT-12.1",
        "it_2023",
        IT_AMMONIA,
        "第十二条",
        "（一）",
        "包装、分割、产品整理场所的空调系统采用氨直接蒸发制冷的",
        True,
        "",
    ),
    (
        "industry_trade",
        "IT-12.2",
        "it_2023",
        IT_AMMONIA,
        "第十二条",
        "（二）",
        "快速冻结装置未设置在单独的作业间内，或者快速冻结装置作业间内作业人员数量超过9人的",
        True,
        "",
    ),
    # Art. 13: confined spaces with a hydrogen sulfide or carbon monoxide poisoning risk. "并且" stays "并且".
    (
        "confined_space",
        "CS-1",
        "it_2023",
        IT_CONFINED,
        "第十三条",
        "（一）",
        "未对有限空间进行辨识、建立安全管理台账，并且未设置明显的安全警示标志的",
        True,
        "",
    ),
    (
        "confined_space",
        "CS-2",
        "it_2023",
        IT_CONFINED,
        "第十三条",
        "（二）",
        "未落实有限空间作业审批，或者未执行“先通风、再检测、后作业”要求，或者未按照规定配备使用"
        "气体检测报警仪器的",
        False,
        UNCHECKED,
    ),
    # Chemicals and hazardous chemicals, 2017 (no articles; items (一)–(二十)).
    (
        "hazardous_chemicals",
        "HC-1",
        "chem_2017",
        CHEM,
        "",
        "（一）",
        "危险化学品生产、经营单位主要负责人和安全生产管理人员未依法经考核合格",
        True,
        "",
    ),
    ("hazardous_chemicals", "HC-2", "chem_2017", CHEM, "", "（二）", "特种作业人员未持证上岗", True, ""),
    (
        "hazardous_chemicals",
        "HC-3",
        "chem_2017",
        CHEM,
        "",
        "（三）",
        "涉及“两重点一重大”的生产装置、储存设施外部安全防护距离不符合国家标准要求",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-4",
        "chem_2017",
        CHEM,
        "",
        "（四）",
        "涉及重点监管危险化工工艺的装置未实现自动化控制，系统未实现紧急停车功能，装备的自动化控制系统、"
        "紧急停车系统未投入使用",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-5",
        "chem_2017",
        CHEM,
        "",
        "（五）",
        "构成一级、二级重大危险源的危险化学品罐区未实现紧急切断功能；涉及毒性气体、液化气体、剧毒液体的一级、"
        "二级重大危险源的危险化学品罐区未配备独立的安全仪表系统",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-6",
        "chem_2017",
        CHEM,
        "",
        "（六）",
        "全压力式液化烃储罐未按国家标准设置注水措施",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-7",
        "chem_2017",
        CHEM,
        "",
        "（七）",
        "液化烃、液氨、液氯等易燃易爆、有毒有害液化气体的充装未使用万向管道充装系统",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-8",
        "chem_2017",
        CHEM,
        "",
        "（八）",
        "光气、氯气等剧毒气体及硫化氢气体管道穿越除厂区（包括化工园区、工业园区）外的公共区域",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-9",
        "chem_2017",
        CHEM,
        "",
        "（九）",
        "地区架空电力线路穿越生产区且不符合国家标准要求",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-10",
        "chem_2017",
        CHEM,
        "",
        "（十）",
        "在役化工装置未经正规设计且未进行安全设计诊断",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-11",
        "chem_2017",
        CHEM,
        "",
        "（十一）",
        "使用淘汰落后安全技术工艺、设备目录列出的工艺、设备",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-12",
        "chem_2017",
        CHEM,
        "",
        "（十二）",
        "涉及可燃和有毒有害气体泄漏的场所未按国家标准设置检测报警装置，爆炸危险场所未按国家标准安装使用防爆电气设备",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-13",
        "chem_2017",
        CHEM,
        "",
        "（十三）",
        "控制室或机柜间面向具有火灾、爆炸危险性装置一侧不满足国家标准关于防火防爆的要求",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-14",
        "chem_2017",
        CHEM,
        "",
        "（十四）",
        "化工生产装置未按国家标准要求设置双重电源供电，自动化控制系统未设置不间断电源",
        True,
        "",
    ),
    (
        "hazardous_chemicals",
        "HC-15",
        "chem_2017",
        CHEM,
        "",
        "（十五）",
        "安全阀、爆破片等安全附件未正常投用",
        False,
        UNCHECKED,
    ),
    (
        "hazardous_chemicals",
        "HC-16",
        "chem_2017",
        CHEM,
        "",
        "（十六）",
        "未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度",
        False,
        UNCHECKED,
    ),
    (
        "hazardous_chemicals",
        "HC-17",
        "chem_2017",
        CHEM,
        "",
        "（十七）",
        "未制定操作规程和工艺控制指标",
        False,
        UNCHECKED,
    ),
    (
        "hazardous_chemicals",
        "HC-18",
        "chem_2017",
        CHEM,
        "",
        "（十八）",
        "未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行",
        False,
        UNCHECKED,
    ),
    (
        "hazardous_chemicals",
        "HC-20",
        "chem_2017",
        CHEM,
        "",
        "（二十）",
        "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存",
        False,
        UNCHECKED,
    ),
    # Housing and municipal works, 2024 edition (article numbers as in 2022; to be checked).
    (
        "construction",
        "HM-4.1",
        "housing_2024",
        "房屋建筑和市政基础设施工程",
        "第四条",
        "（一）",
        "建筑施工企业未取得安全生产许可证擅自从事建筑施工活动",
        False,
        HOUSING_NOTE,
    ),
    (
        "construction",
        "HM-8.5",
        "housing_2024",
        "房屋建筑和市政基础设施工程",
        "第八条",
        "（五）",
        "建筑起重机械的安全装置不齐全、失效或者被违规拆除、破坏",
        False,
        HOUSING_NOTE,
    ),
    (
        "construction",
        "HM-9.3",
        "housing_2024",
        "房屋建筑和市政基础设施工程",
        "第九条",
        "（三）",
        "悬挑式操作平台的搁置点、拉结点、支撑点未设置在稳定的主体结构上，且未做可靠连接",
        False,
        HOUSING_NOTE,
    ),
    (
        "construction",
        "HM-11.1",
        "housing_2024",
        "房屋建筑和市政基础设施工程",
        "第十一条",
        "（一）",
        "有限空间作业未履行“作业审批制度”，未对施工人员进行专项安全教育培训，未执行“先通风、再检测、后作业”原则",
        False,
        HOUSING_NOTE,
    ),
    (
        "construction",
        "HM-11.2",
        "housing_2024",
        "房屋建筑和市政基础设施工程",
        "第十一条",
        "（二）",
        "有限空间作业时现场未有专人负责监护工作",
        False,
        HOUSING_NOTE,
    ),
    # Special equipment, GB 45067-2024 (clause numbers to be checked).
    (
        "special_equipment",
        "SE-1",
        "se_2024",
        "特种设备使用单位",
        "",
        "",
        "使用未经检验或者检验不合格的特种设备",
        False,
        UNCHECKED,
    ),
    (
        "special_equipment",
        "SE-2",
        "se_2024",
        "特种设备使用单位",
        "",
        "",
        "起重机械、电梯的安全保护装置缺失或者失效",
        False,
        UNCHECKED,
    ),
    (
        "special_equipment",
        "SE-3",
        "se_2024",
        "特种设备使用单位",
        "",
        "",
        "特种设备作业人员未取得相应资格证书上岗作业",
        False,
        UNCHECKED,
    ),
    # Road transport, 2023.
    (
        "road_traffic",
        "RT-1",
        "road_2023",
        "道路运输企业和城市客运企业",
        "",
        "",
        "在暴雨红色预警或者台风橙色及以上预警期间，违反停运指令组织车辆营运",
        False,
        UNCHECKED,
    ),
    # Urban gas, 2023.
    (
        "gas",
        "GAS-1",
        "gas_2023",
        "城镇燃气经营者",
        "",
        "",
        "未取得燃气经营许可证从事燃气经营活动",
        False,
        UNCHECKED,
    ),
    # Fire, GB 35181-2025.
    (
        "fire",
        "FIRE-1",
        "fire_2025",
        "",
        "",
        "",
        "依法应当设置而未设置自动喷水灭火系统或者火灾自动报警系统",
        False,
        UNCHECKED,
    ),
    # Civil explosives, 2023.
    (
        "civil_explosives",
        "EX-1",
        "explosives_2023",
        "民用爆炸物品生产、销售企业",
        "",
        "",
        "未取得民用爆炸物品生产（销售）许可证从事生产（销售）活动",
        False,
        UNCHECKED,
    ),
]

# Earlier rows that restated no item of their source: kept for the hazards that cite them, withdrawn.
WITHDRAWN = {
    "CS-3": "已停用：不是《工贸企业重大事故隐患判定标准》的独立条目（“先通风、再检测、后作业”属第十三条第（二）项）。",
    "CS-4": "已停用：不是《工贸企业重大事故隐患判定标准》的条目。",
}


def citation(title: str, number: str) -> str:
    return f"《{title}》（{number}）" if number else f"《{title}》"


def forwards(apps, schema_editor):
    Source = apps.get_model("hazards", "CriterionSource")
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    Sector = apps.get_model("registry", "Sector")
    known = set(Sector.objects.values_list("code", flat=True))
    sources = {}
    for code, title, issuer, number, edition, effective in SOURCES:
        sources[code], _ = Source.objects.update_or_create(
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
    for sector, item, source, scope, article, clause, text, verified, note in CRITERIA:
        if sector not in known:
            continue
        edition = sources[source]
        Criterion.objects.update_or_create(
            sector_id=sector,
            item=item,
            defaults={
                "text": text,
                "source": citation(edition.title, edition.document_number),
                "source_document": edition,
                "scope": scope,
                "article": article,
                "clause": clause,
                "verified": verified,
                "note": note,
                "is_active": verified,
            },
        )
    for item, note in WITHDRAWN.items():
        Criterion.objects.filter(sector_id="confined_space", item=item).update(
            is_active=False, verified=False, note=note, source_document=sources["it_2023"]
        )


def backwards(apps, schema_editor):
    Criterion = apps.get_model("hazards", "MajorHazardCriterion")
    kept = {"CS-1", "CS-2", "CS-3", "CS-4", "IT-1", "IT-2", "SE-1", "SE-2", "SE-3", "RT-1"}
    added = [c[1] for c in CRITERIA if c[1] not in kept]
    Criterion.objects.filter(item__in=added, hazards__isnull=True).delete()
    Criterion.objects.update(source_document=None)
    apps.get_model("hazards", "CriterionSource").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0009_criteria_sources_and_provenance")]

    operations = [migrations.RunPython(forwards, backwards)]
