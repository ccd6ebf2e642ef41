"""Accident reports and their clocks (R-ACC-1..4, R-ACC-7) and the level table (R-ACC-1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accidents import rules
from accidents.choices import LEVEL_RANK, ReportKind, State, Step
from accidents.forms import CloseForm, OpenInvestigationForm, SupplementForm
from accidents.models import (
    Accident,
    AccidentReport,
    LevelChange,
    ReportDeadline,
)
from accidents.policy import OFFICIALS, POLICY, can, in_scope, require
from accidents.services import chain
from audit.services import diff, record
from core.choices import AccidentType
from core.documents import official_number
from core.errors import Conflict, InvalidInput, NotAllowed
from core.extensions import announce
from core.forms import clean
from core.workflow import Transition, Workflow
from notifications.recipients import Audience, resolve
from notifications.services import notify
from registry.choices import TOWN_KINDS
from registry.models import Enterprise, Jurisdiction, Sector

NUMBER_FIELDS = ("deaths", "missing", "serious_injuries", "minor_injuries", "direct_loss")
EDITABLE_FIELDS = (
    "occurred_at",
    "town",
    "address",
    "lat",
    "lng",
    "enterprise",
    "sector",
    "accident_type",
    "narrative",
    "measures_taken",
    "reporter_name",
    "reporter_phone",
)
MAX_LOSS = Decimal("99999999999999")
# The express report (事故快报) is numbered in the bureau's series (R-HAZ-13), prefix from REDLINE_DOCUMENTS.
EXPRESS_REPORT = "accidents.express"


# ---------------------------------------------------------------- validation
def clean_numbers(data: dict, *, base: dict | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    out = dict(base or {})
    for field in NUMBER_FIELDS:
        if field not in data:
            if base is None:
                out[field] = Decimal("0") if field == "direct_loss" else 0
            continue
        raw = data[field]
        if raw in (None, ""):
            raw = 0
        if field == "direct_loss":
            try:
                value = Decimal(str(raw))
            except (InvalidOperation, ValueError):
                errors[field] = [_("Enter an amount in yuan.")]
                continue
            if not value.is_finite() or value < 0 or value > MAX_LOSS:
                errors[field] = [_("Enter an amount of 0 yuan or more.")]
                continue
            out[field] = value.quantize(Decimal("0.01"))
        else:
            try:
                value = int(str(raw))
            except (TypeError, ValueError):
                errors[field] = [_("Enter a whole number.")]
                continue
            if value < 0 or value > 100000:
                errors[field] = [_("Enter a whole number of 0 or more.")]
                continue
            out[field] = value
    if errors:
        raise InvalidInput(errors=errors)
    return out


def _clean_fields(actor, data: dict, *, instance: Accident | None = None) -> dict:
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}

    def add(field, message):
        errors.setdefault(field, []).append(str(message))

    def given(field):
        return field in data or instance is None

    now = timezone.now()
    if given("occurred_at"):
        value = data.get("occurred_at")
        if not isinstance(value, dt.datetime):
            add("occurred_at", _("Enter the date and time of the accident."))
        else:
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            if value > now + dt.timedelta(minutes=5):
                add("occurred_at", _("The accident cannot be in the future."))
            elif value < now - dt.timedelta(days=3650):
                add("occurred_at", _("The accident time is too far in the past."))
            cleaned["occurred_at"] = value
    if given("town"):
        town = data.get("town")
        if isinstance(town, int | str) and str(town).isdigit():
            town = Jurisdiction.objects.filter(pk=int(town)).first()
        if not isinstance(town, Jurisdiction) or town.kind not in TOWN_KINDS:
            add("town", _("Choose a town or street of the district."))
        cleaned["town"] = town
    if given("sector"):
        sector = data.get("sector")
        if isinstance(sector, str):
            sector = Sector.objects.filter(pk=sector).first()
        if not isinstance(sector, Sector):
            add("sector", _("Choose a sector."))
        cleaned["sector"] = sector
    if given("accident_type"):
        value = data.get("accident_type") or ""
        if value not in AccidentType.values:
            add("accident_type", _("Choose an accident type of GB 6441-1986."))
        cleaned["accident_type"] = value
    if "enterprise" in data:
        enterprise = data.get("enterprise")
        if isinstance(enterprise, int | str) and str(enterprise).isdigit():
            # An unknown id and one outside the actor's area get the same answer (no hint that it exists).
            enterprise = Enterprise.objects.filter(pk=int(enterprise)).first() or False
        if enterprise in ("", None):
            enterprise = None
        elif (
            not isinstance(enterprise, Enterprise)
            or not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists()
        ):
            add("enterprise", _("Choose an enterprise in your area."))
            enterprise = None
        cleaned["enterprise"] = enterprise
    for field, limit in (("address", 200), ("reporter_name", 50), ("reporter_phone", 20)):
        if field in data:
            value = (data.get(field) or "").strip()
            if len(value) > limit:
                add(field, _("At most %(n)d characters.") % {"n": limit})
            cleaned[field] = value
    for field in ("narrative", "measures_taken"):
        if field in data:
            cleaned[field] = (data.get(field) or "").strip()
    for field, limit in (("lat", 90), ("lng", 180)):
        if field in data:
            raw = data.get(field)
            if raw in (None, ""):
                cleaned[field] = None
                continue
            try:
                value = Decimal(str(raw)).quantize(Decimal("0.000001"))
            except (InvalidOperation, ValueError):
                add(field, _("Enter a coordinate in degrees."))
                continue
            if not value.is_finite() or abs(value) > limit:
                add(field, _("Enter a coordinate in degrees."))
                continue
            cleaned[field] = value
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def _title(accident: Accident) -> str:
    """Stored in Chinese, the official language of the record, whatever the reporter's interface language."""
    with translation.override("zh-hans"):
        return _title_text(accident)


def _title_text(accident: Accident) -> str:
    when = timezone.localtime(accident.occurred_at).strftime("%Y-%m-%d")
    where = accident.enterprise.name if accident.enterprise_id else (accident.address or accident.town.name)
    return f"{when} {where} {accident.get_accident_type_display()}"[:200]


def _check_scope_and_enterprise(actor, accident: Accident) -> None:
    if actor.role_codes & OFFICIALS:
        if not in_scope(
            actor,
            town_id=accident.town_id,
            sector_code=accident.sector_id,
            enterprise_id=accident.enterprise_id,
        ):
            raise InvalidInput.field("town", _("You may record accidents in your own area only."))
        return
    # An enterprise user reports its own enterprise's accidents only.
    if not accident.enterprise_id or accident.enterprise_id != actor.enterprise_id:
        raise InvalidInput.field(
            "enterprise", _("An enterprise reports accidents of its own enterprise only.")
        )


def _audiences(accident: Accident) -> list:
    return resolve(
        [Audience.DISTRICT, Audience.DUTY, Audience.TOWN, Audience.DEPARTMENT],
        town_id=accident.town_id,
        sector_codes=[accident.sector_id],
    )


def _refresh_risk(*enterprise_ids) -> None:
    from risk.services import refresh_enterprise_risk

    for enterprise_id in {e for e in enterprise_ids if e}:
        refresh_enterprise_risk(enterprise_id=enterprise_id)


def sync_deadlines(accident: Accident, *, now: dt.datetime | None = None) -> None:
    """Create the reports the level requires, drop undone ones it no longer requires, keep done ones."""
    existing = {d.step: d for d in accident.deadlines.all()}
    unit = existing.get(Step.UNIT_TO_DISTRICT)
    due = rules.due_times(
        occurred_at=accident.occurred_at,
        level=rules.reporting_level(accident.level, accident.larger_near_miss),
        unit_reported_at=unit.done_at if unit else None,
        unit_informed_at=accident.unit_informed_at,
    )
    for step, deadline in existing.items():
        if step not in due and deadline.done_at is None:
            deadline.delete()
    for step, due_at in due.items():
        deadline = existing.get(step)
        if deadline is None:
            ReportDeadline.objects.create(accident=accident, step=step, due_at=due_at)
        elif deadline.done_at is None and deadline.due_at != due_at:
            deadline.due_at = due_at
            deadline.save(update_fields=["due_at"])


# ---------------------------------------------------------------- accidents
@transaction.atomic
def record_accident(*, actor, data: dict) -> Accident:
    """R-ACC-2: the report reaches the district the moment it is recorded; the clocks start at the accident."""
    require(actor, "record_accident")
    if "enterprise" not in data and actor.enterprise_id and not actor.role_codes & OFFICIALS:
        data = {**data, "enterprise": actor.enterprise_id}  # an enterprise reports its own accident
    cleaned = _clean_fields(actor, data)
    cleaned.update(chain.clean_chain_fields(data, occurred_at=cleaned.get("occurred_at")))
    numbers = clean_numbers(data)
    now = timezone.now()
    accident = Accident(**cleaned, **numbers, reported_by=actor, reported_at=now)
    if not accident.reporter_name:
        accident.reporter_name = actor.display_name
    if not accident.reporter_phone:
        accident.reporter_phone = actor.phone
    _check_scope_and_enterprise(actor, accident)
    accident.level = rules.compute_level(**_level_inputs(numbers))
    accident.title = _title(accident)
    accident.express_number = official_number(EXPRESS_REPORT)
    accident.save()
    LevelChange.objects.create(
        accident=accident,
        to_level=accident.level,
        numbers=_jsonable(numbers),
        changed_by=actor,
        changed_at=now,
        reason=_("Initial report"),
    )
    AccidentReport.objects.create(
        accident=accident,
        kind=ReportKind.INITIAL,
        submitted_at=now,
        submitted_by=actor,
        text=accident.narrative,
        numbers=_jsonable(numbers),
    )
    sync_deadlines(accident)
    unit = accident.deadlines.get(step=Step.UNIT_TO_DISTRICT)
    unit.done_at = now
    unit.done_by = actor
    unit.note = _("Recorded in Redline")
    if now > unit.due_at:
        unit.late_flagged_at = now  # R-ACC-7: reported late (迟报)
    unit.save()
    sync_deadlines(accident)
    chain.open_notification_steps(accident)
    announce("accident", accident.pk)  # its level and whether it was reported late
    record(
        accident,
        "accidents.accident.recorded",
        actor=actor,
        data={
            "level": accident.level,
            "numbers": numbers,
            "late": unit.late_flagged_at is not None,
        },
    )
    notify(
        recipients=_audiences(accident),
        kind="accident.recorded",
        title=_("Accident reported: %(title)s (%(level)s)")
        % {"title": accident.title, "level": accident.get_level_display()},
        body=accident.narrative[:500],
        url=f"/accidents/{accident.pk}/",
        target=accident,
        dedup_key=f"accident:{accident.pk}:recorded",
    )
    _refresh_risk(accident.enterprise_id)
    return accident


def _level_inputs(numbers: dict) -> dict:
    return {
        "deaths": numbers["deaths"],
        "missing": numbers["missing"],
        "serious_injuries": numbers["serious_injuries"],
        "direct_loss": numbers["direct_loss"],
    }


def _jsonable(numbers: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in numbers.items()}


def _lock(accident: Accident) -> Accident:
    """The accident's row held while its report deadlines change (ReportDeadline rows, not the accident's
    state): two officers marking steps at once see each other's marks. No version: nothing of the accident
    itself is written here; its own changes go through FLOW."""
    return Accident.objects.select_for_update().get(pk=accident.pk)


# The accident's workflow (core/workflow.py): a correction of the facts and a supplementary report keep the
# state; opening the investigation and closing move it (accidents.services.investigation). Each is performed
# with the version the client read, by the one conditional UPDATE.
OPEN = (State.REPORTED, State.INVESTIGATING)
FLOW = Workflow(
    model=Accident,
    name="accidents.accident",
    transitions=[
        Transition("update", OPEN, None, POLICY.roles("update_accident"), verb="updated"),
        Transition("supplement", OPEN, None, POLICY.roles("supplement_accident"), verb="supplemented"),
        # R-ACC-5: the investigation team opens the investigation and closes the accident with its report.
        Transition(
            "open_investigation",
            (State.REPORTED,),
            State.INVESTIGATING,
            POLICY.roles("investigate"),
            label=gettext_lazy("Open the investigation"),
            form=OpenInvestigationForm,
            verb="investigation_opened",
            path="investigation/open",
            button=False,
        ),
        Transition(
            "close",
            (State.INVESTIGATING,),
            State.CLOSED,
            POLICY.roles("investigate"),
            label=gettext_lazy("Close the accident"),
            form=CloseForm,
            verb="closed",
            button=False,
        ),
    ],
    state_message=lambda accident: _("A closed accident can no longer be changed."),
)


@transaction.atomic
def update_accident(*, actor, accident: Accident, data: dict, version: int) -> Accident:
    """Correct the facts of an open accident; casualty numbers go through `supplement_accident`."""
    numbers = {k: v for k, v in data.items() if k in NUMBER_FIELDS}
    if set(data) - set(NUMBER_FIELDS) - {"note"} or not numbers:
        accident = FLOW.perform(
            accident,
            "update",
            actor=actor,
            version=version,
            prepare=lambda s: _correct(s, data),
            after=_corrected,
        )
        version = accident.version
    if numbers:
        accident = supplement_accident(
            actor=actor, accident=accident, numbers=numbers, note=data.get("note", ""), version=version
        )
    return accident


def _correct(step, data: dict) -> None:
    accident, actor = step.obj, step.actor
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    cleaned = _clean_fields(actor, fields, instance=accident)
    cleaned.update(
        chain.clean_chain_fields(
            data, occurred_at=cleaned.get("occurred_at", accident.occurred_at), instance=accident
        )
    )
    before = {k: getattr(accident, k) for k in cleaned}
    for key, value in cleaned.items():
        setattr(accident, key, value)
    _check_scope_and_enterprise(actor, accident)
    step.changes.update({**cleaned, "title": _title(accident)})
    step.audit_data["changes"] = diff(before, cleaned)
    step.before = before.get("enterprise", accident.enterprise)


def _corrected(step) -> None:
    """The clocks follow the corrected facts; the risk level of the enterprises it moved between too."""
    sync_deadlines(step.obj)
    if {"enterprise", "occurred_at"} & set(step.audit_data["changes"]):
        _refresh_risk(getattr(step.before, "pk", None), step.obj.enterprise_id)


@transaction.atomic
def supplement_accident(
    *, actor, accident: Accident, numbers: dict, note: str = "", version: int
) -> Accident:
    """R-ACC-3: late casualty changes within the window update the numbers and the level, with history."""
    return _supplement_with(accident, actor, version, lambda: (numbers, note))


@transaction.atomic
def supplement_from_page(accident: Accident, *, actor, version, data) -> Accident:
    """The supplementary report as the accident's page posts it: every number, and what changed. The form
    is read after role, state and version, as every transition's input is."""

    def read():
        numbers = clean(SupplementForm, data)
        return numbers, numbers.pop("note")

    return _supplement_with(accident, actor, version, read)


def _supplement_with(accident: Accident, actor, version, read) -> Accident:
    def prepare(step):
        numbers, note = read()
        _supplement(step, numbers, (note or "").strip()[:200])

    accident = FLOW.perform(
        accident,
        "supplement",
        actor=actor,
        version=version,
        prepare=prepare,
        after=lambda step: _supplement_history(step, step.audit_data["reason"]),
        notify=_tell_raised_level,
    )
    _refresh_risk(accident.enterprise_id)
    return accident


def _supplement(step, numbers: dict, note: str) -> None:
    accident = step.obj
    closes = rules.supplement_window_closes(accident)
    if timezone.now() > closes:
        days = rules.supplement_window_days(
            sector_code=accident.sector_id, accident_type=accident.accident_type
        )
        raise Conflict(
            _(
                "The supplementary-reporting window of %(days)d days closed on %(date)s; "
                "the casualty numbers can no longer be changed (order 493, art. 13)."
            )
            % {"days": days, "date": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")}
        )
    old = {k: getattr(accident, k) for k in NUMBER_FIELDS}
    new = clean_numbers(numbers, base=old)
    level = rules.compute_level(**_level_inputs(new))
    step.changes.update({**new, "level": level})
    step.audit_data.update(changes=diff(old, new), from_level=accident.level, to_level=level, reason=note)


def _supplement_history(step, note: str) -> None:
    accident, audit = step.obj, step.audit_data
    if not audit["changes"]:
        return
    numbers = _jsonable({k: getattr(accident, k) for k in NUMBER_FIELDS})
    now = timezone.now()
    if audit["to_level"] != audit["from_level"]:
        LevelChange.objects.create(
            accident=accident,
            from_level=audit["from_level"],
            to_level=accident.level,
            numbers=numbers,
            changed_by=step.actor,
            changed_at=now,
            reason=note or _("Supplementary report"),
        )
        sync_deadlines(accident)
    AccidentReport.objects.create(
        accident=accident,
        kind=ReportKind.SUPPLEMENTARY,
        submitted_at=now,
        submitted_by=step.actor,
        text=note,
        numbers=numbers,
    )


def _tell_raised_level(step) -> None:
    accident = step.obj
    if LEVEL_RANK[accident.level] <= LEVEL_RANK[step.audit_data["from_level"]]:
        return
    announce("accident", accident.pk)
    notify(
        recipients=_audiences(accident) + resolve([Audience.LEADERS]),
        kind="accident.level_raised",
        title=_("Accident level raised to %(level)s: %(title)s")
        % {"level": accident.get_level_display(), "title": accident.title},
        url=f"/accidents/{accident.pk}/",
        target=accident,
        dedup_key=f"accident:{accident.pk}:level:{accident.level}",
    )


@transaction.atomic
def mark_step_done(
    *, actor, accident: Accident, step: str, at: dt.datetime | None = None, note: str = ""
) -> ReportDeadline:
    """R-ACC-2: a due report was made; a report after its deadline is flagged late (R-ACC-7)."""
    if step not in Step.values:
        raise InvalidInput.field("step", _("Unknown reporting step."))
    require(actor, "mark_unit_step" if step == Step.UNIT_TO_DISTRICT else "mark_escalation_step")
    accident = _lock(accident)
    deadline = accident.deadlines.select_for_update().filter(step=step).first()
    if deadline is None:
        raise Conflict(_("This accident's level does not require that report."))
    if deadline.done_at is not None:
        raise Conflict(_("This report is already marked as made."))
    now = timezone.now()
    at = at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at > now + dt.timedelta(minutes=5) or at < accident.occurred_at:
        raise InvalidInput.field("at", _("The time must lie between the accident and now."))
    deadline.done_at = at
    deadline.done_by = actor
    deadline.note = (note or "").strip()[:200]
    late = at > deadline.due_at
    if late and deadline.late_flagged_at is None:
        deadline.late_flagged_at = now
    deadline.save()
    if step == Step.UNIT_TO_DISTRICT:
        sync_deadlines(accident)
    if late:
        announce("accident", accident.pk)
    record(accident, "accidents.deadline.done", actor=actor, data={"step": step, "at": at, "late": late})
    return deadline


@transaction.atomic
def submit_report(*, actor, accident: Accident, kind: str, text: str) -> AccidentReport:
    """R-ACC-4: follow-up reports until the final one."""
    require(actor, "submit_report")
    accident = _lock(accident)
    if kind not in (ReportKind.FOLLOW_UP, ReportKind.FINAL):
        raise InvalidInput.field("kind", _("Choose a follow-up or a final report."))
    if accident.reports.filter(kind=ReportKind.FINAL).exists():
        raise Conflict(_("The final report has been made; no further reports are due."))
    text = (text or "").strip()
    if not text:
        raise InvalidInput.field("text", _("Write what the report says."))
    report = AccidentReport.objects.create(
        accident=accident, kind=kind, submitted_by=actor, text=text, numbers=_jsonable(accident.numbers)
    )
    record(accident, f"accidents.report.{kind}", actor=actor, data={"report": report.pk})
    return report


# ---------------------------------------------------------------- clocks job (R-ACC-7)
def flag_late_reports(*, now: dt.datetime | None = None) -> int:
    """Flag every due report that passed its deadline unreported, once; tell who must act."""
    now = now or timezone.now()
    flagged = 0
    due = ReportDeadline.objects.filter(done_at__isnull=True, late_flagged_at__isnull=True, due_at__lt=now)
    for deadline in due.select_related("accident"):
        with transaction.atomic():
            if not ReportDeadline.objects.filter(pk=deadline.pk, late_flagged_at__isnull=True).update(
                late_flagged_at=now
            ):
                continue
            accident = deadline.accident
            record(
                accident, "accidents.deadline.late", data={"step": deadline.step, "due_at": deadline.due_at}
            )
            notify(
                recipients=_audiences(accident),
                kind="accident.report_late",
                title=_("Overdue accident report: %(step)s — %(title)s")
                % {"step": deadline.get_step_display(), "title": accident.title},
                url=f"/accidents/{accident.pk}/",
                target=accident,
                dedup_key=f"accident:{accident.pk}:late:{deadline.step}",
            )
            announce("accident", accident.pk)
            flagged += 1
    return flagged


# ---------------------------------------------------------------- level thresholds (R-ACC-1)
@transaction.atomic
def update_level_thresholds(*, actor, rows: dict[str, dict], source: str, effective_from: dt.date):
    """A district admin follows a changed regulation. Existing accidents keep the level they were given
    under the rules in force then; new records and later supplementary reports use the new table."""
    from accidents.choices import Level
    from accidents.models import LevelThreshold

    if not can(actor, "change_thresholds"):
        raise NotAllowed(_("Only a district administrator may change the level thresholds."))
    errors: dict[str, list[str]] = {}
    source = (source or "").strip()
    if not source:
        errors["source"] = [_("Name the regulation the thresholds come from.")]
    if not isinstance(effective_from, dt.date):
        errors["effective_from"] = [_("Enter a date.")]
    order = [Level.LARGER, Level.MAJOR, Level.ESPECIALLY_MAJOR]
    cleaned = {}
    for level in order:
        row = rows.get(level) or {}
        try:
            cleaned[level] = {
                "deaths": int(row["deaths"]),
                "serious_injuries": int(row["serious_injuries"]),
                "direct_loss": Decimal(str(row["direct_loss"])),
            }
        except (KeyError, TypeError, ValueError, InvalidOperation):
            errors[f"{level}_deaths"] = [_("Give every threshold as a number.")]
            continue
        if (
            min(cleaned[level]["deaths"], cleaned[level]["serious_injuries"], cleaned[level]["direct_loss"])
            < 1
        ):
            errors[f"{level}_deaths"] = [_("Thresholds must be at least 1.")]
    if not errors:
        for lower, higher in zip(order, order[1:], strict=False):
            if any(cleaned[higher][k] <= cleaned[lower][k] for k in cleaned[lower]):
                errors[f"{higher}_deaths"] = [
                    _("A higher level needs higher thresholds than the level below.")
                ]
    if errors:
        raise InvalidInput(errors=errors)
    before = {
        t.level: [t.deaths, t.serious_injuries, str(t.direct_loss)] for t in LevelThreshold.objects.all()
    }
    for level, values in cleaned.items():
        LevelThreshold.objects.update_or_create(
            level=level, defaults={**values, "source": source[:200], "effective_from": effective_from}
        )
    after = {
        level: [v["deaths"], v["serious_injuries"], str(v["direct_loss"])] for level, v in cleaned.items()
    }
    record(
        None,
        "accidents.thresholds.updated",
        actor=actor,
        target_type="accidents.levelthreshold",
        target_repr=_thresholds_repr(),
        data={"changes": diff(before, after), "source": source, "effective_from": effective_from},
    )


def _thresholds_repr() -> str:
    """The audit log's name for the level table (R-ACC-1): the regulation and article it restates, stored in
    Chinese like every record's name, whatever the official's interface language."""
    with translation.override("zh-hans"):
        return _("Accident level thresholds (Order 493 of the State Council, art. 3)")


def remind_follow_ups(*, now: dt.datetime | None = None) -> int:
    """R-ACC-4: tell the town and the district once when an open accident's follow-up report is overdue."""
    from accidents.selectors import next_follow_up_due

    now = now or timezone.now()
    sent = 0
    for accident in Accident.objects.open().prefetch_related("reports"):
        due = next_follow_up_due(accident)
        if due is None or due > now:
            continue
        created = notify(
            recipients=resolve([Audience.TOWN, Audience.DISTRICT, Audience.DUTY], town_id=accident.town_id),
            kind="accident.follow_up_due",
            title=_("Follow-up report overdue: %(title)s") % {"title": accident.title},
            url=f"/accidents/{accident.pk}/",
            target=accident,
            dedup_key=f"accident:{accident.pk}:follow_up:{due:%Y%m%d%H%M}",
        )
        sent += bool(created)
    return sent
