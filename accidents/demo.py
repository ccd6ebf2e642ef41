"""Demo accidents, cases and warning-education sessions: a few accidents at different levels and states
(one closed, with its case), external cases and sessions. Deterministic for a given rng; small is fast."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accidents import library, services
from accidents.choices import AccountabilityMeasure, Responsibility, Step
from accidents.models import Accident, Case, ReportDeadline
from accounts.models import User
from attachments.services import store_attachment
from core.pdf import PdfDocument
from registry.models import Enterprise, Jurisdiction

EXTERNAL_CASES = [
    {
        "title": "某市污水处理厂有限空间中毒窒息较大事故",
        "place": "广东省某市",
        "sector": "confined_space",
        "accident_type": "19",
        "deaths": 3,
        "summary": "作业人员未经审批进入污水井清淤，吸入硫化氢中毒，另两名工友盲目施救相继倒下。",
        "causes": "未执行有限空间作业审批制度；未先通风、再检测、后作业；盲目施救。",
        "lessons": "严格落实有限空间作业审批制度，配备气体检测仪和救援器材，严禁盲目施救。",
        "tags": ["有限空间", "盲目施救"],
        "source": "应急管理部事故通报",
    },
    {
        "title": "某地仓储物流园火灾事故",
        "place": "某省某县",
        "sector": "fire",
        "accident_type": "08",
        "deaths": 1,
        "direct_loss": "12000000",
        "summary": "仓库内电动叉车充电时起火，堆垛过密、消防通道被占用，火势迅速蔓延。",
        "causes": "电动车辆违规室内充电；消防设施维护不到位；疏散通道堵塞。",
        "lessons": "规范充电区域管理，保持消防通道畅通，定期开展消防演练。",
        "tags": ["火灾", "仓储"],
        "source": "省安委办警示通报",
    },
    {
        "title": "某建筑工地塔吊起重伤害事故",
        "place": "某市某区",
        "sector": "construction",
        "accident_type": "04",
        "deaths": 2,
        "summary": "塔吊吊运钢筋时吊索具断裂，钢筋坠落砸中下方作业人员。",
        "causes": "吊索具磨损未及时更换；起吊区域未设置警戒；司索工无证上岗。",
        "lessons": "落实起重作业前检查，设置吊装警戒区，特种作业人员持证上岗。",
        "tags": ["起重", "特种作业"],
        "source": "住建部门事故快报",
    },
]


def _report_file() -> SimpleUploadedFile:
    doc = PdfDocument("事故调查报告")
    doc.paragraph("事故调查组依法开展调查，查明了事故经过、原因和责任，提出了处理建议和整改措施。")
    return SimpleUploadedFile("investigation-report.pdf", doc.render(), content_type="application/pdf")


def _backdate(accident: Accident, minutes: int, *, escalations_done: bool) -> None:
    """Demo history: the unit reported `minutes` after the accident; escalations made in time."""
    reported = accident.occurred_at + dt.timedelta(minutes=minutes)
    Accident.objects.filter(pk=accident.pk).update(reported_at=reported)
    late = reported if minutes > 60 else None  # R-ACC-7: a unit report after the hour is late
    accident.deadlines.filter(step=Step.UNIT_TO_DISTRICT).update(done_at=reported, late_flagged_at=late)
    accident.refresh_from_db()
    services.sync_deadlines(accident)
    if escalations_done:
        for deadline in accident.deadlines.exclude(step=Step.UNIT_TO_DISTRICT):
            ReportDeadline.objects.filter(pk=deadline.pk).update(
                done_at=deadline.due_at - dt.timedelta(minutes=30), done_by=accident.reported_by
            )
    accident.reports.update(submitted_at=reported)
    accident.level_changes.filter(from_level="").update(changed_at=reported)


def _enterprise(town_code: str, sector: str, rng: random.Random):
    qs = Enterprise.objects.filter(town__code=town_code, sectors__code=sector).order_by("id")
    items = list(qs[:5])
    return rng.choice(items) if items else None


def build_accidents(*, rng: random.Random, small: bool = False, stdout=None) -> int:
    if Accident.objects.exists() or Case.objects.exists():
        return 0
    users = {
        u.username: u for u in User.objects.filter(username__in=["admin", "duruan", "baisha", "yjj", "jtj"])
    }
    if len(users) < 5:
        return 0
    towns = {t.code: t for t in Jurisdiction.objects.towns()}
    now = timezone.now()
    made = []
    with transaction.atomic():
        duruan = towns.get("440703100")
        baisha = towns.get("440703001")
        # 1. Closed: a confined-space poisoning in Duruan, investigated, now a case.
        ent = _enterprise("440703100", "industry_trade", rng)
        closed = services.record_accident(
            actor=users["duruan"],
            data={
                "occurred_at": now - dt.timedelta(days=45, hours=3),
                "town": duruan,
                "enterprise": ent,
                "sector": "confined_space",
                "accident_type": "19",
                "deaths": 2,
                "serious_injuries": 1,
                "direct_loss": Decimal("2600000"),
                "address": "杜阮镇某工业区污水池",
                "narrative": "两名工人进入污水池清理淤泥时中毒晕倒，现场人员施救中一人受伤。",
                "measures_taken": "立即停止作业，拨打120，消防救援人员佩戴空气呼吸器救出被困人员。",
            },
        )
        _backdate(closed, 35, escalations_done=True)
        services.submit_report(
            actor=users["duruan"], accident=closed, kind="final", text="伤者已脱离危险，善后工作完成。"
        )
        closed.refresh_from_db()
        inv = services.open_investigation(
            closed,
            actor=users["admin"],
            version=closed.version,
            data={"lead_unit": "蓬江区应急管理局", "team": "区应急管理局、区公安分局、杜阮镇"},
        )
        inv = services.update_investigation(
            inv,
            actor=users["admin"],
            version=inv.version,
            data={
                "lead_unit": inv.lead_unit,
                "team": inv.team,
                "direct_causes": "作业人员未经审批、未检测进入有限空间，吸入硫化氢中毒。",
                "indirect_causes": "企业未建立有限空间作业审批制度，未开展专项培训，未配备检测和救援器材。",
                "lessons": "必须落实有限空间作业审批制度，坚持先通风、再检测、后作业，严禁盲目施救。",
            },
        )
        findings = [
            {
                "party": "企业主要负责人",
                "position": "总经理",
                "responsibility": Responsibility.MAIN,
                "measure": AccountabilityMeasure.PENALTY,
            },
            {
                "party": "杜阮镇安监办",
                "responsibility": Responsibility.SUPERVISORY,
                "measure": AccountabilityMeasure.INTERVIEW,
            },
        ]
        for finding in findings:
            inv.refresh_from_db()
            services.add_finding(inv, actor=users["admin"], version=inv.version, data=finding)
        inv.refresh_from_db()
        services.add_measure(
            inv,
            actor=users["admin"],
            version=inv.version,
            data={"text": "建立有限空间台账并设置警示标识", "enterprise": ent.pk},
        )
        inv.refresh_from_db()
        report = store_attachment(actor=users["admin"], upload=_report_file())
        services.attach_investigation_report(
            inv, actor=users["admin"], version=inv.version, data={"attachments": [report.pk]}
        )
        closed.refresh_from_db()
        services.close_accident(closed, actor=users["admin"], version=closed.version)
        made.append(closed)
        # 2. Larger, under investigation: a fall at a construction site, raised by a supplementary report.
        huanshi = towns.get("440703002") or baisha
        larger = services.record_accident(
            actor=users["admin"],
            data={
                "occurred_at": now - dt.timedelta(days=2, hours=5),
                "town": huanshi,
                "sector": "construction",
                "enterprise": _enterprise(huanshi.code, "construction", rng),
                "accident_type": "09",
                "deaths": 2,
                "serious_injuries": 2,
                "direct_loss": Decimal("3100000"),
                "address": "在建住宅项目3号楼",
                "narrative": "外墙脚手架局部坍塌，四名作业人员从高处坠落。",
                "measures_taken": "全面停工，封闭现场，组织排查。",
            },
        )
        _backdate(larger, 40, escalations_done=False)  # leaves `larger` read afresh
        services.supplement_accident(
            actor=users["admin"],
            accident=larger,
            version=larger.version,
            numbers={"deaths": 3, "serious_injuries": 1},
            note="一名重伤人员经抢救无效死亡",
        )
        larger.refresh_from_db()
        services.open_investigation(
            larger,
            actor=users["admin"],
            version=larger.version,
            data={"lead_unit": "江门市应急管理局（指导）、蓬江区人民政府"},
        )
        made.append(larger)
        # 3. General, reported: a road accident in Baisha without an enterprise, escalation due soon.
        road = services.record_accident(
            actor=users["baisha"],
            data={
                "occurred_at": now - dt.timedelta(minutes=50),
                "town": baisha,
                "sector": "road_traffic",
                "accident_type": "02",
                "deaths": 1,
                "minor_injuries": 2,
                "direct_loss": Decimal("80000"),
                "address": "白沙街道港口路与建设路交叉口",
                "narrative": "一辆货车与电动自行车相撞，骑车人当场死亡。",
                "measures_taken": "交警到场处置，伤者送医。",
            },
        )
        made.append(road)
        # 4. General, reported an hour late: machinery injury in Duruan, city report overdue.
        late = services.record_accident(
            actor=users["duruan"],
            data={
                "occurred_at": now - dt.timedelta(hours=6),
                "town": duruan,
                "sector": "industry_trade",
                "enterprise": _enterprise("440703100", "industry_trade", rng),
                "accident_type": "03",
                "serious_injuries": 1,
                "direct_loss": Decimal("150000"),
                "address": "冲压车间",
                "narrative": "操作工清理冲床模具时手部被压伤。",
                "measures_taken": "停机断电，送医救治。",
            },
        )
        _backdate(late, 120, escalations_done=False)
        made.append(late)
        if not small:
            codes = sorted(towns)
            sectors = ["industry_trade", "construction", "road_traffic", "fire", "special_equipment"]
            types = ["01", "02", "03", "04", "05", "07", "08", "09", "10", "19", "20"]
            for index in range(24):
                town = towns[rng.choice(codes)]
                sector = rng.choice(sectors)
                accident = services.record_accident(
                    actor=users["admin"],
                    data={
                        "occurred_at": now - dt.timedelta(days=20 + index * 14, hours=rng.randint(0, 20)),
                        "town": town,
                        "sector": sector,
                        "enterprise": _enterprise(town.code, sector, rng),
                        "accident_type": rng.choice(types),
                        "deaths": rng.choice([0, 0, 1, 1, 2]),
                        "serious_injuries": rng.randint(0, 3),
                        "minor_injuries": rng.randint(0, 4),
                        "direct_loss": Decimal(rng.randint(5, 300) * 10000),
                        "narrative": "历史事故记录。",
                    },
                )
                _backdate(accident, rng.randint(20, 55), escalations_done=True)
                made.append(accident)
        for data in EXTERNAL_CASES:
            library.add_external_case(
                actor=users["yjj"],
                data={
                    **data,
                    "occurred_on": (now - dt.timedelta(days=rng.randint(60, 400))).date(),
                },
            )
        case_ids = list(Case.objects.order_by("id").values_list("pk", flat=True))
        today = timezone.localdate()
        library.record_session(
            actor=users["duruan"],
            data={
                "held_on": today - dt.timedelta(days=3),
                "title": "杜阮镇有限空间事故警示教育会",
                "cases": case_ids[:2],
                "attendee_count": 86,
                "sector": None,
                "audience_enterprises": list(Enterprise.objects.filter(town=duruan).order_by("id")[:3]),
                "materials": "事故调查报告摘要、警示教育片《生命至上》",
            },
        )
        library.record_session(
            actor=users["yjj"],
            data={
                "held_on": today - dt.timedelta(days=20),
                "title": "工贸行业典型事故案例学习",
                "cases": case_ids,
                "attendee_names": "陈科长\n李工\n王工",
                "attendee_count": 40,
            },
        )
    if stdout:
        stdout.write(f"  accidents: {len(made)} accidents, {Case.objects.count()} cases")
    return len(made)
