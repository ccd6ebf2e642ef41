"""The demo district, modelled on Pengjiang District, Jiangmen: deterministic from a seed.

Streets Baisha, Beijie, Huanshi, Chaolian, Didong; towns Duruan, Tangxia, Hetang; villages and
communities; the departments; ~2,000 enterprises with realistic names, addresses inside their town,
valid credit codes, sectors weighted like a manufacturing district; the accounts of API.md.
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.choices import Role
from registry.boundaries import demo_boundaries
from registry.choices import EnterpriseScale, EnterpriseStatus, JurisdictionKind, SubSector
from registry.models import Department, Enterprise, EnterpriseStatusChange, Jurisdiction, Sector
from registry.validators import CREDIT_ALPHABET, credit_check_char

DEMO_PASSWORD = "Redline@2026"  # API.md: demo data only; never in a production database
DISTRICT = ("440703", "蓬江区", "Pengjiang District", 22.615, 113.070)
# (code, name, English, kind, lat, lng, radius in degrees, villages/communities)
TOWNS = [
    (
        "440703001",
        "白沙街道",
        "Baisha Street",
        "street",
        22.590,
        113.082,
        0.012,
        ["白沙社区", "篁庄社区", "滘头社区", "水南社区"],
    ),
    (
        "440703002",
        "北街街道",
        "Beijie Street",
        "street",
        22.607,
        113.066,
        0.012,
        ["北街社区", "紫茶社区", "丰乐社区"],
    ),
    (
        "440703003",
        "环市街道",
        "Huanshi Street",
        "street",
        22.626,
        113.050,
        0.016,
        ["东风社区", "篁边社区", "建设社区", "群星社区"],
    ),
    (
        "440703004",
        "潮连街道",
        "Chaolian Street",
        "street",
        22.665,
        113.118,
        0.018,
        ["富冈社区", "芝山社区", "卢边社区", "坦边社区"],
    ),
    (
        "440703005",
        "堤东街道",
        "Didong Street",
        "street",
        22.583,
        113.102,
        0.010,
        ["堤东社区", "江边社区", "荷芳社区"],
    ),
    (
        "440703100",
        "杜阮镇",
        "Duruan Town",
        "town",
        22.612,
        112.985,
        0.030,
        ["杜阮村", "井根村", "龙榜村", "松岭村", "上巷村", "木朗村"],
    ),
    (
        "440703101",
        "棠下镇",
        "Tangxia Town",
        "town",
        22.690,
        113.035,
        0.032,
        ["棠下村", "周郡村", "三堡村", "桐井村", "天乡村", "石头村"],
    ),
    (
        "440703102",
        "荷塘镇",
        "Hetang Town",
        "town",
        22.705,
        113.110,
        0.025,
        ["禾冈村", "霞村", "塔岗村", "良村", "唐溪村"],
    ),
]
ROADS = [
    "建设路",
    "发展大道",
    "工业大道",
    "迎宾大道",
    "振兴路",
    "丰乐路",
    "港口路",
    "江门大道",
    "桥北路",
    "新村路",
    "金星路",
    "锦江路",
    "华盛路",
    "富源路",
    "龙湾路",
]
BRANDS = [
    "金",
    "华",
    "盛",
    "鸿",
    "宏",
    "恒",
    "利",
    "德",
    "新",
    "信",
    "丰",
    "隆",
    "顺",
    "达",
    "伟",
    "嘉",
    "联",
    "兴",
    "源",
    "泰",
    "永",
    "昌",
    "冠",
    "捷",
    "宝",
    "科",
    "美",
    "雅",
    "佳",
    "荣",
    "富",
    "安",
    "力",
    "威",
    "星",
    "江",
    "海",
    "明",
]
# (sector mix, sub-sector, business words, weight): weighted like a manufacturing district.
PROFILES = [
    (["industry_trade"], "machinery", ["五金制品", "机械设备", "不锈钢制品", "摩托车配件", "精密模具"], 26),
    (["industry_trade", "confined_space"], "light_industry", ["纸业", "食品", "酿造", "印染"], 9),
    (["industry_trade"], "light_industry", ["塑料制品", "家具", "电器", "灯饰", "卫浴"], 16),
    (["industry_trade"], "textile", ["纺织", "制衣", "针织"], 8),
    (["industry_trade", "special_equipment"], "metallurgy", ["铝业", "铸造", "金属材料"], 4),
    (["industry_trade"], "building_materials", ["建材", "石材", "陶瓷"], 4),
    (["industry_trade", "fire"], "commerce", ["商贸", "百货", "物业管理"], 7),
    (["hazardous_chemicals"], "", ["化工", "涂料", "油墨", "危险品仓储"], 4),
    (["road_traffic"], "", ["物流", "运输", "客运"], 6),
    (["water_transport"], "", ["航运", "港务", "船务"], 2),
    (["construction"], "", ["建筑工程", "建设工程", "装饰工程"], 7),
    (["gas"], "", ["燃气", "液化气供应"], 3),
    (["civil_explosives"], "", ["爆破工程"], 1),
    (["fire"], "", ["酒店", "商场", "娱乐"], 3),
]
SURNAMES = "陈李黄张梁林吴何刘冯余谭邓区关莫叶周郑卢罗钟麦甄"
GIVEN = [
    "伟",
    "强",
    "敏",
    "静",
    "军",
    "洪",
    "志明",
    "国华",
    "少芳",
    "家豪",
    "嘉欣",
    "晓东",
    "永健",
    "丽华",
    "卓文",
    "锦辉",
]


def _polygon(lat: float, lng: float, radius: float, rng: random.Random) -> list[list[float]]:
    points = []
    for i in range(8):
        angle = 2 * math.pi * i / 8
        r = radius * (0.85 + 0.3 * rng.random())
        points.append([round(lat + r * math.sin(angle), 6), round(lng + r * 1.1 * math.cos(angle), 6)])
    return points


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _credit_code(rng: random.Random, used: set[str]) -> str:
    while True:
        body = "91440703" + "MA" + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(7))
        code = body + credit_check_char(body)
        if code not in used:
            used.add(code)
            return code


def build_jurisdictions(rng: random.Random) -> tuple[Jurisdiction, list[Jurisdiction]]:
    code, name, name_en, lat, lng = DISTRICT
    district, _ = Jurisdiction.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_en": name_en,
            "kind": JurisdictionKind.DISTRICT,
            "lat": Decimal(str(lat)),
            "lng": Decimal(str(lng)),
        },
    )
    towns = []
    shipped = demo_boundaries()
    for t_code, t_name, t_en, kind, lat, lng, radius, villages in TOWNS:
        # The generated outline is still drawn so that the random sequence, and with it every demo record
        # after this point, stays what it was before the outlines shipped as data (registry/data/).
        generated = _polygon(lat, lng, radius, rng)
        town, _ = Jurisdiction.objects.update_or_create(
            code=t_code,
            defaults={
                "name": t_name,
                "name_en": t_en,
                "kind": kind,
                "parent": district,
                "lat": Decimal(str(lat)),
                "lng": Decimal(str(lng)),
                "boundary": shipped.get(t_code, generated),
            },
        )
        town.radius = radius
        towns.append(town)
        for index, v_name in enumerate(villages, start=1):
            Jurisdiction.objects.update_or_create(
                code=f"{t_code}{index:03d}",
                defaults={
                    "name": v_name,
                    "kind": JurisdictionKind.VILLAGE if v_name.endswith("村") else JurisdictionKind.COMMUNITY,
                    "parent": town,
                    "lat": Decimal(str(round(lat + rng.uniform(-radius, radius) * 0.6, 6))),
                    "lng": Decimal(str(round(lng + rng.uniform(-radius, radius) * 0.6, 6))),
                },
            )
    return district, towns


def build_enterprises(rng: random.Random, towns: list[Jurisdiction], count: int) -> list[Enterprise]:
    town_weights = [8, 6, 9, 9, 5, 22, 24, 17]  # the towns hold most of the factories
    villages = {t.pk: list(Jurisdiction.objects.filter(parent=t)) for t in towns}
    used = set(Enterprise.objects.values_list("credit_code", flat=True))
    names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
    now = timezone.now()
    profiles = list(PROFILES)
    weights = [p[3] for p in profiles]
    rows: list[tuple[Enterprise, list[str]]] = []
    for _ in range(count):
        town = rng.choices(towns, weights=town_weights[: len(towns)])[0]
        sectors, sub_sector, words, _weight = rng.choices(profiles, weights=weights)[0]
        sectors = list(sectors)
        if "industry_trade" in sectors and rng.random() < 0.12 and "confined_space" not in sectors:
            sectors.append("confined_space")
        if rng.random() < 0.06 and "special_equipment" not in sectors:
            sectors.append("special_equipment")
        while True:
            word = rng.choice(words)
            brand = rng.choice(BRANDS) + rng.choice(BRANDS)
            suffix = rng.choice(["有限公司", "实业有限公司", "科技有限公司", "制品厂", "有限公司"])
            name = (
                f"江门市{brand}{word}{suffix}" if rng.random() < 0.7 else f"江门市蓬江区{brand}{word}{suffix}"
            )
            if name not in names:
                names.add(name)
                break
        village = rng.choice(villages[town.pk]) if villages[town.pk] else None
        employees = int(rng.lognormvariate(3.6, 1.0)) + 3
        scale = (
            EnterpriseScale.LARGE
            if employees >= 1000
            else EnterpriseScale.MEDIUM
            if employees >= 300
            else EnterpriseScale.SMALL
            if employees >= 20
            else EnterpriseScale.MICRO
        )
        radius = getattr(town, "radius", 0.01)
        status = rng.choices(
            [
                EnterpriseStatus.OPERATING,
                EnterpriseStatus.SHUTDOWN,
                EnterpriseStatus.SUSPENDED,
                EnterpriseStatus.CLOSED,
            ],
            weights=[92, 3, 2, 3],
        )[0]
        enterprise = Enterprise(
            name=name,
            credit_code=_credit_code(rng, used),
            town=town,
            village=village,
            address=f"江门市蓬江区{town.name}{village.name if village else ''}{rng.choice(ROADS)}{rng.randint(1, 388)}号",
            sub_sector=sub_sector if sub_sector in SubSector.values else "",
            status=status,
            scale=scale,
            employees=employees,
            legal_representative=_person(rng),
            principal_name=_person(rng),
            principal_phone=_mobile(rng),
            safety_manager_name=_person(rng),
            safety_manager_phone=_mobile(rng),
            business_scope=f"{word}的生产、加工与销售。",
            lat=Decimal(str(round(float(town.lat) + rng.uniform(-radius, radius) * 0.8, 6))),
            lng=Decimal(str(round(float(town.lng) + rng.uniform(-radius, radius) * 0.8, 6))),
            created_at=now,
        )
        rows.append((enterprise, sectors))
    Enterprise.objects.bulk_create([e for e, _ in rows], batch_size=1000)
    through = Enterprise.sectors.through
    through.objects.bulk_create(
        [through(enterprise_id=e.pk, sector_id=code) for e, codes in rows for code in codes], batch_size=5000
    )
    EnterpriseStatusChange.objects.bulk_create(
        [
            EnterpriseStatusChange(enterprise_id=e.pk, to_status=e.status, reason="演示数据", changed_at=now)
            for e, _ in rows
        ],
        batch_size=2000,
    )
    return [e for e, _ in rows]


# username → (name, roles, town code, department code, enterprise rule) — API.md's demo accounts.
ACCOUNTS = [
    ("admin", "区应急管理局管理员", [Role.DISTRICT_ADMIN], None, "emergency"),
    ("leader", "区分管领导", [Role.DISTRICT_LEADER], None, None),
    ("yjj", "应急管理局 陈科长", [Role.DEPARTMENT_OFFICER], None, "emergency"),
    ("jtj", "交通运输局 黄科长", [Role.DEPARTMENT_OFFICER], None, "transport"),
    ("duruan", "杜阮镇 安监办 李主任", [Role.TOWN_OFFICER], "440703100", None),
    ("baisha", "白沙街道 安监办 梁主任", [Role.TOWN_OFFICER], "440703001", None),
    ("inspector_duruan", "杜阮镇 检查员 吴伟", [Role.INSPECTOR], "440703100", None),
    ("ent_duruan", "企业安全员 何敏", [Role.ENTERPRISE_USER], "440703100", None),
    ("duty", "区值班室 值班员", [Role.DUTY_OFFICER], None, None),
    ("sysadmin", "系统管理员", [Role.SYSTEM_ADMIN], None, None),
    ("secadmin", "安全管理员", [Role.SECURITY_ADMIN], None, None),
    ("auditadmin", "审计管理员", [Role.AUDIT_ADMIN], None, None),
]


def build_accounts(rng: random.Random) -> dict:
    # The user model sits in accounts, one layer above the registry: reached through Django's setting.
    User = get_user_model()  # noqa: N806
    users = {}
    departments = {d.code: d for d in Department.objects.all()}
    towns = {t.code: t for t in Jurisdiction.objects.towns()}
    duruan_enterprise = (
        Enterprise.objects.filter(
            town__code="440703100", sectors__code="industry_trade", status=EnterpriseStatus.OPERATING
        )
        .order_by("id")
        .first()
    )
    for username, name, roles, town_code, dept_code in ACCOUNTS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "name": name,
                "phone": _mobile(rng),
                "email": "",
                "town": towns.get(town_code) if town_code and Role.ENTERPRISE_USER not in roles else None,
                "department": departments.get(dept_code) if dept_code else None,
                "enterprise": duruan_enterprise if Role.ENTERPRISE_USER in roles else None,
                "is_active": True,
                "must_change_password": False,
                "password_changed_at": timezone.now(),
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.role_assignments.exclude(role__in=roles).delete()
        for role in roles:
            user.role_assignments.get_or_create(role=role)
        users[username] = user
    if duruan_enterprise is not None:
        users["ent_duruan_head"] = _enterprise_principal(duruan_enterprise)
    return users


def _enterprise_principal(enterprise: Enterprise):
    """R-HAZ-12: a second account of the demo enterprise, its principal, who accepts and closes the general
    hazards of the enterprise's own self-inspection (never the person who rectified them). Not one of
    API.md's personas: the access matrix keeps its ten."""
    user, _ = get_user_model().objects.update_or_create(
        username="ent_duruan_head",
        defaults={
            "name": "企业主要负责人 梁志强",
            "phone": "13900000001",  # fixed: the generator's random stream stays that of the registry
            "email": "",
            "enterprise": enterprise,
            "is_active": True,
            "must_change_password": False,
            "password_changed_at": timezone.now(),
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    user.role_assignments.get_or_create(role=Role.ENTERPRISE_USER)
    Enterprise.objects.filter(pk=enterprise.pk).update(principal_user=user)
    return user


def build_registry(*, rng: random.Random, enterprises: int = 2000, stdout=None) -> None:
    with transaction.atomic():
        _district, towns = build_jurisdictions(rng)
        if not Sector.objects.exists():
            raise RuntimeError("Sectors are missing: run migrations first.")
        build_enterprises(rng, towns, enterprises)
        build_accounts(rng)
    if stdout:
        stdout.write(
            f"  registry: {len(towns)} towns/streets, {enterprises} enterprises, {len(ACCOUNTS)} accounts"
        )
