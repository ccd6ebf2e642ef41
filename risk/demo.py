"""Demo risk registers: points with assessments and controls for most enterprises, all four colours.

Deterministic from the builder's `rng`; bulk inserts keep the full district (2,000 enterprises) quick.
Every number comes from `risk.tables.assess`, so the demo obeys the same tables as real input.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.choices import RiskColour, Role
from registry.models import Enterprise
from risk.choices import ControlLevel, MeasureKind, Method
from risk.dynamic import months_after
from risk.models import ControlMeasure, RiskAssessment, RiskPoint
from risk.tables import FACTOR_TABLES, assess, grading, highest_colour, required_control_level

# (name, kind, factor categories, accident types, hazard factors, consequences, emergency measures)
POINTS_BY_SECTOR = {
    "industry_trade": [
        (
            "冲压车间",
            "site",
            ["object", "human"],
            ["03", "01"],
            "冲床防护装置失效，违章手入模区",
            "手指、手掌挤压伤",
            "立即停机断电，现场止血包扎，拨打120",
        ),
        (
            "粉尘涉爆除尘系统",
            "facility",
            ["object", "environment"],
            ["18", "08"],
            "铝镁粉尘积聚，除尘器泄爆装置缺失",
            "粉尘爆炸，多人伤亡",
            "停止作业，疏散人员，禁止用水扑救金属粉尘火灾",
        ),
        (
            "喷涂作业",
            "operation",
            ["environment", "object"],
            ["08", "19"],
            "有机溶剂挥发，通风不良，静电积聚",
            "火灾、中毒",
            "切断电源，开启排风，使用干粉灭火器",
        ),
        (
            "叉车作业",
            "operation",
            ["human", "management"],
            ["02"],
            "无证驾驶，超速，视线受阻",
            "车辆伤害",
            "立即停车，救护伤员，保护现场",
        ),
        (
            "配电房",
            "facility",
            ["object"],
            ["05", "08"],
            "绝缘老化，带电作业",
            "触电、电气火灾",
            "先断电后施救，使用绝缘工具",
        ),
    ],
    "hazardous_chemicals": [
        (
            "储罐区",
            "site",
            ["object", "environment"],
            ["17", "08", "19"],
            "易燃液体储罐泄漏，防火堤破损",
            "火灾爆炸、中毒",
            "启动紧急切断阀，疏散下风向人员，报告119",
        ),
        (
            "装卸作业",
            "operation",
            ["human", "object"],
            ["19", "08"],
            "静电接地不良，软管破裂",
            "泄漏、火灾",
            "停止装卸，关闭阀门，围堵泄漏物",
        ),
    ],
    "confined_space": [
        (
            "污水处理池",
            "facility",
            ["environment", "management"],
            ["19", "06"],
            "硫化氢积聚，缺氧",
            "中毒窒息，盲目施救致多人死亡",
            "严禁盲目施救，佩戴正压式呼吸器，报告120",
        ),
        (
            "化粪池清掏",
            "operation",
            ["environment", "human"],
            ["19"],
            "未通风检测即进入",
            "中毒窒息",
            "先通风、再检测、后作业；监护人不得离开",
        ),
    ],
    "road_traffic": [
        (
            "营运车辆停车场",
            "site",
            ["human", "object"],
            ["02"],
            "车辆倒车盲区，行人混行",
            "车辆伤害",
            "设置警戒，救护伤员，报告110",
        ),
        (
            "危险货物运输车辆",
            "equipment",
            ["object", "management"],
            ["17", "19", "02"],
            "罐体泄漏，疲劳驾驶",
            "泄漏、爆炸、交通事故",
            "靠边停车，设置警示，报告119和122",
        ),
    ],
    "water_transport": [
        (
            "码头装卸区",
            "site",
            ["environment", "human"],
            ["06", "04"],
            "临水作业无防护，起重吊装",
            "淹溺、起重伤害",
            "抛投救生圈，停止吊装，报告水上搜救",
        ),
    ],
    "construction": [
        (
            "深基坑",
            "site",
            ["environment", "object"],
            ["10", "09"],
            "支护失稳，临边无防护",
            "坍塌、高处坠落",
            "撤离坑内人员，停止开挖，报告项目负责人",
        ),
        (
            "外脚手架",
            "facility",
            ["object", "human"],
            ["09", "01"],
            "连墙件缺失，未系安全带",
            "高处坠落、物体打击",
            "停止作业，救护伤员，封闭区域",
        ),
        (
            "塔式起重机",
            "equipment",
            ["object", "management"],
            ["04"],
            "限位装置失效，超载吊装",
            "起重伤害、倒塌",
            "停止吊装，疏散下方人员",
        ),
    ],
    "special_equipment": [
        (
            "锅炉房",
            "facility",
            ["object", "management"],
            ["16", "07"],
            "安全阀失效，水位计失灵",
            "锅炉爆炸、烫伤",
            "紧急停炉，开启排汽，疏散人员",
        ),
        (
            "载货电梯",
            "equipment",
            ["object"],
            ["04", "09"],
            "安全保护装置失效，超期未检",
            "坠落、挤压",
            "切断电源，安抚被困人员，联系维保单位",
        ),
    ],
    "gas": [
        (
            "燃气调压站",
            "facility",
            ["object", "environment"],
            ["18", "08"],
            "管道泄漏，防爆电器缺失",
            "爆炸、火灾",
            "关闭总阀，严禁明火和开关电器，疏散人员",
        ),
        (
            "液化气瓶库",
            "site",
            ["object", "management"],
            ["17", "08"],
            "气瓶超期未检，通风不良",
            "容器爆炸、火灾",
            "关闭瓶阀，移走气瓶，报告119",
        ),
    ],
    "fire": [
        (
            "成品仓库",
            "site",
            ["object", "management"],
            ["08"],
            "堆垛过高，消防通道堵塞",
            "火灾",
            "报警，使用室内消火栓，组织疏散",
        ),
        (
            "员工宿舍",
            "site",
            ["human", "management"],
            ["08"],
            "电动车室内充电，私拉电线",
            "火灾、人员伤亡",
            "报警，沿疏散通道撤离，清点人数",
        ),
    ],
    "civil_explosives": [
        (
            "炸药库",
            "facility",
            ["object", "management"],
            ["14", "13"],
            "超量储存，防雷设施失效",
            "火药爆炸",
            "立即撤离至安全距离，报告110和119",
        ),
    ],
}
MEASURES = {
    MeasureKind.ENGINEERING: ["安装安全联锁和防护装置", "设置可燃气体检测报警装置", "完善通风除尘和泄爆设施"],
    MeasureKind.MANAGEMENT: [
        "执行作业审批和交接班检查制度",
        "每日开展岗位安全巡查",
        "建立设备台账并定期维护保养",
    ],
    MeasureKind.TRAINING: ["岗前三级安全教育培训", "每季度开展专项安全培训"],
    MeasureKind.PPE: ["配备并正确佩戴防护用品", "配备正压式空气呼吸器和安全带"],
    MeasureKind.EMERGENCY: ["编制现场处置方案并每半年演练", "配置应急救援器材并定期检查"],
}
# Share of points per colour in the demo (most points are low risk, a few are major).
COLOUR_WEIGHTS = [
    (RiskColour.RED, 6),
    (RiskColour.ORANGE, 16),
    (RiskColour.YELLOW, 34),
    (RiskColour.BLUE, 44),
]
PEOPLE = ["陈志强", "李伟明", "黄晓东", "梁国华", "吴建平", "何家豪", "林少芬", "张丽萍"]
LEVEL_ORDER = [ControlLevel.TEAM, ControlLevel.WORKSHOP, ControlLevel.DEPARTMENT, ControlLevel.COMPANY]


def _vectors() -> dict[tuple[str, str], list[dict]]:
    """Every table combination by (method, colour), in a fixed order."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for method, tables in FACTOR_TABLES.items():
        names = list(tables)
        combos: list[dict] = [{}]
        for name in names:
            combos = [{**c, name: value} for c in combos for value, _label in tables[name]]
        for combo in combos:
            found[(str(method), assess(method, **combo).colour)].append(combo)
    return found


def _weighted_colour(rng) -> str:
    total = sum(w for _c, w in COLOUR_WEIGHTS)
    pick = rng.uniform(0, total)
    for colour, weight in COLOUR_WEIGHTS:
        pick -= weight
        if pick <= 0:
            return str(colour)
    return str(RiskColour.BLUE)


@transaction.atomic
def build_risk(*, rng, small: bool = False, stdout=None) -> None:
    if RiskPoint.objects.exists():
        return
    vectors = _vectors()
    now = timezone.now()
    enterprises = list(Enterprise.objects.prefetch_related("sectors").order_by("id"))
    own = set(
        User.objects.filter(role_assignments__role=Role.ENTERPRISE_USER).values_list(
            "enterprise_id", flat=True
        )
    )
    officers = list(User.objects.filter(role_assignments__role=Role.TOWN_OFFICER).order_by("id"))
    share = 0.75 if small else 0.6
    planned: list[tuple[RiskPoint, dict, str, int]] = []
    forced = [str(c) for c, _w in COLOUR_WEIGHTS]  # the first points take each colour once
    for enterprise in enterprises:
        if enterprise.pk not in own and rng.random() > share:
            continue
        codes = [s.code for s in enterprise.sectors.all()] or ["industry_trade"]
        templates = [t for code in codes for t in POINTS_BY_SECTOR.get(code, POINTS_BY_SECTOR["fire"])]
        count = min(len(templates), rng.choice([1, 2, 2, 3]))
        for name, kind, factors, types, hazard, consequence, emergency in rng.sample(templates, count):
            colour = forced.pop(0) if forced else _weighted_colour(rng)
            method = str(Method.LEC) if rng.random() < 0.6 else str(Method.LS)
            if not vectors.get((method, colour)):
                method = str(Method.LEC)
            combo = rng.choice(vectors[(method, colour)])
            point = RiskPoint(
                enterprise=enterprise,
                name=name,
                kind=kind,
                location=f"{enterprise.address[:60]}{name}" if enterprise.address else name,
                factor_categories=factors,
                hazard_factors=hazard,
                accident_types=types,
                consequences=consequence,
                emergency_measures=emergency,
                responsible_person=rng.choice(PEOPLE),
                responsible_phone=f"13{rng.randint(500000000, 899999999)}",
                method=method,
                created_at=now - dt.timedelta(days=rng.randint(200, 600)),
            )
            planned.append((point, combo, colour, rng.randint(20, 420)))  # some reviews are due
    assessments: list[RiskAssessment] = []
    measures: list[ControlMeasure] = []
    for point, combo, _colour, days_ago in planned:
        result = assess(point.method, **combo)
        assessor = rng.choice(officers) if officers and rng.random() < 0.3 else None
        assessed_at = now - dt.timedelta(days=days_ago)
        # An earlier assessment for some points, so that the history shows reassessment.
        if rng.random() < 0.25:
            old = rng.choice(_vectors_for(point.method))
            assessments.append(
                _assessment(
                    point,
                    combo=old,
                    result=assess(point.method, **old),
                    at=assessed_at - dt.timedelta(days=365),
                    by=assessor,
                )
            )
        assessments.append(_assessment(point, combo=combo, result=result, at=assessed_at, by=assessor))
        point.l_value = Decimal(combo["l"])
        point.e_value = combo.get("e")
        point.c_value = combo.get("c")
        point.s_value = int(combo["s"]) if "s" in combo else None
        point.score, point.grade, point.colour = result.score, result.grade, result.colour
        point.effective_colour = result.colour
        point.assessed_at, point.assessed_by = assessed_at, assessor
        point.next_review_on = months_after(timezone.localdate(assessed_at), 12)
        required = required_control_level(result.colour)
        kinds = rng.sample(list(MeasureKind.values), rng.randint(2, 4))
        for index, kind in enumerate(kinds):
            level = required
            # Now and then a measure owned one level too low, so the R-RISK-4 warning shows.
            if index == 0 and required != ControlLevel.TEAM and rng.random() < 0.15:
                level = LEVEL_ORDER[LEVEL_ORDER.index(required) - 1]
            measures.append(
                ControlMeasure(
                    point=point,
                    kind=kind,
                    level=level,
                    description=rng.choice(MEASURES[kind]),
                    responsible_person=rng.choice(PEOPLE),
                    created_at=assessed_at,
                )
            )
    # Children refer to their points by object: bulk_create sets the points' ids before they are saved.
    RiskPoint.objects.bulk_create([p for p, *_rest in planned], batch_size=500)
    RiskAssessment.objects.bulk_create(assessments, batch_size=500)
    ControlMeasure.objects.bulk_create(measures, batch_size=500)
    # R-RISK-5 in bulk: nothing can raise a level yet (hazards and accidents are built later, and their
    # services call refresh_enterprise_risk themselves).
    levels: dict[int, str] = {}
    for point, _combo, colour, _days in planned:
        levels[point.enterprise_id] = highest_colour([levels.get(point.enterprise_id, ""), colour])
    by_level: dict[str, list[int]] = defaultdict(list)
    for enterprise_id, level in levels.items():
        by_level[level].append(enterprise_id)
    for level, ids in by_level.items():
        Enterprise.objects.filter(pk__in=ids).update(risk_level=level, risk_level_reason="")
    if stdout is not None:
        stdout.write(
            f"risk: {len(planned)} points, {len(assessments)} assessments, {len(measures)} measures\n"
        )


_VECTOR_CACHE: dict[str, list[dict]] = {}


def _vectors_for(method: str) -> list[dict]:
    if method not in _VECTOR_CACHE:
        _VECTOR_CACHE[method] = [
            c for (m, _colour), combos in _vectors().items() if m == method for c in combos
        ]
    return _VECTOR_CACHE[method]


def _assessment(point, *, combo, result, at, by) -> RiskAssessment:
    return RiskAssessment(
        point=point,
        method=point.method,
        l_value=Decimal(combo["l"]),
        e_value=combo.get("e"),
        c_value=combo.get("c"),
        s_value=int(combo["s"]) if "s" in combo else None,
        score=result.score,
        grade=result.grade,
        colour=result.colour,
        grading_source=grading(point.method)["source"][:200],
        assessed_at=at,
        assessed_by=by,
        next_review_on=months_after(timezone.localdate(at), 12),
    )


def link_dynamic_risk(*, rng, stdout=None) -> None:
    """After the hazards and accidents are built: tie some open major hazards to a risk point of their
    enterprise and re-derive the levels they and recent accidents raise (R-RISK-6), so the demo shows why."""
    from core.extensions import risk_sources
    from risk.dynamic import enterprises_with_recent_accidents
    from risk.services import refresh_enterprise_risk

    touched: set[int] = set()
    points_by_enterprise: dict[int, list[int]] = defaultdict(list)
    for point_id, enterprise_id in (
        RiskPoint.objects.active().assessed().order_by("id").values_list("pk", "enterprise_id")
    ):
        points_by_enterprise[enterprise_id].append(point_id)
    for source in risk_sources.all():
        if source.link_demo is not None:
            touched |= source.link_demo(rng, points_by_enterprise)
    touched |= enterprises_with_recent_accidents(timezone.now())
    for enterprise_id in sorted(touched):
        refresh_enterprise_risk(enterprise_id=enterprise_id)
    if stdout is not None:
        stdout.write(f"risk: levels re-derived for {len(touched)} enterprises with hazards or accidents\n")
