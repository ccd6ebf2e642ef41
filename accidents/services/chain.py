"""The accident chain around the reports (R-ACC-8, R-ACC-9, R-ACC-7): the unit head's receipt that starts
the unit's hour, direct reports to higher levels, larger near-miss events, the bureau's notifications and
report to the district government, the government's reply to the investigation report, the evaluation of
the rectification measures a year after closing, and the reporting findings of the investigators."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accidents.choices import NOTIFICATION_STEPS, ChainStepKind, Level, ReportingFindingKind, Step
from accidents.models import Accident, ChainStep, ReportingFinding
from accidents.policy import require
from audit.services import record
from core.calendar import period_end
from core.errors import Conflict, InvalidInput
from notifications.recipients import Audience, resolve
from notifications.services import notify

# Order 493 art. 10: the bureau notifies and reports "at the same time" as it passes the report up, so each
# notification is due with the district's report to the city (2 h from its receipt of the unit's report).
NOTIFY_HOURS = 2


def reply_days(level: str) -> int:
    """Order 493 art. 32: the government replies within 15 days of receiving the report (30 for an especially
    major accident); a setting for districts that count differently."""
    if level == Level.ESPECIALLY_MAJOR:
        return 30
    return int(getattr(settings, "ACCIDENT_REPLY_DAYS", 15))


EVALUATION_YEARS = 1  # Work Safety Law art. 86: within one year of the closing
EVALUATION_REMIND_DAYS = int(getattr(settings, "ACCIDENT_EVALUATION_REMIND_DAYS", 30))

CHAIN_FIELDS = (
    "unit_informed_at",
    "unit_informed_assumed",
    "bypass_reported_to",
    "bypass_reported_at",
    "larger_near_miss",
    "near_miss_reason",
)


def _moment(value):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(value)
    if not isinstance(value, dt.datetime):
        return False
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def clean_chain_fields(data: dict, *, occurred_at, instance: Accident | None = None) -> dict:
    """The chain facts of a record or a correction. R-ACC-8: without the unit head's receipt the accident's
    own time stands in, marked as assumed."""
    errors: dict[str, list[str]] = {}
    cleaned: dict = {}
    now = timezone.now()
    creating = instance is None
    if "unit_informed_at" in data or creating or ("occurred_at" in data and instance.unit_informed_assumed):
        value = _moment(data.get("unit_informed_at")) if "unit_informed_at" in data else None
        if value is False:
            errors["unit_informed_at"] = [_("Enter the date and time the unit head learned of it.")]
        elif value is None:
            cleaned["unit_informed_at"], cleaned["unit_informed_assumed"] = occurred_at, True
        else:
            if isinstance(occurred_at, dt.datetime) and value < occurred_at:
                errors["unit_informed_at"] = [_("The unit head cannot learn of it before it happened.")]
            elif value > now + dt.timedelta(minutes=5):
                errors["unit_informed_at"] = [_("The time cannot be in the future.")]
            cleaned["unit_informed_at"], cleaned["unit_informed_assumed"] = value, False
    if "bypass_reported_to" in data:
        cleaned["bypass_reported_to"] = (data.get("bypass_reported_to") or "").strip()[:120]
    if "bypass_reported_at" in data:
        value = _moment(data.get("bypass_reported_at"))
        if value is False:
            errors["bypass_reported_at"] = [_("Enter a date and time.")]
        cleaned["bypass_reported_at"] = value or None
    if cleaned.get("bypass_reported_to") and not (
        cleaned.get("bypass_reported_at") or data.get("bypass_reported_at")
    ):
        errors["bypass_reported_at"] = [_("Give the time of the direct report.")]
    if "larger_near_miss" in data:
        cleaned["larger_near_miss"] = bool(data.get("larger_near_miss"))
    if "near_miss_reason" in data:
        cleaned["near_miss_reason"] = (data.get("near_miss_reason") or "").strip()[:200]
    if cleaned.get("larger_near_miss") and not (
        cleaned.get("near_miss_reason") or (instance and instance.near_miss_reason)
    ):
        errors["near_miss_reason"] = [
            _(
                "Say why it is a larger near-miss event (people endangered, trapped or evacuated, or what it threatened)."
            )
        ]
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def _district_receipt(accident: Accident) -> dt.datetime:
    unit = accident.deadlines.filter(step=Step.UNIT_TO_DISTRICT).first()
    return (unit.done_at if unit and unit.done_at else accident.reported_at) or timezone.now()


def open_notification_steps(accident: Accident) -> None:
    """R-ACC-8 (order 493 art. 10): the four notifications and the report to the district government, each
    due with the district's report upward."""
    due = _district_receipt(accident) + dt.timedelta(hours=NOTIFY_HOURS)
    for step in NOTIFICATION_STEPS:
        ChainStep.objects.get_or_create(accident=accident, step=step, defaults={"due_at": due})


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def open_evaluation_step(accident: Accident) -> ChainStep:
    """Work Safety Law art. 86: the bureau evaluates the rectification measures within one year of closing."""
    closed = timezone.localdate(accident.closed_at or timezone.now())
    step, _created = ChainStep.objects.get_or_create(
        accident=accident,
        step=ChainStepKind.RECTIFICATION_EVALUATION,
        defaults={"due_at": _end_of(_add_years(closed, EVALUATION_YEARS))},
    )
    return step


RECORDABLE = set(NOTIFICATION_STEPS) | {
    ChainStepKind.INVESTIGATION_REPORT_RECEIVED,
    ChainStepKind.GOVERNMENT_REPLY,
    ChainStepKind.RECTIFICATION_EVALUATION,
}


@transaction.atomic
def record_chain_step(*, actor, accident: Accident, step: str, at=None, note: str = "") -> ChainStep:
    """Record a step of the chain as done at `at` (default now). The government's receipt of the
    investigation report starts its reply clock (order 493 art. 32, R-TIME-1: counted from the next day,
    a period ending on a rest day ends on the next working day)."""
    require(actor, "mark_escalation_step" if step in NOTIFICATION_STEPS else "investigate")
    if step not in RECORDABLE:
        raise InvalidInput.field("step", _("Unknown step of the accident chain."))
    # The accident's row is held while its chain rows change, as for its report deadlines: two officers
    # recording steps at once see each other's. Nothing of the accident itself is written here.
    accident = Accident.objects.select_for_update().get(pk=accident.pk)
    now = timezone.now()
    moment = _moment(at) if at not in (None, "") else now
    if moment is False or moment > now + dt.timedelta(minutes=5) or moment < accident.occurred_at:
        raise InvalidInput.field("at", _("The time must lie between the accident and now."))
    if (
        step == ChainStepKind.GOVERNMENT_REPLY
        and not accident.chain_steps.filter(
            step=ChainStepKind.INVESTIGATION_REPORT_RECEIVED, done_at__isnull=False
        ).exists()
    ):
        raise Conflict(_("Record first when the government received the investigation report."))
    if step == ChainStepKind.RECTIFICATION_EVALUATION and accident.closed_at is None:
        raise Conflict(_("The rectification measures are evaluated after the accident is closed."))
    row, _created = ChainStep.objects.select_for_update().get_or_create(accident=accident, step=step)
    if row.done_at is not None:
        raise Conflict(_("This step is already recorded."))
    row.done_at, row.done_by, row.note = moment, actor, (note or "").strip()[:300]
    row.save()
    if step == ChainStepKind.INVESTIGATION_REPORT_RECEIVED:
        due = period_end(timezone.localdate(moment), reply_days(accident.level))
        ChainStep.objects.update_or_create(
            accident=accident, step=ChainStepKind.GOVERNMENT_REPLY, defaults={"due_at": _end_of(due)}
        )
    record(
        accident,
        "accidents.chain.recorded",
        actor=actor,
        data={"step": step, "at": moment, "late": row.is_overdue(now)},
    )
    return row


@transaction.atomic
def record_reporting_finding(*, actor, accident: Accident, kind: str, note: str) -> ReportingFinding:
    """R-ACC-7: an investigator records omitted, false or concealed reporting with the facts."""
    require(actor, "investigate")
    errors = {}
    if kind not in ReportingFindingKind.values:
        errors["kind"] = [_("Choose omitted, false or concealed reporting.")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("State the facts found.")]
    if errors:
        raise InvalidInput(errors=errors)
    finding = ReportingFinding.objects.create(
        accident=accident, kind=kind, note=note[:500], recorded_by=actor
    )
    record(
        accident, "accidents.reporting_finding.recorded", actor=actor, data={"kind": kind, "note": note[:200]}
    )
    return finding


def remind_evaluations(*, now: dt.datetime | None = None) -> int:
    """Remind the bureau of a rectification evaluation falling due (once each), and of one overdue."""
    now = now or timezone.now()
    due = ChainStep.objects.filter(
        step=ChainStepKind.RECTIFICATION_EVALUATION,
        done_at__isnull=True,
        reminded_at__isnull=True,
        due_at__lte=now + dt.timedelta(days=EVALUATION_REMIND_DAYS),
    ).select_related("accident")
    sent = 0
    for step in due:
        if not ChainStep.objects.filter(pk=step.pk, reminded_at__isnull=True).update(reminded_at=now):
            continue
        accident = step.accident
        notify(
            recipients=resolve(
                [Audience.DISTRICT, Audience.DEPARTMENT],
                town_id=accident.town_id,
                sector_codes=[accident.sector_id],
            ),
            kind="accident.evaluation_due",
            title=_("Evaluate the rectification measures of %(title)s by %(date)s")
            % {"title": accident.title, "date": timezone.localdate(step.due_at).isoformat()},
            body="",
            url=f"/accidents/{accident.pk}/",
            target=accident,
            dedup_key=f"accident:{accident.pk}:evaluation",
        )
        sent += 1
    return sent
