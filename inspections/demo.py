"""Demo data: inspectors of every town, a confined-space campaign across all towns with tasks and some
finished inspections, a conflict of interest, and a double-random draw with a published result.

Deterministic from the `rng` passed in; the checklists themselves come from the data migrations.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import sys

from django.db import transaction
from django.utils import timezone

from accounts.models import User, UserRole
from core.choices import Role
from inspections import services
from inspections.choices import Result
from inspections.models import Campaign, ChecklistTemplate, InspectionTask
from registry.demo import DEMO_PASSWORD
from registry.models import Department, Enterprise, Jurisdiction

SURNAMES = "陈李黄张梁林吴何刘冯余谭邓区关莫"
GIVEN = ["志强", "晓明", "嘉怡", "国栋", "少华", "卓仪", "家乐", "永康"]
# What an inspector writes next to a failed item (demo only).
FAIL_NOTES = [
    "现场未见有限空间管理台账。",
    "污水池入口未设置警示标志。",
    "作业审批单缺少负责人签字。",
    "未配备气体检测仪，未执行先通风再检测。",
    "监护人员中途离开作业现场。",
]


def _inspector(username: str, name: str, *, town=None, department=None) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "name": name,
            "town": town,
            "department": department,
            "is_active": True,
            "password_changed_at": timezone.now(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    UserRole.objects.get_or_create(user=user, role=Role.INSPECTOR)
    user.forget_cached_roles()
    return user


def build_inspectors(rng, *, small: bool) -> dict[int, list[User]]:
    by_town: dict[int, list[User]] = {}
    towns = list(Jurisdiction.objects.towns().order_by("code"))
    for town in towns:
        slug = town.name_en.split()[0].lower()
        people = []
        existing = User.objects.filter(username=f"inspector_{slug}").first()
        if existing is not None:
            people.append(existing)
        for n in range(1, 3 if not small or slug == "duruan" else 2):
            name = f"{town.name} 检查员 {rng.choice(SURNAMES)}{rng.choice(GIVEN)}"
            people.append(_inspector(f"insp_{slug}_{n}", name, town=town))
        by_town[town.pk] = people
    for code in ("emergency", "transport"):
        department = Department.objects.filter(code=code).first()
        if department is not None:
            for n in range(1, 3):
                _inspector(
                    f"insp_{code}_{n}",
                    f"{department.name} 执法员 {rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
                    department=department,
                )
    return by_town


def _finish(inspection, actor, rng, *, fail_rate: float) -> None:
    results = list(inspection.results.select_related("item").order_by("item__number"))
    failed_any = False
    for row in results:
        if rng.random() < fail_rate:
            services.save_item_result(
                actor=actor,
                inspection=inspection,
                item_id=row.item_id,
                result=Result.FAIL,
                note=rng.choice(FAIL_NOTES),
            )
            failed_any = True
        else:
            outcome = Result.PASS if rng.random() < 0.9 else Result.NOT_APPLICABLE
            services.save_item_result(actor=actor, inspection=inspection, item_id=row.item_id, result=outcome)
    services.update_inspection_details(
        actor=actor,
        inspection=inspection,
        place=inspection.enterprise.address or "厂区",
        people_present="企业安全管理人员",
        summary="发现问题已当场告知企业。" if failed_any else "未发现问题。",
    )
    inspection.refresh_from_db()
    services.finish_inspection(actor=actor, inspection=inspection, version=inspection.version)


# The data migrations to replay on a flushed database, found by the models they write: the shipped checklists
# (version 1, then every later correction: rule ids out of the wording, key items linked to verified criteria,
# R-INSP-5, R-HAZ-13) and the hazards criteria library those links point to, with its deadline policies.
REPLAYED = {
    "inspections": ("ChecklistTemplate", "ChecklistItem"),
    "hazards": ("MajorHazardCriterion", "CriterionSource", "DeadlinePolicy"),
}


def ensure_shipped_checklists() -> None:
    """The checklists come from the data migrations; a flushed database (`load_demo --reset`, transactional
    tests, a restore into an empty database) gets them again by replaying those migrations, all of them, so
    the demo's checklists read as a migrated database's and never as the first version did. The criteria
    library is replayed too when the flush emptied it (the key items link to it)."""
    from hazards.models import MajorHazardCriterion

    shipped = importlib.import_module("inspections.migrations.0002_shipped_checklists")
    families = {spec["family"] for spec in shipped.TEMPLATES}
    present = set(ChecklistTemplate.objects.filter(family__in=families).values_list("family", flat=True))
    if present == families:
        return
    apps_replayed = {"inspections"} if MajorHazardCriterion.objects.exists() else {"inspections", "hazards"}
    replay_data_migrations({app: REPLAYED[app] for app in apps_replayed})


def _writes(migration, models: tuple[str, ...]) -> bool:
    source = inspect.getsource(sys.modules[type(migration).__module__])
    return any(f'get_model("{migration.app_label}", "{model}")' in source for model in models)


def replay_data_migrations(writing: dict[str, tuple[str, ...]]) -> None:
    """Run the Python steps of every migration of an app in `writing` that writes one of its models, again, in
    the order `migrate` ran them. They get the current models, not the historical ones: the tables have
    today's columns, which a historical model of an early step does not know to fill. These migrations are
    written to be repeated (each skips or updates what exists)."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.operations import RunPython

    executor = MigrationExecutor(connection)
    for migration, _backwards in executor.migration_plan(
        executor.loader.graph.leaf_nodes(), clean_start=True
    ):
        if migration.app_label in writing and _writes(migration, writing[migration.app_label]):
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, None)


@transaction.atomic
def build_inspections(*, rng, stdout=None, small: bool = False) -> None:
    if Campaign.objects.filter(name__startswith="有限空间作业安全专项整治").exists():
        return
    ensure_shipped_checklists()
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return
    admin.forget_cached_roles()
    inspectors = build_inspectors(rng, small=small)
    template = ChecklistTemplate.objects.current().filter(family="confined_space").first()
    emergency = Department.objects.filter(code="emergency").first()
    housing = Department.objects.filter(code="housing").first()
    today = timezone.localdate()
    campaign = services.launch_campaign(
        actor=admin,
        data={
            "name": f"有限空间作业安全专项整治（{today.year}）",
            "goal": "全面排查辖区涉有限空间作业企业，落实辨识台账、作业审批、“先通风、再检测、后作业”和专人监护，"
            "坚决防范中毒窒息事故。",
            "sectors": ["confined_space"],
            "towns": list(Jurisdiction.objects.towns().values_list("pk", flat=True)),
            "start_date": today - dt.timedelta(days=20),
            "end_date": today + dt.timedelta(days=40),
            "template": template,
            "lead_department": emergency,
            "participating_departments": [d for d in (housing,) if d],
        },
    )
    towns_with_targets = sorted(set(campaign.targets.values_list("town_id", flat=True)))
    for town_id in towns_with_targets:
        people = inspectors.get(town_id, [])
        services.assign_tasks(
            actor=admin,
            campaign=campaign,
            deadline=campaign.end_date,
            town=town_id,
            department=emergency,
            inspectors=people[:2],
        )
    tasks = list(InspectionTask.objects.filter(campaign=campaign).select_related("enterprise").order_by("id"))
    done = 3 if small else max(1, len(tasks) // 4)
    for index, task in enumerate(tasks[:done]):
        actor = task.inspectors.order_by("pk").first() or admin
        actor.forget_cached_roles()
        inspection = services.start_inspection(actor=actor, task=task)
        # In the small district one inspection has failures; the others found nothing.
        _finish(inspection, actor, rng, fail_rate=(0.25 if index == 0 else 0.0) if small else 0.15)

    duruan = Jurisdiction.objects.towns().filter(code="440703100").first()
    draw = None
    if duruan is not None and len(inspectors.get(duruan.pk, [])) >= 2:
        pool_size = Enterprise.objects.operating().filter(town=duruan, sectors="industry_trade").count()
        first = (
            Enterprise.objects.operating()
            .filter(town=duruan, sectors="industry_trade")
            .order_by("pk")
            .first()
        )
        if first is not None:
            services.record_conflict(
                actor=admin,
                inspector=inspectors[duruan.pk][-1],
                enterprise=first,
                reason="检查员亲属在该企业任职",
            )
        count = min(3 if small else 8, pool_size)
        if count:
            draw = services.make_draw(
                actor=admin,
                pool={"town": duruan.pk, "sector": "industry_trade"},
                inspector_pool={"town": duruan.pk},
                count=count,
                seed=rng.randrange(1, 10**9),
                deadline=today + dt.timedelta(days=30),
            )
            pair = draw.pairs.order_by("position").first()
            task = pair.task
            actor = task.inspectors.order_by("pk").first()
            actor.forget_cached_roles()
            inspection = services.start_inspection(actor=actor, task=task)
            _finish(inspection, actor, rng, fail_rate=0.0)
            services.publish_results(actor=admin, draw=draw)
    if stdout:
        stdout.write(
            f"  inspections: campaign with {len(tasks)} tasks, {done} inspected, draw {getattr(draw, 'pk', '-')}"
        )
