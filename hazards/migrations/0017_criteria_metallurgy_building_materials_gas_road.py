"""Third check of the criteria library against retrieved copies of the sources (R-HAZ-9).

Read this time, item by item, and shipped verified and active with the source's wording (full-width punctuation;
order 10 keeps its closing "的" as the earlier rows do):

- 《工贸企业重大事故隐患判定标准》 (应急管理部令第10号): art. 4 (metallurgy) items (一)–(四), art. 6 (building
  materials) items (一)–(八) and art. 7 (machinery) items (一)(二), read in the 中国应急管理报 print of the order
  (1 June 2023 and 22 June 2023, page 4; copies at anzhuopai.com/szb/pc/col/202306/01/content_202904.html and
  boglecoveoysterhouse.net/szb/pc/col/202306/22/content_204908.html), art. 4 (四) completed from the copy at
  916176.cn/Show/index/cid/6/id/2278.html, art. 4 (一)(二) and art. 7 (一) also in the simplified-character
  checklists at m.163wenku.com/p-7598017.html and max.book118.com/html/2025/0212/8061007063007031.shtm. The
  rows already verified (arts. 3, 11 (一)–(八), 12, 13 (一)) agree with these copies and are not touched.
- Chemicals, 2017 (安监总管三〔2017〕121号): items (十五)–(二十), read in two independent reproductions of the
  whole list of twenty items that agree word for word with each other and with items (一)–(十四) as already
  verified (and with the start of item (十五) in the 中国应急管理报 print of 25 May 2023). HC-15 to HC-18 and
  HC-20 had the right wording and are activated; HC-19 is added.
- Urban gas (住房和城乡建设部, 建城规〔2023〕4号, 21 September 2023): art. 4 items (一)–(五) and art. 5 items
  (一)(二), read in copies of the ministry's notice (66baike.cn/news_detail/7.html,
  shilihuiyuan.cn/news/show.php?itemid=25996; number and date at 66wkw.com/doc/7453.html). GAS-1 is art. 4 (一).
- Road transport (《道路运输企业和城市客运企业安全生产重大事故隐患判定标准（试行）》): art. 3 items (一)–(四),
  read in a copy at ysfeather.com/content/detail/655aadbe2b56e0a4418b4580.html, and art. 4 (一) as quoted by the
  Ministry of Transport (mot.gov.cn/liuyanzixun/202508/t20250825_4175400.html). RT-1 was a paraphrase of
  art. 3 (四) and now carries its wording (same code, so checklist items that cite it keep the link).

Still unverified and inactive (no retrievable text of the item was found): order 10 arts. 4 (五)–(十一), 5, 7
(三) on, 8, 9 and 10 (not shipped at all), art. 11 (九)(十) and art. 13 (二); road art. 3 (五) (a catch-all,
not shipped) and art. 4 from (二) on; gas art. 5 from (三) on and arts. 6 on; the housing 2024 edition; special
equipment (the copies of GB 45067-2024 found drop words from the items); fire (GB 35181-2025). Their rows keep
their notes.

Idempotent: update_or_create by sector and item code.
"""

import datetime as dt

from django.db import migrations

IT_METALLURGY = "冶金企业"
IT_BUILDING = "建材企业"
IT_MACHINERY = "机械企业"

# code, article, item no., text
ORDER_10 = [
    (
        IT_METALLURGY,
        [
            (
                "IT-4.1",
                "第四条",
                "（一）",
                "会议室、活动室、休息室、操作室、交接班室、更衣室（含澡堂）等6类人员聚集场所，以及钢铁水罐冷（热）修"
                "工位设置在铁水、钢水、液渣吊运跨的地坪区域内的",
            ),
            (
                "IT-4.2",
                "第四条",
                "（二）",
                "生产期间冶炼、精炼和铸造生产区域的事故坑、炉下渣坑，以及熔融金属泄漏和喷溅影响范围内的炉前平台、"
                "炉基区域、厂房内吊运和地面运输通道等6类区域存在积水的",
            ),
            (
                "IT-4.3",
                "第四条",
                "（三）",
                "炼钢连铸流程未设置事故钢水罐、中间罐漏钢坑（槽）、中间罐溢流坑（槽）、漏钢回转溜槽，或者模铸流程"
                "未设置事故钢水罐（坑、槽）的",
            ),
            (
                "IT-4.4",
                "第四条",
                "（四）",
                "转炉、电弧炉、AOD炉、LF炉、RH炉、VOD炉等炼钢炉的水冷元件未设置出水温度、进出水流量差等监测报警"
                "装置，或者监测报警装置未与炉体倾动、氧（副）枪自动提升、电极自动断电和升起装置联锁的",
            ),
        ],
    ),
    (
        IT_BUILDING,
        [
            (
                "IT-6.1",
                "第六条",
                "（一）",
                "煤磨袋式收尘器、煤粉仓未设置温度和固定式一氧化碳浓度监测报警装置，或者未设置气体灭火装置的",
            ),
            (
                "IT-6.2",
                "第六条",
                "（二）",
                "筒型储库人工清库作业未落实清库方案中防止高处坠落、坍塌等安全措施的",
            ),
            (
                "IT-6.3",
                "第六条",
                "（三）",
                "水泥企业电石渣原料筒型储库未设置固定式可燃气体浓度监测报警装置，或者监测报警装置未与事故通风装置"
                "联锁的",
            ),
            (
                "IT-6.4",
                "第六条",
                "（四）",
                "进入筒型储库、焙烧窑、预热器旋风筒、分解炉、竖炉、篦冷机、磨机、破碎机前，未对可能意外启动的设备"
                "和涌入的物料、高温气体、有毒有害气体等采取隔离措施，或者未落实防止高处坠落、坍塌等安全措施的",
            ),
            (
                "IT-6.5",
                "第六条",
                "（五）",
                "采用预混燃烧方式的燃气窑炉（热发生炉煤气窑炉除外）的燃气总管未设置管道压力监测报警装置，或者监测"
                "报警装置未与紧急自动切断装置联锁的",
            ),
            (
                "IT-6.6",
                "第六条",
                "（六）",
                "制氢站、氮氢保护气体配气间、燃气配气间等3类场所未设置固定式可燃气体浓度监测报警装置的",
            ),
            ("IT-6.7", "第六条", "（七）", "电熔制品电炉的水冷设备失效的"),
            (
                "IT-6.8",
                "第六条",
                "（八）",
                "玻璃窑炉、玻璃锡槽等设备未设置水冷和风冷保护系统的监测报警装置的",
            ),
        ],
    ),
    (
        IT_MACHINERY,
        [
            (
                "IT-7.1",
                "第七条",
                "（一）",
                "会议室、活动室、休息室、更衣室、交接班室等5类人员聚集场所设置在熔融金属吊运跨或者浇注跨的地坪"
                "区域内的",
            ),
            (
                "IT-7.2",
                "第七条",
                "（二）",
                "铸造用熔炼炉、精炼炉、保温炉未设置紧急排放和应急储存设施的",
            ),
        ],
    ),
]

CHEM = "化工和危险化学品生产经营单位"
CHEMICALS = [
    ("HC-15", "（十五）", "安全阀、爆破片等安全附件未正常投用"),
    (
        "HC-16",
        "（十六）",
        "未建立与岗位相匹配的全员安全生产责任制或者未制定实施生产安全事故隐患排查治理制度",
    ),
    ("HC-17", "（十七）", "未制定操作规程和工艺控制指标"),
    (
        "HC-18",
        "（十八）",
        "未按照国家标准制定动火、进入受限空间等特殊作业管理制度，或者制度未有效执行",
    ),
    (
        "HC-19",
        "（十九）",
        "新开发的危险化学品生产工艺未经小试、中试、工业化试验直接进行工业化生产；国内首次使用的化工工艺未经过"
        "省级人民政府有关部门组织的安全可靠性论证；新建装置未制定试生产方案投料开车；精细化工企业未按规范性文件"
        "要求开展反应安全风险评估",
    ),
    (
        "HC-20",
        "（二十）",
        "未按国家标准分区分类储存危险化学品，超量、超品种储存危险化学品，相互禁配物质混放混存",
    ),
]

GAS_SOURCE = {
    "title": "城镇燃气经营安全重大隐患判定标准",
    "issuer": "住房和城乡建设部",
    "document_number": "建城规〔2023〕4号",
    "edition": "2023",
    "effective_from": dt.date(2023, 9, 21),
    "is_current": True,
}
GAS = [
    (
        "燃气经营者",
        "第四条",
        [
            ("GAS-1", "（一）", "未取得燃气经营许可证从事燃气经营活动"),
            ("GAS-4.2", "（二）", "未建立安全风险分级管控制度"),
            ("GAS-4.3", "（三）", "未建立事故隐患排查治理制度"),
            ("GAS-4.4", "（四）", "未制定生产安全事故应急救援预案"),
            ("GAS-4.5", "（五）", "未建立对燃气用户燃气设施的定期安全检查制度"),
        ],
    ),
    (
        "燃气经营者（燃气厂站安全管理）",
        "第五条",
        [
            (
                "GAS-5.1",
                "（一）",
                "燃气储罐未设置压力、罐容或液位显示等监测装置，或不具有超限报警功能",
            ),
            (
                "GAS-5.2",
                "（二）",
                "燃气厂站内设备和管道未设置防止系统压力参数超过限值的自动切断和放散装置",
            ),
        ],
    ),
]

ROAD = [
    (
        "道路运输企业和城市客运企业",
        "第三条",
        [
            (
                "RT-3.1",
                "（一）",
                "未取得经营许可或未按规定进行备案从事经营活动，或超出许可（备案）事项和有效期经营的",
            ),
            (
                "RT-3.2",
                "（二）",
                "使用报废、擅自改装、拼装、检验检测不合格（含未在有效期内）以及其他不符合国家规定的车辆装备、设施"
                "设备等从事经营活动的",
            ),
            (
                "RT-3.3",
                "（三）",
                "所属经营性驾驶员和车辆存在长期“三超一疲劳”（超速、超员、超载、疲劳驾驶）且运输过程中未及时提醒"
                "纠正、运输行为结束后一个月内未严肃处理，或所属经营性驾驶员存在一次计10分及以上诚信考核计分情形且"
                "未严肃处理仍继续安排上岗作业的",
            ),
            (
                "RT-1",
                "（四）",
                "经营地或运营线路途经地已发布台风橙色及以上预警，暴雨、暴雪、冰雹、大雾、沙尘暴、大风、道路结冰红色"
                "预警，或地质灾害气象风险红色预警等不具备安全通行条件时，未执行政府部门停运指令或企业应急预案要求"
                "仍擅自安排运输作业的",
            ),
        ],
    ),
    (
        "道路旅客运输企业",
        "第四条",
        [
            (
                "RT-4.1",
                "（一）",
                "800公里以上道路客运班线未按规定开展安全风险评估，或所属客运车辆未按规定执行凌晨2时至5时停车休息或"
                "接驳运输的",
            ),
        ],
    ),
]


def citation(title: str, number: str) -> str:
    return f"《{title}》（{number}）" if number else f"《{title}》"


def _write(Criterion, sector, source, scope, article, clause, item, text):
    Criterion.objects.update_or_create(
        sector_id=sector,
        item=item,
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
    sources = {s.code: s for s in Source.objects.filter(code__in=["it_2023", "chem_2017", "road_2023"])}

    if "industry_trade" in known and "it_2023" in sources:
        for scope, items in ORDER_10:
            for item, article, clause, text in items:
                _write(Criterion, "industry_trade", sources["it_2023"], scope, article, clause, item, text)
    if "hazardous_chemicals" in known and "chem_2017" in sources:
        for item, clause, text in CHEMICALS:
            _write(Criterion, "hazardous_chemicals", sources["chem_2017"], CHEM, "", clause, item, text)
    if "gas" in known:
        gas, _created = Source.objects.update_or_create(code="gas_2023", defaults=GAS_SOURCE)
        for scope, article, items in GAS:
            for item, clause, text in items:
                _write(Criterion, "gas", gas, scope, article, clause, item, text)
    if "road_traffic" in known and "road_2023" in sources:
        for scope, article, items in ROAD:
            for item, clause, text in items:
                _write(Criterion, "road_traffic", sources["road_2023"], scope, article, clause, item, text)


class Migration(migrations.Migration):
    dependencies = [("hazards", "0016_merge_20261204_0342")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
