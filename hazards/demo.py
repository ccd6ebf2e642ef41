"""Demo hazards: every state, some overdue, some major and listed, in every town, so that each demo
account's home page has something to act on (API.md "Demo district"). Deterministic for a given rng."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit.services import record_many
from hazards import rollup
from hazards.choices import Category, Level, Source, State
from hazards.models import Hazard, MajorHazardCriterion
from hazards.search import words_of
from hazards.services.statements import generate_statement, last_ended_periods
from registry.models import Department, Enterprise, Jurisdiction

TITLES = [
    ("车间安全出口被货物堵塞", Category.MANAGEMENT),
    ("配电箱未上锁且无警示标识", Category.OBJECT),
    ("冲压机双手按钮保护失效", Category.OBJECT),
    ("叉车司机无证驾驶", Category.HUMAN),
    ("危化品仓库通风设施损坏", Category.ENVIRONMENT),
    ("有限空间作业未审批", Category.MANAGEMENT),
    ("消防栓被遮挡，水带缺失", Category.OBJECT),
    ("粉尘收集系统未定期清理", Category.ENVIRONMENT),
    ("员工未佩戴防护用品进入噪声区", Category.HUMAN),
    ("安全生产教育培训记录缺失", Category.MANAGEMENT),
    ("行车吊钩防脱钩装置缺失", Category.OBJECT),
    ("气瓶未固定，混放于高温处", Category.OBJECT),
]
MEASURES = "立即停用并整改，落实专人负责，完成后报验收"
PLACES = ["一号车间", "二号仓库", "配电房", "污水池", "装卸区", "宿舍楼一层"]
# The share of each state among ordinary demo hazards (the rest are placed deliberately below).
STATES = [
    State.REPORTED,
    State.RECTIFYING,
    State.RECTIFYING,
    State.SUBMITTED,
    State.ACCEPTED,
    State.CLOSED,
    State.CLOSED,
    State.CANCELLED,
]


def build_hazards(*, rng: random.Random, small: bool = False, stdout=None) -> int:
    if Hazard.objects.exists():
        return 0
    admin = User.objects.filter(username="admin").first()
    now = timezone.now()
    today = timezone.localdate(now)
    towns = list(Jurisdiction.objects.towns().order_by("code"))
    per_town = 4 if small else 30
    hazards: list[Hazard] = []
    with transaction.atomic():
        for town in towns:
            enterprises = list(
                Enterprise.objects.filter(town=town)
                .order_by("id")
                .prefetch_related("sectors")[: per_town * 2]
            )
            if not enterprises:
                continue
            for index in range(per_town):
                enterprise = rng.choice(enterprises)
                state = STATES[index % len(STATES)] if index < len(STATES) else rng.choice(STATES)
                hazards.append(_hazard(rng, enterprise, state, today, admin, overdue=(index % 5 == 2)))
        hazards += _for_personas(rng, today, admin)
        Hazard.objects.bulk_create(hazards, batch_size=500)
        _history(hazards, admin)
        rollup.rebuild()  # bulk rows bypass the services: count them once
    _statements(today)
    if stdout:
        stdout.write(f"  hazards: {len(hazards)} hazards")
    return len(hazards)


def _statements(today: dt.date) -> None:
    """A few statistics tables (R-HAZ-10) as the job fills them: the demo enterprise's last quarter (for
    its principal to sign) and last year (past its date, unsigned: late), and one in Baisha and one of a
    road-transport enterprise (other scopes); the job fills the others' over its first runs."""
    quarter, year = last_ended_periods(today)
    ent_user = User.objects.filter(username="ent_duruan").select_related("enterprise").first()
    others = [
        Enterprise.objects.operating().filter(town__name__contains="白沙").order_by("id").first(),
        Enterprise.objects.operating().filter(sectors__code="road_traffic").order_by("id").first(),
    ]
    for enterprise in [e for e in others if e is not None]:
        generate_statement(enterprise, *quarter)
    if ent_user is None or ent_user.enterprise is None:
        return
    generate_statement(ent_user.enterprise, *quarter)
    generate_statement(ent_user.enterprise, *year)


def _hazard(rng, enterprise, state, today, actor, *, overdue=False, major=False, listed_by=None, title=None):
    sectors = list(enterprise.sectors.all())
    sector = sectors[0] if sectors else None
    text, category = title or rng.choice(TITLES)
    reported = today - dt.timedelta(days=rng.randint(20 if overdue else 2, 60 if overdue else 25))
    level = Level.MAJOR if major else Level.GENERAL
    hazard = Hazard(
        enterprise=enterprise,
        town_id=enterprise.town_id,
        sector=sector,
        title=text,
        category=category,
        level=level,
        source=rng.choice([Source.GOVERNMENT_INSPECTION, Source.SELF_INSPECTION, Source.CAMPAIGN]),
        description=f"{text}，存在安全隐患。",
        location=rng.choice(PLACES),
        discovered_at=_at(reported),
        discoverer=actor.display_name if actor else "",
        reported_at=_at(reported),
        reported_by=actor,
        state=state,
        version=1
        + [State.REPORTED, State.RECTIFYING, State.SUBMITTED, State.ACCEPTED, State.CLOSED].index(state)
        if state != State.CANCELLED
        else 2,
    )
    hazard.search_words = words_of(hazard.title, hazard.description, hazard.location)
    if major:
        # R-HAZ-9: a demo major hazard cites only an item whose wording was checked (active).
        hazard.criterion = MajorHazardCriterion.objects.filter(sector=sector, is_active=True).first()
        hazard.escalated_at = hazard.reported_at
    if state in (State.RECTIFYING, State.SUBMITTED, State.ACCEPTED, State.CLOSED):
        hazard.measures = MEASURES
        hazard.responsible_person = enterprise.safety_manager_name or enterprise.principal_name or "安全主任"
        hazard.funds = rng.choice([0, 500, 2000, 8000, 50000])
        hazard.assigned_at = _at(reported + dt.timedelta(days=1))
        hazard.assigned_by = actor
        if overdue and state == State.RECTIFYING:
            hazard.deadline = today - dt.timedelta(days=rng.choice([1, 3, 8, 16]))
        elif state == State.RECTIFYING:
            hazard.deadline = today + dt.timedelta(days=rng.choice([1, 3, 5, 10]))
        else:
            hazard.deadline = reported + dt.timedelta(days=15 if not major else 90)
        hazard.original_deadline = hazard.deadline
        if major:
            hazard.contingency_plan = "划定警戒区域，停止相关作业，配备应急器材"
            for field in (
                "plan_goal",
                "plan_methods",
                "plan_resources",
                "plan_organisation",
                "plan_schedule",
                "plan_safety",
            ):
                setattr(hazard, field, "按治理方案执行")
    if state in (State.SUBMITTED, State.ACCEPTED, State.CLOSED):
        submitted = min(today, reported + dt.timedelta(days=rng.randint(3, 12)))
        hazard.submitted_at, hazard.submitted_on = _at(submitted), submitted
        hazard.rectification_note = "已按要求完成整改"
    if state in (State.ACCEPTED, State.CLOSED):
        hazard.accepted_at = _at(min(today, reported + dt.timedelta(days=14)))
        hazard.acceptance_note = "整改到位，同意验收"
    if state == State.CLOSED:
        hazard.closed_at = hazard.accepted_at
    if state == State.CANCELLED:
        hazard.cancelled_at, hazard.cancel_reason = _at(reported + dt.timedelta(days=1)), "重复登记"
    if listed_by is not None:
        hazard.listed = True
        hazard.listing_department = listed_by
        hazard.supervising_department = listed_by
        hazard.listing_authority = listed_by.name if listed_by else "彭江区安全生产委员会办公室"
        hazard.listing_document = f"彭安办督〔{today.year}〕{rng.randint(1, 30)}号"
        hazard.listing_due_date = today + dt.timedelta(days=60)
        hazard.listed_at = hazard.reported_at
        hazard.listed_by = actor
    return hazard


def _for_personas(rng, today, actor) -> list[Hazard]:
    """Hazards placed so each demo account has something to act on."""
    out = []
    ent_user = User.objects.filter(username="ent_duruan").select_related("enterprise").first()
    if ent_user and ent_user.enterprise_id:
        enterprise = Enterprise.objects.prefetch_related("sectors").get(pk=ent_user.enterprise_id)
        out += [
            _hazard(rng, enterprise, State.REPORTED, today, actor, title=TITLES[0]),
            _hazard(rng, enterprise, State.RECTIFYING, today, actor, title=TITLES[1]),
            _hazard(rng, enterprise, State.RECTIFYING, today, actor, overdue=True, title=TITLES[6]),
            _hazard(rng, enterprise, State.SUBMITTED, today, actor, title=TITLES[2]),
        ]
    emergency = Department.objects.filter(code="emergency").first()
    industry = list(
        Enterprise.objects.filter(sectors__code="industry_trade")
        .order_by("id")
        .prefetch_related("sectors")[:6]
    )
    for index, enterprise in enumerate(industry):
        state = [
            State.RECTIFYING,
            State.RECTIFYING,
            State.SUBMITTED,
            State.ACCEPTED,
            State.REPORTED,
            State.CLOSED,
        ][index]
        out.append(
            _hazard(
                rng,
                enterprise,
                state,
                today,
                actor,
                major=True,
                overdue=(index == 1),
                listed_by=emergency if index in (0, 1, 3) else None,
                title=TITLES[7],
            )
        )
    for enterprise in (
        Enterprise.objects.filter(sectors__code="road_traffic").order_by("id").prefetch_related("sectors")[:3]
    ):
        out.append(_hazard(rng, enterprise, State.SUBMITTED, today, actor, title=TITLES[3]))
    return out


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))


def _history(hazards: list[Hazard], actor) -> None:
    """The audit trail of each demo hazard's steps, so every timeline has its story."""
    steps = [
        ("reported", None),
        ("assigned", (State.RECTIFYING, State.SUBMITTED, State.ACCEPTED, State.CLOSED)),
        ("submitted", (State.SUBMITTED, State.ACCEPTED, State.CLOSED)),
        ("accepted", (State.ACCEPTED, State.CLOSED)),
        ("closed", (State.CLOSED,)),
        ("cancelled", (State.CANCELLED,)),
    ]
    order = {
        "reported": State.REPORTED,
        "assigned": State.RECTIFYING,
        "submitted": State.SUBMITTED,
        "accepted": State.ACCEPTED,
        "closed": State.CLOSED,
        "cancelled": State.CANCELLED,
    }
    previous = {
        "reported": "",
        "assigned": State.REPORTED,
        "submitted": State.RECTIFYING,
        "accepted": State.SUBMITTED,
        "closed": State.ACCEPTED,
        "cancelled": State.REPORTED,
    }
    for verb, states in steps:
        chosen = hazards if states is None else [h for h in hazards if h.state in states]
        record_many(
            chosen,
            f"hazards.hazard.{verb}",
            actor=actor,
            data_for=lambda h, v=verb: {"from_state": previous[v], "to_state": order[v], "demo": True},
        )
