"""Risk writes and derived levels (R-RISK-*).

Each write is one transaction: role check (403), state and version (409), validation (400), write,
audit event, and the enterprise level recomputed (R-RISK-5) because a point changed.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import diff, record
from core.choices import AccidentType, Role
from core.errors import Conflict, InvalidInput, NotAllowed
from core.workflow import Transition, Workflow
from registry.models import Enterprise
from registry.validators import phone_error
from risk.choices import FactorCategory, Method, PointKind
from risk.dynamic import (
    effective_point_level,
    enterprise_level,
    months_after,
    open_major_hazards_by_point,
    recent_accident,
)
from risk.forms import MeasureForm, RemoveMeasureForm, RetireForm
from risk.models import ControlMeasure, RiskAssessment, RiskPoint
from risk.policy import POLICY, RISK_EDITORS
from risk.tables import FactorError, assess, grading, parse_factors

POINT_FIELDS = (
    "name",
    "kind",
    "location",
    "factor_categories",
    "hazard_factors",
    "accident_types",
    "consequences",
    "emergency_measures",
    "responsible_person",
    "responsible_phone",
)


def review_months() -> int:
    """R-RISK-7 (setting): reassessment at least this often."""
    return int(getattr(settings, "RISK_REVIEW_MONTHS", 12))


def can_manage(user, enterprise_id: int) -> bool:
    """Enterprise users for their own enterprise; town, department and district officials in scope."""
    if POLICY.can(user, "manage_own") and user.enterprise_id == enterprise_id:
        return True
    if POLICY.can(user, "manage"):
        return Enterprise.objects.visible_to(user).filter(pk=enterprise_id).exists()
    return False


def _check_can_manage(actor, enterprise_id: int) -> None:
    if not can_manage(actor, enterprise_id):
        raise NotAllowed(_("Your role may not change this enterprise's risk register."))


def _still_listed(point: RiskPoint) -> str:
    return _("This risk point has been retired.")


# The point's workflow (core/workflow.py): its state is whether it is still on the register. Every write to
# a point is a transition performed through FLOW: role and scope (`can_manage`), the point still listed
# (409), the version the client read (400 missing, 409 stale), then the conditional UPDATE and the audit.
_WRITERS = RISK_EDITORS | {Role.ENTERPRISE_USER}
FLOW = Workflow(
    model=RiskPoint,
    name="risk.riskpoint",
    state_field="is_active",
    state_message=_still_listed,
    transitions=[
        Transition(
            "update",
            (True,),
            None,
            _WRITERS,
            guard=lambda user, p: can_manage(user, p.enterprise_id),
            verb="updated",
        ),
        Transition(
            "assess",
            (True,),
            None,
            _WRITERS,
            guard=lambda user, p: can_manage(user, p.enterprise_id),
            verb="assessed",
            # R-RISK-7: the next review after today and within the colour's review period.
            rule_fields=("next_review_on",),
        ),
        Transition(
            "add_measure",
            (True,),
            None,
            _WRITERS,
            guard=lambda user, p: can_manage(user, p.enterprise_id),
            form=MeasureForm,
            event="risk.controlmeasure.added",
            path="measures",
            button=False,
        ),
        Transition(
            "remove_measure",
            (True,),
            None,
            _WRITERS,
            guard=lambda user, p: can_manage(user, p.enterprise_id),
            form=RemoveMeasureForm,
            event="risk.controlmeasure.removed",
            path="measures/remove",
            button=False,
        ),
        Transition(
            "retire",
            (True,),
            False,
            _WRITERS,
            guard=lambda user, p: can_manage(user, p.enterprise_id),
            label=gettext_lazy("Retire"),
            form=RetireForm,
            verb="retired",
            button=False,
        ),
    ],
    in_scope=lambda user, point: True,  # the guard's `can_manage` is the scope: own enterprise, or visible_to
)


def check_version(point: RiskPoint, version, *, actor, action: str) -> None:
    """The API's early check, so that 403 and 409 come before the body's 400 (API.md order)."""
    FLOW.check(point, action, actor=actor, version=version)


def clean_point_data(data: dict, *, partial: bool = False) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    if "name" in data or not partial:
        name = (data.get("name") or "").strip()
        if not name:
            add("name", _("This field is required."))
        elif len(name) > 120:
            add("name", _("At most 120 characters."))
        cleaned["name"] = name
    if "kind" in data or not partial:
        kind = data.get("kind") or PointKind.SITE
        if kind not in PointKind.values:
            add("kind", _("Unknown kind of risk point."))
        cleaned["kind"] = kind
    for field, allowed, label in (
        ("factor_categories", FactorCategory.values, _("Choose at least one family of hazard factors.")),
        ("accident_types", AccidentType.values, _("Choose at least one possible accident type.")),
    ):
        if field in data or not partial:
            values = data.get(field) or []
            if isinstance(values, str):
                values = [values]
            values = [str(v) for v in values]
            if not values:
                add(field, label)
            elif any(v not in allowed for v in values):
                add(
                    field,
                    _("Unknown code: %(codes)s.")
                    % {"codes": ", ".join(v for v in values if v not in allowed)},
                )
            cleaned[field] = [v for v in allowed if v in values]  # table order, no duplicates
    for field, limit in (("location", 200), ("responsible_person", 50)):
        if field in data:
            value = (data.get(field) or "").strip()
            if len(value) > limit:
                add(field, _("At most %(n)d characters.") % {"n": limit})
            cleaned[field] = value
    for field in ("hazard_factors", "consequences", "emergency_measures"):
        if field in data:
            cleaned[field] = (data.get(field) or "").strip()
    if "responsible_phone" in data:
        phone = (data.get("responsible_phone") or "").strip()
        error = phone_error(phone)
        if error:
            add("responsible_phone", error)
        cleaned["responsible_phone"] = phone
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def clean_assessment(
    *, method: str, factors: dict, next_review_on: dt.date | None, today: dt.date
) -> tuple[dict, object, dt.date]:
    """Factors from the tables only (R-RISK-2/3) and a review date within the yearly limit (R-RISK-7)."""
    errors: dict[str, list[str]] = {}
    result = None
    chosen: dict = {}
    if method not in Method.values:
        errors["method"] = [str(_("Choose LEC or the risk matrix."))]
    else:
        try:
            chosen = parse_factors(method, factors)
            result = assess(method, **chosen)
        except FactorError as exc:
            errors.update({k: [str(m) for m in v] for k, v in exc.errors.items()})
    latest = months_after(today, review_months())
    if next_review_on is None:
        next_review_on = latest
    elif next_review_on <= today:
        errors["next_review_on"] = [str(_("The next review must be after today."))]
    elif next_review_on > latest:
        errors["next_review_on"] = [
            str(
                _("Reassess at least every %(n)d months: choose %(date)s or earlier.")
                % {"n": review_months(), "date": latest.isoformat()}
            )
        ]
    if errors:
        raise InvalidInput(errors=errors)
    return chosen, result, next_review_on


def _write_assessment(*, point, actor, method, result, next_review_on, note, now, values) -> RiskAssessment:
    assessment = RiskAssessment.objects.create(
        point=point,
        method=method,
        l_value=values["l"],
        e_value=values.get("e"),
        c_value=values.get("c"),
        s_value=int(values["s"]) if "s" in values else None,
        score=result.score,
        grade=result.grade,
        colour=result.colour,
        grading_source=grading(method)["source"][:200],
        note=(note or "").strip(),
        assessed_at=now,
        assessed_by=actor if getattr(actor, "is_authenticated", False) else None,
        next_review_on=next_review_on,
    )
    return assessment


def _current_fields(assessment: RiskAssessment) -> dict:
    return {
        "method": assessment.method,
        "l_value": assessment.l_value,
        "e_value": assessment.e_value,
        "c_value": assessment.c_value,
        "s_value": assessment.s_value,
        "score": assessment.score,
        "grade": assessment.grade,
        "colour": assessment.colour,
        "assessed_at": assessment.assessed_at,
        "assessed_by": assessment.assessed_by,
        "next_review_on": assessment.next_review_on,
    }


def _assessment_audit(assessment: RiskAssessment) -> dict:
    return {
        "method": assessment.method,
        "l": assessment.l_value,
        "e": assessment.e_value,
        "c": assessment.c_value,
        "s": assessment.s_value,
        "score": assessment.score,
        "grade": assessment.grade,
        "colour": assessment.colour,
        "next_review_on": assessment.next_review_on,
    }


@transaction.atomic
def create_risk_point(
    *, actor, enterprise: Enterprise, data: dict, assessment: dict | None = None
) -> RiskPoint:
    """A new risk point, optionally with its first assessment (`method`, factors, `next_review_on`, `note`)."""
    _check_can_manage(actor, enterprise.pk)
    now = timezone.now()
    errors: dict = {}
    cleaned: dict = {}
    try:
        cleaned = clean_point_data(data)
    except InvalidInput as exc:
        errors.update(exc.errors)
    checked = None
    if assessment is not None:
        try:
            checked = clean_assessment(
                method=assessment.get("method") or "",
                factors=assessment,
                next_review_on=assessment.get("next_review_on"),
                today=timezone.localdate(now),
            )
        except InvalidInput as exc:
            errors.update(exc.errors)
    if errors:
        raise InvalidInput(errors=errors)
    point = RiskPoint.objects.create(
        enterprise=enterprise, method=(assessment or {}).get("method") or "", **cleaned
    )
    if checked is not None:
        factors, result, next_review = checked
        row = _write_assessment(
            point=point,
            actor=actor,
            method=assessment["method"],
            result=result,
            next_review_on=next_review,
            note=assessment.get("note", ""),
            now=now,
            values=factors,
        )
        fields = _current_fields(row)
        RiskPoint.objects.filter(pk=point.pk).update(**fields, effective_colour=row.colour)
        for name, value in fields.items():
            setattr(point, name, value)
    record(point, "risk.riskpoint.created", actor=actor, data={"enterprise": enterprise.pk, **cleaned})
    if checked is not None:
        record(point, "risk.riskpoint.assessed", actor=actor, data=_assessment_audit(row))
    refresh_enterprise_risk(enterprise_id=enterprise.pk)
    point.refresh_from_db()
    return point


def update_risk_point(*, actor, point: RiskPoint, data: dict, version: int) -> RiskPoint:
    def prepare(step):
        cleaned = clean_point_data({k: v for k, v in data.items() if k in POINT_FIELDS}, partial=True)
        step.audit_data.update(diff({k: getattr(point, k) for k in cleaned}, cleaned))
        step.changes.update(cleaned)

    def after(step):
        if "name" in step.audit_data:
            refresh_enterprise_risk(enterprise_id=point.enterprise_id)

    return FLOW.perform(point, "update", actor=actor, version=version, prepare=prepare, after=after)


@transaction.atomic
def assess_risk_point(
    *,
    actor,
    point: RiskPoint,
    method: str,
    factors: dict,
    version: int | None,
    next_review_on: dt.date | None = None,
    note: str = "",
) -> RiskAssessment:
    """Assess or reassess a point; earlier assessments stay in its history (R-RISK-7)."""

    def prepare(step):
        now = timezone.now()
        chosen, result, next_review = clean_assessment(
            method=method, factors=factors, next_review_on=next_review_on, today=timezone.localdate(now)
        )
        values = {
            "point": point,
            "actor": actor,
            "method": method,
            "result": result,
            "next_review_on": next_review,
        }
        step.result = _write_assessment(**values, note=note, now=now, values=chosen)
        step.changes.update(_current_fields(step.result))
        step.audit_data.update({**_assessment_audit(step.result), "previous_colour": point.colour})

    def after(step):
        refresh_enterprise_risk(enterprise_id=point.enterprise_id)
        point.refresh_from_db()

    return FLOW.perform(point, "assess", actor=actor, version=version, prepare=prepare, after=after)


def retire_risk_point(point: RiskPoint, *, actor, version, data) -> RiskPoint:
    """A point that no longer exists (equipment removed, process stopped) leaves the register, not the history.
    `data`: the reason (the transition's form)."""

    def prepare(step):
        step.audit_data["reason"] = step.data["reason"]

    def after(step):
        refresh_enterprise_risk(enterprise_id=point.enterprise_id)

    return FLOW.perform(
        point, "retire", actor=actor, version=version, data=data, prepare=prepare, after=after
    )


def add_control_measure(point: RiskPoint, *, actor, version, data) -> ControlMeasure:
    """A control measure of the point (R-RISK-4); its level may be below what the colour requires, which
    the point's page and the API flag rather than refuse."""

    def after(step):
        fields = {k: step.data[k] for k in ("kind", "level", "description", "responsible_person")}
        created_by = actor if getattr(actor, "is_authenticated", False) else None
        step.result = ControlMeasure.objects.create(point=step.obj, created_by=created_by, **fields)
        step.audit_data.update(measure=step.result.pk, **fields)

    return FLOW.perform(point, "add_measure", actor=actor, version=version, data=data, after=after)


def remove_control_measure(point: RiskPoint, *, actor, version, data) -> ControlMeasure:
    """The measure leaves the point's active list (it stays in the history); once."""

    def prepare(step):
        measure = ControlMeasure.objects.filter(pk=step.data["measure_pk"], point=step.obj).first()
        if measure is None:
            raise InvalidInput.field("measure_pk", _("Choose a measure of this risk point."))
        if not measure.is_active:
            raise Conflict(_("This measure was already removed."))
        step.result = measure
        step.audit_data.update(measure=measure.pk, description=measure.description)

    def after(step):
        ControlMeasure.objects.filter(pk=step.result.pk).update(is_active=False)
        step.result.is_active = False

    return FLOW.perform(
        point, "remove_measure", actor=actor, version=version, data=data, prepare=prepare, after=after
    )


@transaction.atomic
def refresh_enterprise_risk(*, enterprise_id: int, now: dt.datetime | None = None) -> str:
    """R-RISK-5/6: re-derive the effective colours of the enterprise's points and its level.

    Called whenever a point, a hazard on a point or an accident at the enterprise changes, and daily by
    the `risk.rederive_levels` job so raised levels fall back when the hazard closes or the accident
    leaves the window. Idempotent: only changed values are written, and only a change is audited.
    """
    now = now or timezone.now()
    hazards = open_major_hazards_by_point(enterprise_id)
    rows: list[tuple[str, str, str]] = []
    points = (
        RiskPoint.objects.active()
        .assessed()
        .filter(enterprise_id=enterprise_id)
        .only("pk", "name", "colour", "effective_colour", "effective_reason")
    )
    for point in points:
        level = effective_point_level(colour=point.colour, hazard_title=hazards.get(point.pk))
        if (point.effective_colour, point.effective_reason) != (level.colour, level.reason):
            RiskPoint.objects.filter(pk=point.pk).update(
                effective_colour=level.colour, effective_reason=level.reason
            )
        rows.append((point.name, level.colour, level.reason))
    level, reason = enterprise_level(rows, recent_accident(enterprise_id, now))
    enterprise = (
        Enterprise.objects.filter(pk=enterprise_id)
        .only("pk", "name", "risk_level", "risk_level_reason")
        .first()
    )
    if enterprise is None:
        return level
    if (enterprise.risk_level, enterprise.risk_level_reason) != (level, reason):
        before = {"risk_level": enterprise.risk_level, "risk_level_reason": enterprise.risk_level_reason}
        Enterprise.objects.filter(pk=enterprise_id).update(risk_level=level, risk_level_reason=reason)
        record(
            enterprise,
            "risk.enterprise.level_derived",
            actor=None,
            data=diff(before, {"risk_level": level, "risk_level_reason": reason}),
        )
    return level


def enterprises_to_rederive(now: dt.datetime) -> list[int]:
    """Enterprises whose level may change with time: assessed points, a level, or a recent accident."""
    from risk.dynamic import enterprises_with_recent_accidents

    ids = set(RiskPoint.objects.values_list("enterprise_id", flat=True).distinct())
    ids |= set(Enterprise.objects.exclude(risk_level="").values_list("pk", flat=True))
    ids |= enterprises_with_recent_accidents(now)
    return sorted(ids)
