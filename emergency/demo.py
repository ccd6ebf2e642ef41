"""The demo district's preparedness: reserves in every town (some short, some expiring), plans in every
state of the filing loop, drills (some behind), teams (one micro fire station below the norm),
waterlogging points, shelters and transfer lists, and one warning in force. Deterministic for a given
rng; small keeps it to a handful of rows per town."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from emergency import rules
from emergency.catalogue import seed_catalogue
from emergency.choices import PlanVersionState, WarehouseLevel
from emergency.models import (
    Drill,
    Plan,
    PlanVersion,
    RescueTeam,
    ReserveNorm,
    Shelter,
    StockBatch,
    Stocktake,
    StocktakeLine,
    SupplyItem,
    TeamMember,
    TransferEntry,
    Warehouse,
    WaterloggingPoint,
    WeatherWarning,
)
from registry.models import Department, Jurisdiction

STOCKED = ["FX-001", "FX-003", "JS-001", "JS-002", "ZM-002", "PL-002", "PL-003"]


def _crew(team, index: int, *, members: int, today) -> None:
    """A station's head and members with certificates; one member's certificate runs out within a month."""
    TeamMember.objects.create(
        team=team,
        name="站长",
        role="head",
        phone=f"1370750{index:04d}",
        certificate_type="firefighter",
        certificate_number=f"XF{index:04d}00",
        certificate_expires=today + dt.timedelta(days=900),
    )
    for n in range(1, members + 1):
        TeamMember.objects.create(
            team=team,
            name=f"队员{n}",
            role="member",
            phone=f"1360750{index:02d}{n:02d}",
            certificate_type="firefighter" if n <= 4 else "",
            certificate_number=f"XF{index:04d}{n:02d}" if n <= 4 else "",
            certificate_expires=today + dt.timedelta(days=20 if n == 1 else 700) if n <= 4 else None,
        )


def _near(town, rng, spread=0.02):
    if town.lat is None or town.lng is None:
        return None, None
    return float(town.lat) + rng.uniform(-spread, spread), float(town.lng) + rng.uniform(-spread, spread)


@transaction.atomic
def build_emergency(*, rng, small=False, stdout=None) -> None:
    if Warehouse.objects.exists():
        return
    seed_catalogue()
    today = timezone.localdate()
    items = {i.code: i for i in SupplyItem.objects.all()}
    towns = list(Jurisdiction.objects.towns().filter(is_active=True).order_by("code"))
    admin = User.objects.filter(username="admin").first() or User.objects.filter(is_superuser=True).first()
    for index, town in enumerate(towns):
        lat, lng = _near(town, rng)
        warehouse = Warehouse.objects.create(
            name=f"{town.name}防汛物资仓库",
            level=WarehouseLevel.TOWN,
            town=town,
            location=f"{town.name}政府大院",
            lat=lat,
            lng=lng,
            keeper="仓管员",
            phone=f"1380750{index:04d}",
        )
        # The town's main warehouse keeps the whole town's woven bags (a warehouse norm of the district).
        ReserveNorm.objects.create(
            town=town, warehouse=warehouse, item=items["FX-001"], quantity=items["FX-001"].default_norm
        )
        codes = STOCKED[:3] if small else STOCKED
        for code in codes:
            item = items[code]
            # Later towns hold less: the demo shows every shade of shortfall.
            share = max(0.2, 1 - index * 0.15)
            quantity = int(item.default_norm * share) if item.default_norm else rng.randint(5, 40)
            expires = today + dt.timedelta(days=20 if code == "JS-001" and index % 3 == 0 else 700)
            StockBatch.objects.create(
                warehouse=warehouse,
                item=item,
                batch_no=f"{today.year}-{index:02d}",
                quantity=quantity,
                received_on=today - dt.timedelta(days=60),
                expires_on=expires if item.shelf_life_days else None,
            )
        lat, lng = _near(town, rng)
        WaterloggingPoint.objects.create(
            town=town,
            name=f"{town.name}低洼路段",
            lat=lat,
            lng=lng,
            depth_history="2023年6月 40cm；2024年5月 25cm",
            max_depth_cm=40,
            pumps="潜水泵2台" if index % 2 == 0 else "",
            barriers="防洪挡板20块" if index % 2 == 0 else "",
            responsible="村委主任",
            phone=f"1390750{index:04d}",
        )
        lat, lng = _near(town, rng)
        shelter = Shelter.objects.create(
            town=town, name=f"{town.name}中心小学避护点", capacity=300, lat=lat, lng=lng
        )
        TransferEntry.objects.create(
            town=town,
            zone=f"{town.name}沿河片区",
            households=12 + index,
            persons=36 + index * 3,
            shelter=shelter,
            mover="网格员",
        )
        lat, lng = _near(town, rng)
        team = RescueTeam.objects.create(
            kind="micro_fire",
            name=f"{town.name}微型消防站",
            town=town,
            leader="站长",
            phone=f"1370750{index:04d}",
            duty_24h=True,
            response_minutes=3 if index % 4 else 5,
            lat=lat,
            lng=lng,
        )
        _crew(team, index, members=5 if index % 4 else 3, today=today)
        plan = Plan.objects.create(
            owner_kind="town",
            owner_town=town,
            town=town,
            type="overall",
            title=f"{town.name}突发事件总体应急预案",
        )
        published = today - dt.timedelta(days=400 + index * 30)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            state=PlanVersionState.CHECKED,
            published_on=published,
            filing_due=rules.filing_due(published),
            filed_on=published + dt.timedelta(days=10),
            check_due=rules.check_due(published + dt.timedelta(days=10)),
            checked_on=published + dt.timedelta(days=12),
        )
        if index % 2 == 0:
            Drill.objects.create(
                plan=plan, held_on=published + dt.timedelta(days=60), form="tabletop", participants=30
            )
    Warehouse.objects.create(
        name="区级防汛物资储备仓库",
        level=WarehouseLevel.DISTRICT,
        keeper="区应急管理局",
        phone="0750-3333333",
    )
    _enterprise_plans(today)
    emergency_dept = Department.objects.filter(code="emergency").first()
    if emergency_dept is not None:
        plan = Plan.objects.create(
            owner_kind="department",
            owner_department=emergency_dept,
            type="departmental",
            title="防汛防风部门应急预案",
        )
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            state=PlanVersionState.PUBLISHED,
            published_on=today - dt.timedelta(days=40),
            filing_due=rules.filing_due(today - dt.timedelta(days=40)),
        )
    if admin is not None:
        WeatherWarning.objects.create(
            hazard="rainstorm",
            signal="yellow",
            area="全区",
            valid_from=timezone.now() - dt.timedelta(hours=2),
            valid_until=timezone.now() + dt.timedelta(hours=10),
            issued_by=admin,
        )


def _enterprise_plans(today) -> None:
    """The demo enterprise user's own unit: a filed comprehensive plan and an on-site plan behind on drills."""
    ent_user = User.objects.filter(username="ent_duruan").select_related("enterprise").first()
    if ent_user is None or ent_user.enterprise is None:
        return
    enterprise = ent_user.enterprise
    Warehouse.objects.create(
        name=f"{enterprise.name}应急物资柜",
        level=WarehouseLevel.ENTERPRISE,
        enterprise=enterprise,
        town=enterprise.town,
        keeper="安全员",
        phone="13900001111",
    )
    warehouse = Warehouse.objects.filter(enterprise=enterprise).first()
    StockBatch.objects.create(
        warehouse=warehouse,
        item=SupplyItem.objects.get(code="XF-001"),
        batch_no="MH-01",
        quantity=20,
        received_on=today - dt.timedelta(days=90),
        expires_on=today + dt.timedelta(days=25),
    )
    _counted(warehouse, ent_user, today)
    for type_, title, state, days in (
        ("comprehensive", "生产安全事故综合应急预案", PlanVersionState.FILED, 200),
        ("onsite", "机械伤害现场处置方案", PlanVersionState.PUBLISHED, 300),
    ):
        plan = Plan.objects.create(
            owner_kind="enterprise",
            owner_enterprise=enterprise,
            town=enterprise.town,
            type=type_,
            title=title,
        )
        published = today - dt.timedelta(days=days)
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            state=state,
            published_on=published,
            filing_due=rules.filing_due(published),
            filed_on=published + dt.timedelta(days=15) if state == PlanVersionState.FILED else None,
            check_due=rules.check_due(published + dt.timedelta(days=15))
            if state == PlanVersionState.FILED
            else None,
        )
        if type_ == "comprehensive":
            Drill.objects.create(
                plan=plan,
                held_on=published + dt.timedelta(days=30),
                form="functional",
                participants=25,
                scenario="仓库火灾初期扑救与人员疏散",
                evaluation="疏散集合点标识不清",
                state="evaluated",
            )


def _counted(warehouse, actor, today) -> None:
    """This month's count, confirmed without differences (R-EMG-5)."""
    if actor is None:
        return
    stocktake = Stocktake.objects.create(
        warehouse=warehouse,
        month=today.replace(day=1),
        counted_by=actor,
        state="confirmed",
        confirmed_on=today - dt.timedelta(days=3),
    )
    StocktakeLine.objects.bulk_create(
        StocktakeLine(stocktake=stocktake, batch=b, expected=b.quantity, counted=b.quantity)
        for b in warehouse.batches.filter(quantity__gt=0)
    )
