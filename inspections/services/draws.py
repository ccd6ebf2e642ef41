"""The double-random draw (双随机、一公开, R-INSP-1/2/3): reproducible from its seed, immutable once made."""

from __future__ import annotations

import datetime as dt
import secrets
from random import Random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record
from core.choices import Role
from core.errors import Conflict, InvalidInput
from core.workflow import Step
from inspections import rules
from inspections.choices import DrawState, InspectionState, TaskState
from inspections.models import (
    ChecklistTemplate,
    ConflictOfInterest,
    Draw,
    DrawAssignment,
    DrawPair,
    DrawSetting,
    Inspection,
    InspectionTask,
    PublishedResult,
)
from inspections.policy import POLICY
from inspections.services.common import add_error, raise_if, safe_id
from registry.models import Department, Enterprise, Jurisdiction, Sector

SEED_MAX = 2**62
MAX_PER_ENTITY = 5


class DrawImpossible(Exception):
    def __init__(self, enterprise_id: int):
        self.enterprise_id = enterprise_id
        super().__init__(enterprise_id)


def run_draw(snapshot: dict, seed: int, count: int, per_entity: int) -> list[tuple[int, list[int]]]:
    """The algorithm, a pure function of the stored snapshot and the seed.

    Entities: weighted sampling without replacement (integer weights, R-INSP-2) over the pool in id order.
    Inspectors: for each drawn entity, in draw order, `per_entity` distinct inspectors sampled from the pool
    in id order minus that entity's exclusions (conflicts of interest; the previous round's inspectors).
    """
    rng = Random(seed)
    pool = [(int(e), int(w)) for e, w in snapshot["enterprises"]]
    chosen: list[int] = []
    for _index in range(count):
        total = sum(w for _e, w in pool)
        ticket = rng.randrange(total)
        position = 0
        while ticket >= pool[position][1]:
            ticket -= pool[position][1]
            position += 1
        chosen.append(pool.pop(position)[0])
    inspectors = [int(i) for i in snapshot["inspectors"]]
    excluded = snapshot.get("excluded", {})
    pairs = []
    for enterprise_id in chosen:
        barred = set(excluded.get(str(enterprise_id), []))
        eligible = [i for i in inspectors if i not in barred]
        if len(eligible) < per_entity:
            raise DrawImpossible(enterprise_id)
        pairs.append((enterprise_id, rng.sample(eligible, per_entity)))
    return pairs


def _weights(enterprise_ids: list[int], setting: DrawSetting) -> dict[int, int]:
    """R-INSP-2: entities with complaints (public reports) or serious violations (major hazards) in the
    look-back window get the higher weight."""
    from django.db.models import Q

    from hazards.choices import Level, Source
    from hazards.models import Hazard

    since = timezone.now() - dt.timedelta(days=setting.weight_window_days)
    flagged = set(
        Hazard.objects.filter(enterprise_id__in=enterprise_ids, discovered_at__gte=since)
        .filter(Q(source=Source.PUBLIC_REPORT) | Q(level=Level.MAJOR))
        .values_list("enterprise_id", flat=True)
    )
    heavy = max(1, setting.complaint_weight)
    return {e: (heavy if e in flagged else 1) for e in enterprise_ids}


def _previous_round(enterprise_ids: list[int]) -> dict[int, list[int]]:
    """The inspectors of each entity's most recent earlier draw (R-INSP-1, setting); an undone draw sent
    nobody, so it is no previous round."""
    latest: dict[int, int] = {}
    for pair_id, enterprise_id in (
        DrawPair.objects.filter(enterprise_id__in=enterprise_ids, draw__state=DrawState.MADE)
        .order_by("enterprise_id", "-draw_id")
        .values_list("pk", "enterprise_id")
    ):
        latest.setdefault(enterprise_id, pair_id)
    result: dict[int, list[int]] = {}
    for _pair_id, enterprise_id, inspector_id in DrawAssignment.objects.filter(
        pair_id__in=latest.values()
    ).values_list("pair_id", "pair__enterprise_id", "inspector_id"):
        result.setdefault(enterprise_id, []).append(inspector_id)
    return result


def _inspector_pool(town, department):
    qs = get_user_model().objects.filter(is_active=True, role_assignments__role=Role.INSPECTOR)
    if town is not None:
        qs = qs.filter(town=town)
    if department is not None:
        qs = qs.filter(department=department)
    return list(qs.order_by("pk").values_list("pk", flat=True).distinct())


def _int(value, field: str, errors: dict, *, low: int, high: int) -> int | None:
    if isinstance(value, bool):
        add_error(errors, field, _("Enter a whole number."))
        return None
    try:
        number = int(value)
        if str(number) != str(value).strip() and not isinstance(value, int):
            raise ValueError
    except (TypeError, ValueError):
        add_error(errors, field, _("Enter a whole number."))
        return None
    if not low <= number <= high:
        add_error(
            errors, field, _("Enter a number between %(low)d and %(high)d.") % {"low": low, "high": high}
        )
        return None
    return number


def _lookup(model, value, field, errors, qs=None):
    if value in (None, ""):
        return None
    key = value if model is Sector else safe_id(value)
    try:
        found = (qs if qs is not None else model.objects).filter(pk=key).first() if key else None
    except (TypeError, ValueError):
        found = None
    if found is None:
        add_error(errors, field, _("Unknown value."))
    return found


@transaction.atomic
def make_draw(
    *,
    actor,
    pool: dict | None,
    inspector_pool: dict | None,
    count,
    inspectors_per_entity=2,
    seed=None,
    template=None,
    deadline=None,
) -> Draw:
    """Draw `count` entities from the pool and pair each with distinct inspectors; store everything."""
    POLICY.require(actor, "plan", _("Your role may not make draws."))
    errors: dict = {}
    pool = pool or {}
    inspector_pool = inspector_pool or {}
    if not isinstance(pool, dict):
        add_error(errors, "pool", _("Give the pool as an object."))
        pool = {}
    if not isinstance(inspector_pool, dict):
        add_error(errors, "inspector_pool", _("Give the inspector pool as an object."))
        inspector_pool = {}
    town = _lookup(Jurisdiction, pool.get("town"), "pool", errors, Jurisdiction.objects.towns())
    sector = _lookup(Sector, pool.get("sector"), "pool", errors)
    i_town = _lookup(
        Jurisdiction, inspector_pool.get("town"), "inspector_pool", errors, Jurisdiction.objects.towns()
    )
    i_dept = _lookup(Department, inspector_pool.get("department"), "inspector_pool", errors)
    count = _int(count, "count", errors, low=1, high=10000)
    per_entity = _int(inspectors_per_entity, "inspectors_per_entity", errors, low=2, high=MAX_PER_ENTITY)
    if seed in (None, ""):
        seed = secrets.randbelow(SEED_MAX)
    else:
        seed = _int(seed, "seed", errors, low=-(2**63), high=2**63 - 1)
    chosen_template = None
    if template not in (None, ""):
        chosen_template = _lookup(
            ChecklistTemplate, template, "template", errors, ChecklistTemplate.objects.current()
        )
    due = None
    if deadline not in (None, ""):
        try:
            due = deadline if isinstance(deadline, dt.date) else dt.date.fromisoformat(str(deadline))
        except ValueError:
            add_error(errors, "deadline", _("Enter a valid date."))
    raise_if(errors)

    setting = DrawSetting.current()
    enterprises = Enterprise.objects.visible_to(actor).operating()
    if town is not None:
        enterprises = enterprises.filter(town=town)
    if sector is not None:
        enterprises = enterprises.filter(sectors=sector)
    enterprise_ids = sorted(set(enterprises.values_list("pk", flat=True)))
    inspectors = _inspector_pool(i_town, i_dept)
    if len(enterprise_ids) < count:
        add_error(errors, "count", _("The pool holds only %(n)d enterprises.") % {"n": len(enterprise_ids)})
    if len(inspectors) < per_entity:
        add_error(
            errors,
            "inspector_pool",
            _("The inspector pool holds only %(n)d inspectors.") % {"n": len(inspectors)},
        )
    raise_if(errors)

    weights = _weights(enterprise_ids, setting)
    excluded: dict[str, set[int]] = {}
    for inspector_id, enterprise_id in ConflictOfInterest.objects.filter(
        enterprise_id__in=enterprise_ids, inspector_id__in=inspectors
    ).values_list("inspector_id", "enterprise_id"):
        excluded.setdefault(str(enterprise_id), set()).add(inspector_id)
    if setting.exclude_previous_round:
        for enterprise_id, ids in _previous_round(enterprise_ids).items():
            excluded.setdefault(str(enterprise_id), set()).update(i for i in ids if i in inspectors)
    snapshot = {
        "enterprises": [[e, weights[e]] for e in enterprise_ids],
        "inspectors": inspectors,
        "excluded": {k: sorted(v) for k, v in sorted(excluded.items())},
        "settings": {
            "exclude_previous_round": setting.exclude_previous_round,
            "complaint_weight": setting.complaint_weight,
            "weight_window_days": setting.weight_window_days,
            "source": setting.source,
            "effective_from": setting.effective_from.isoformat(),
        },
    }
    try:
        pairs = run_draw(snapshot, seed, count, per_entity)
    except DrawImpossible as exc:
        name = Enterprise.objects.filter(pk=exc.enterprise_id).values_list("name", flat=True).first()
        raise InvalidInput.field(
            "inspector_pool",
            _("Too few inspectors without a conflict of interest for %(name)s.") % {"name": name},
        ) from None

    draw = Draw(
        created_by=actor,
        seed=seed,
        town=town,
        sector=sector,
        inspector_town=i_town,
        inspector_department=i_dept,
        count=count,
        inspectors_per_entity=per_entity,
        snapshot=snapshot,
        template=chosen_template,
    )
    draw.save(force_insert=True)
    towns = dict(Enterprise.objects.filter(pk__in=[e for e, _i in pairs]).values_list("pk", "town_id"))
    # The shipped (or admin-made) checklist of each sector; follow-up checklists belong to their campaign.
    sector_templates = {
        t.sector_id: t
        for t in ChecklistTemplate.objects.current()
        .exclude(sector=None)
        .filter(source_type="")
        .order_by("-id")
    }
    fallback = (
        chosen_template
        or sector_templates.get(getattr(sector, "pk", None))
        or ChecklistTemplate.objects.current().first()
    )
    first_sector = {}
    for enterprise_id, code in (
        Enterprise.sectors.through.objects.filter(enterprise_id__in=towns)
        .order_by("sector__order")
        .values_list("enterprise_id", "sector_id")
    ):
        first_sector.setdefault(enterprise_id, code)
    for position, (enterprise_id, inspector_ids) in enumerate(pairs, start=1):
        pair = DrawPair(draw=draw, position=position, enterprise_id=enterprise_id)
        pair.save(force_insert=True)
        for slot, inspector_id in enumerate(inspector_ids, start=1):
            DrawAssignment(pair=pair, position=slot, inspector_id=inspector_id).save(force_insert=True)
        template_for = chosen_template or sector_templates.get(first_sector.get(enterprise_id)) or fallback
        # R-INSP-3: the task goes to the inspectors only; the enterprise is never told in advance.
        task = InspectionTask.objects.create(
            draw_pair=pair,
            enterprise_id=enterprise_id,
            town_id=towns[enterprise_id],
            template=template_for,
            deadline=due,
            created_by=actor,
            assigned_town=i_town,
            assigned_department=i_dept,
        )
        task.inspectors.set(inspector_ids)
    record(
        draw,
        "inspections.draw.made",
        actor=actor,
        data={"seed": seed, "count": count, "pairs": [[e, i] for e, i in pairs]},
    )
    return draw


def stored_pairs(draw: Draw) -> list[tuple[int, list[int]]]:
    pairs = []
    for pair in draw.pairs.all().prefetch_related("assignments"):
        pairs.append(
            (
                pair.enterprise_id,
                [a.inspector_id for a in sorted(pair.assignments.all(), key=lambda a: a.position)],
            )
        )
    return pairs


def verify_draw(draw: Draw) -> bool:
    """Re-run from the stored seed and pools; true when the result is exactly what was stored."""
    try:
        again = run_draw(draw.snapshot, draw.seed, draw.count, draw.inspectors_per_entity)
    except (DrawImpossible, KeyError, ValueError, TypeError):
        return False
    return again == stored_pairs(draw)


# --- Undoing a draw ---------------------------------------------------------------------------------


def _draw_tasks(draw: Draw):
    return InspectionTask.objects.filter(draw_pair__draw=draw).select_related("enterprise", "draw_pair__draw")


def _nothing_started(step: Step) -> None:
    """Undoing is possible only while no task of the draw has started: a started inspection is evidence.
    An inspector starting one meanwhile races the withdrawal on the task's conditional UPDATE: one loses."""
    tasks = list(_draw_tasks(step.obj))
    started_ids = set(Inspection.objects.filter(task__in=tasks).values_list("task_id", flat=True))
    started = [t for t in tasks if t.state != TaskState.OPEN or t.pk in started_ids]
    if started:
        raise Conflict(
            _("Work on this draw has started (%(names)s), so it can no longer be undone.")
            % {"names": "、".join(t.enterprise.name for t in started[:3])}
        )
    step.changes.update(undone_at=timezone.now(), undone_by=step.actor, undo_reason=step.data["reason"])
    step.audit_data.update(reason=step.data["reason"], tasks=[t.pk for t in tasks])


def _withdraw_tasks(step: Step) -> None:
    """Each task is cancelled through its own workflow, with the version read in this transaction."""
    for task in _draw_tasks(step.obj).filter(pk__in=step.audit_data["tasks"]):
        try:
            rules.TASK_FLOW.perform(task, "cancel", actor=step.actor, version=task.version)
        except Conflict:  # the task moved between the check and the write
            raise Conflict(_("Work on this draw has started, so it can no longer be undone.")) from None


def undo_draw(draw: Draw, *, actor, version, data=None) -> Draw:
    """Undo a draw before any of its work started: its tasks are withdrawn, its result stays on record
    (marked undone on the draw's page and public notice), the reason is audited."""
    return rules.DRAW_FLOW.perform(
        draw, "undo", actor=actor, version=version, data=data, prepare=_nothing_started, after=_withdraw_tasks
    )


@transaction.atomic
def publish_results(*, actor, draw: Draw) -> int:
    """Publish the finished inspections of a draw (entity, date, outcome; R-INSP-1 "one public")."""
    POLICY.require(actor, "plan", _("Your role may not publish results."))
    published = 0
    pairs = draw.pairs.filter(published__isnull=True).select_related("task__inspection")
    for pair in pairs:
        task = getattr(pair, "task", None)
        inspection = getattr(task, "inspection", None) if task else None
        if inspection is None or inspection.state != InspectionState.FINISHED:
            continue
        PublishedResult.objects.create(
            pair=pair,
            inspected_on=timezone.localdate(inspection.finished_at),
            outcome=inspection.outcome,
            published_by=actor,
        )
        published += 1
    if not published:
        raise Conflict(_("No finished inspection of this draw is waiting to be published."))
    record(draw, "inspections.draw.published", actor=actor, data={"published": published})
    return published


@transaction.atomic
def record_conflict(*, actor, inspector, enterprise, reason: str) -> ConflictOfInterest:
    POLICY.require(actor, "plan", _("Your role may not record conflicts of interest."))
    errors: dict = {}
    reason = (reason or "").strip()
    if not reason:
        add_error(errors, "reason", _("This field is required."))
    if inspector is None or not inspector.role_codes & {Role.INSPECTOR}:
        add_error(errors, "inspector", _("Choose an inspector."))
    if enterprise is None or not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        add_error(errors, "enterprise", _("Choose an enterprise in your area."))
    raise_if(errors)
    if ConflictOfInterest.objects.filter(inspector=inspector, enterprise=enterprise).exists():
        raise InvalidInput.field("enterprise", _("This conflict is already recorded."))
    conflict = ConflictOfInterest.objects.create(
        inspector=inspector, enterprise=enterprise, reason=reason[:200], recorded_by=actor
    )
    record(
        conflict,
        "inspections.conflict.recorded",
        actor=actor,
        data={"inspector": inspector.pk, "enterprise": enterprise.pk},
    )
    return conflict


@transaction.atomic
def update_draw_setting(
    *,
    actor,
    exclude_previous_round: bool,
    complaint_weight,
    weight_window_days,
    publication_working_days,
    source: str,
    effective_from,
    min_draw_share=70,
) -> DrawSetting:
    POLICY.require(
        actor, "change_draw_settings", _("Only a district administrator changes the draw settings.")
    )
    errors: dict = {}
    weight = _int(complaint_weight, "complaint_weight", errors, low=1, high=20)
    window = _int(weight_window_days, "weight_window_days", errors, low=1, high=3650)
    days = _int(publication_working_days, "publication_working_days", errors, low=1, high=120)
    share = _int(min_draw_share, "min_draw_share", errors, low=0, high=100)
    if not (source or "").strip():
        add_error(errors, "source", _("This field is required."))
    raise_if(errors)
    setting = DrawSetting.current()
    if setting.pk is None:
        setting.save()
    before = {
        "exclude_previous_round": setting.exclude_previous_round,
        "complaint_weight": setting.complaint_weight,
        "weight_window_days": setting.weight_window_days,
        "publication_working_days": setting.publication_working_days,
        "min_draw_share": setting.min_draw_share,
    }
    DrawSetting.objects.filter(pk=setting.pk).update(
        exclude_previous_round=bool(exclude_previous_round),
        complaint_weight=weight,
        weight_window_days=window,
        publication_working_days=days,
        min_draw_share=share,
        source=source.strip()[:200],
        effective_from=effective_from,
        updated_by=actor,
        updated_at=timezone.now(),
    )
    setting.refresh_from_db()
    record(
        setting, "inspections.draw_setting.changed", actor=actor, data={"before": before, "weight": weight}
    )
    return setting
