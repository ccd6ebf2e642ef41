"""Information reports (信息报送, R-DUTY-3, R-DUTY-4): submit, follow up, answer; the district
acknowledges, asks for more, escalates to the leader on duty, links or creates the accident, closes."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accidents import rules as accident_rules
from accidents.choices import Level
from core.errors import InvalidInput
from core.forms import bind
from core.workflow import Transition, Workflow, record_created
from duty import events, rules, selectors
from duty.choices import DeadlineStep, ReportKind, ReportState, ShiftRole
from duty.forms import (
    AnswerForm,
    CreateAccidentForm,
    DecisionForm,
    EmptyForm,
    FollowUpForm,
    LinkAccidentForm,
    ReportForm,
    RequestMoreForm,
)
from duty.models import InfoReport, ReportDeadline, ReportUpdate
from duty.policy import POLICY
from notifications.recipients import Audience, resolve
from notifications.services import Message, notify, notify_many
from notifications.sms import send_sms
from registry.models import Enterprise, Jurisdiction

OPEN = (ReportState.SUBMITTED, ReportState.ACKNOWLEDGED, ReportState.MORE_REQUESTED)
FACTS = ("deaths", "missing", "serious_injuries", "measures", "request", "description")


def _reporter_side(user, report) -> bool:
    """The reporting unit answers for its report: its reporter, or officials of its own town/enterprise."""
    if user.pk == report.reporter_id:
        return True
    if report.enterprise_id and user.enterprise_id == report.enterprise_id:
        return True
    return bool(user.town_id and user.town_id == report.town_id and "town_officer" in user.role_codes)


FLOW = Workflow(
    model=InfoReport,
    name="duty.info_report",
    transitions=[
        Transition(
            "acknowledge",
            (ReportState.SUBMITTED,),
            ReportState.ACKNOWLEDGED,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Acknowledge"),
            form=EmptyForm,
        ),
        Transition(
            "request_more",
            (ReportState.SUBMITTED, ReportState.ACKNOWLEDGED),
            ReportState.MORE_REQUESTED,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Ask for more"),
            form=RequestMoreForm,
            style="warning",
        ),
        Transition(
            "answer",
            (ReportState.MORE_REQUESTED,),
            ReportState.SUBMITTED,
            POLICY.roles("report"),
            label=gettext_lazy("Answer the request"),
            form=AnswerForm,
            guard=_reporter_side,
        ),
        Transition(
            "follow_up",
            OPEN,
            None,
            POLICY.roles("report"),
            label=gettext_lazy("Add a follow-up report"),
            form=FollowUpForm,
            guard=_reporter_side,
            style="secondary",
        ),
        Transition(
            "final",
            OPEN,
            ReportState.CLOSED,
            POLICY.roles("report"),
            label=gettext_lazy("Add the final report"),
            form=FollowUpForm,
            guard=_reporter_side,
            style="secondary",
        ),
        Transition(
            "escalate",
            OPEN,
            None,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Escalate to the leader on duty"),
            form=DecisionForm,
            style="danger",
        ),
        Transition(
            "link_accident",
            OPEN,
            None,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Link to an accident record"),
            form=LinkAccidentForm,
            style="secondary",
            rule_fields=("accident",),  # a record that exists, that the desk can see, of the report's town
        ),
        Transition(
            "create_accident",
            OPEN,
            None,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Create the accident record"),
            form=CreateAccidentForm,
            style="secondary",
            rule_fields=("sector",),  # a code of the sector register
            guard=lambda user, report: report.accident_id is None,
        ),
        Transition(
            "record_written",
            OPEN,
            None,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Written report received"),
            form=EmptyForm,
            style="secondary",
            guard=lambda user, report: report.by_phone,
        ),
        Transition(
            "close",
            (ReportState.SUBMITTED, ReportState.ACKNOWLEDGED),
            ReportState.CLOSED,
            POLICY.roles("handle_reports"),
            label=gettext_lazy("Close"),
            form=DecisionForm,
            style="outline-secondary",
        ),
    ],
    page_url_name="duty:report_action",
)


# --- clocks ---------------------------------------------------------------------------------------------


def is_urgent(*, deaths, missing, serious_injuries, larger_event, larger_near_miss) -> bool:
    """R-DUTY-3: deaths or missing persons, larger-and-above (by the accident thresholds, R-ACC-1), or a
    larger near-miss (R-ACC-9)."""
    if deaths or missing or larger_event or larger_near_miss:
        return True
    level = accident_rules.compute_level(
        deaths=deaths or 0, serious_injuries=serious_injuries or 0, direct_loss=0, missing=missing or 0
    )
    return level != Level.GENERAL


def sync_deadlines(report: InfoReport, *, now=None) -> None:
    """The clocks of R-DUTY-3 from `known_at`: phone 30 min and written 1 h when urgent, written 2 h
    otherwise. The first contact (a report in Redline or a call logged by the duty room) does the phone
    step; a report entered from a phone call leaves the written step open until it arrives."""
    urgent = is_urgent(
        deaths=report.deaths,
        missing=report.missing,
        serious_injuries=report.serious_injuries,
        larger_event=report.larger_event,
        larger_near_miss=report.larger_near_miss,
    )
    wanted = {}
    if urgent:
        wanted[DeadlineStep.PHONE] = report.known_at + dt.timedelta(minutes=rules.phone_minutes())
        wanted[DeadlineStep.WRITTEN] = report.known_at + dt.timedelta(minutes=rules.urgent_written_minutes())
    else:
        wanted[DeadlineStep.WRITTEN] = report.known_at + dt.timedelta(minutes=rules.written_minutes())
    sync_follow_up(report)
    existing = {d.step: d for d in report.deadlines.all()}
    for step, due in wanted.items():
        row = existing.get(step)
        if row is None:
            done = report.submitted_at if (step == DeadlineStep.PHONE or not report.by_phone) else None
            ReportDeadline.objects.create(report=report, step=step, due_at=due, done_at=done)
        elif row.due_at > due:  # a report that turns urgent tightens its clocks, never loosens them
            ReportDeadline.objects.filter(pk=row.pk).update(due_at=due)
    refresh_late(report, now=now)


def is_major(*, deaths, missing, serious_injuries, accident=None) -> bool:
    """R-ACC-4's twice-daily follow-ups: a major or especially major event by the levels of R-ACC-1 —
    deaths (missing persons counted with them), serious injuries, or the direct loss and level of the
    linked accident record (a report has no loss figure of its own)."""
    level = accident_rules.compute_level(
        deaths=deaths or 0,
        serious_injuries=serious_injuries or 0,
        direct_loss=accident.direct_loss if accident is not None else 0,
        missing=missing or 0,
    )
    return bool({level, getattr(accident, "level", None)} & {Level.MAJOR, Level.ESPECIALLY_MAJOR})


def follow_up_due(report: InfoReport):
    """R-ACC-4: the next follow-up is due a day (major events: 12 hours) after the unit's last report;
    none once the report is closed."""
    if report.state == ReportState.CLOSED:
        return None
    major = is_major(
        deaths=report.deaths,
        missing=report.missing,
        serious_injuries=report.serious_injuries,
        accident=report.accident,
    )
    return report.last_report_at + rules.follow_up_interval(major)


def sync_follow_up(report: InfoReport) -> None:
    due = follow_up_due(report)
    if due != report.follow_up_due_at:
        InfoReport.objects.filter(pk=report.pk).update(follow_up_due_at=due)
        report.follow_up_due_at = due


def refresh_late(report: InfoReport, *, now=None) -> bool:
    """R-ACC-7: late when a step was done after its deadline, or is still open past it; R-ACC-4: or when
    a follow-up came after its due time, or is still missing past it."""
    now = now or timezone.now()
    late = (
        any(d.is_overdue(now) for d in ReportDeadline.objects.filter(report=report))
        or report.follow_up_overdue(now)
        or report.updates.filter(due_at__isnull=False, submitted_at__gt=F("due_at")).exists()
    )
    if late != report.late:
        InfoReport.objects.filter(pk=report.pk).update(late=late)
        report.late = late
    return late


def chase_follow_ups(reports: list[InfoReport], *, desk: list) -> int:
    """R-ACC-4: reports past their follow-up due time are late, and their reporter and the duty officers
    are told. One transaction with a fixed number of queries for the batch (`notify_many`). The late flag is
    only ever set here and every notice carries the due time in its dedup key, so a batch run twice tells
    nobody twice, and a new due time is told again."""
    with transaction.atomic():
        InfoReport.objects.filter(pk__in=[r.pk for r in reports], late=False).update(late=True)
        return len(notify_many(_follow_up_notices(reports, desk)))


def _follow_up_notices(reports: list[InfoReport], desk: list) -> list[Message]:
    messages = []
    for report in reports:
        due = timezone.localtime(report.follow_up_due_at)
        recipients = {u.pk: u for u in [report.reporter, *desk]}
        messages += [
            Message(
                recipient=user,
                kind="duty.report.follow_up_overdue",
                title=_("Information report follow-up overdue: %(title)s") % {"title": report.title},
                body=_("The next follow-up report was due at %(due)s.") % {"due": f"{due:%m-%d %H:%M}"},
                url=report.get_absolute_url(),
                target=report,
                dedup_key=f"duty:report:{report.pk}:follow_up:{due:%Y%m%d%H%M}",
            )
            for user in recipients.values()
        ]
    return messages


# --- submit -------------------------------------------------------------------------------------------


def _clean_report(actor, data) -> dict:
    form = bind(ReportForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    cleaned = dict(form.cleaned_data)
    errors: dict[str, list] = {}
    now = timezone.now()
    if cleaned["known_at"] < cleaned["occurred_at"]:
        errors.setdefault("known_at", []).append(_("The unit cannot learn of an event before it happened."))
    if cleaned["known_at"] > now + dt.timedelta(minutes=1):
        errors.setdefault("known_at", []).append(_("This time is in the future."))
    if cleaned["occurred_at"] > now + dt.timedelta(minutes=1):
        errors.setdefault("occurred_at", []).append(_("This time is in the future."))
    town = Jurisdiction.objects.towns().filter(pk=cleaned["town"]).first()
    if town is None:
        errors.setdefault("town", []).append(_("Choose a town or street of the district."))
    cleaned["town"] = town
    enterprise = None
    if (
        actor.enterprise_id
        and "enterprise_user" in actor.role_codes
        and not POLICY.can(actor, "handle_reports")
    ):
        enterprise = actor.enterprise  # an enterprise reports for itself only
        if town is not None and enterprise.town_id != town.pk:
            errors.setdefault("town", []).append(_("Your enterprise lies in another town or street."))
    elif cleaned.get("enterprise"):
        enterprise = Enterprise.objects.visible_to(actor).filter(pk=cleaned["enterprise"]).first()
        if enterprise is None:
            errors.setdefault("enterprise", []).append(_("Choose an enterprise in your area."))
    cleaned["enterprise"] = enterprise
    if (
        town is not None
        and "town_officer" in actor.role_codes
        and not POLICY.can(actor, "handle_reports")
        and actor.town_id != town.pk
    ):
        errors.setdefault("town", []).append(_("Report events of your own town or street."))
    accident, refusal = _linkable_accident(actor, cleaned.get("accident"), town)
    if refusal:
        errors.setdefault("accident", []).append(refusal)
    cleaned["accident"] = accident
    if cleaned["by_phone"] and not POLICY.can(actor, "handle_reports"):
        cleaned["by_phone"] = False  # only the duty room takes reports by phone
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


@transaction.atomic
def submit_report(*, actor, data) -> InfoReport:
    POLICY.require(actor, "report")
    cleaned = _clean_report(actor, data)
    now = timezone.now()
    report = InfoReport.objects.create(
        **cleaned,
        reporter=actor,
        department=actor.department if actor.department_id else None,
        submitted_at=now,
        last_report_at=now,
    )
    ReportUpdate.objects.create(
        report=report,
        kind=ReportKind.INITIAL,
        submitted_at=now,
        submitted_by=actor,
        text=report.description,
        facts=_facts(report),
    )
    sync_deadlines(report, now=now)
    record_created(
        report,
        "duty.info_report",
        actor=actor,
        data={"urgent": report.urgent, "late": report.late, **_facts(report)},
    )

    _tell_duty_room(report)
    return report


def _facts(report) -> dict:
    return {f: getattr(report, f) for f in FACTS}


def _tell_duty_room(report: InfoReport) -> None:
    """Every report reaches the duty officers and the district room's people on duty; one with deaths or
    missing persons pages the leader on duty and the duty officer at once (SMS and in-app)."""
    room = selectors.district_room()
    on_duty = selectors.on_duty_people(room)
    title = _("Information report: %(title)s (%(town)s)") % {"title": report.title, "town": report.town}
    notify(
        recipients=[*resolve([Audience.DUTY]), *on_duty],
        kind="duty.report.submitted",
        title=title,
        body=report.description[:500],
        url=report.get_absolute_url(),
        target=report,
        dedup_key=f"duty:report:{report.pk}:submitted",
    )
    if report.deaths or report.missing:
        leaders = selectors.on_duty_people(room, ShiftRole.LEADER)
        officers = selectors.on_duty_people(room, ShiftRole.OFFICER) or resolve([Audience.DUTY])
        text = _(
            "URGENT %(town)s: %(title)s — deaths %(deaths)s, missing %(missing)s. Known at %(known)s."
        ) % {
            "town": report.town,
            "title": report.title,
            "deaths": _unknown(report.deaths),
            "missing": _unknown(report.missing),
            "known": f"{timezone.localtime(report.known_at):%H:%M}",
        }
        send_sms(
            recipients=[*leaders, *officers],
            text=text,
            url=report.get_absolute_url(),
            kind="duty.report.page",
            dedup_key=f"duty:report:{report.pk}:page",
        )
    events.report_submitted(report)


def _unknown(value) -> str:
    return _("unknown") if value is None else str(value)


# --- later reports ------------------------------------------------------------------------------------


def _later_report(kind):
    def prepare(step):
        report = step.obj
        changes = {}
        data = step.data
        for f in ("deaths", "missing", "serious_injuries"):
            if data.get(f) is not None and data[f] != getattr(report, f):
                changes[f] = [getattr(report, f), data[f]]
        for f in ("measures", "request"):
            if data.get(f) and data[f] != getattr(report, f):
                changes[f] = [getattr(report, f), data[f]]
        now = timezone.now()
        step.changes.update({f: new for f, (_old, new) in changes.items()}, last_report_at=now)
        if kind == ReportKind.FINAL:
            step.changes["closed_at"] = now
        ReportUpdate.objects.create(
            report=report,
            kind=kind,
            submitted_at=now,
            submitted_by=step.actor,
            text=data["text"],
            facts={**_facts(report), **{f: new for f, (_old, new) in changes.items()}},
            changes=changes,
            due_at=report.follow_up_due_at,
        )
        step.audit_data.update(changes=changes)

    def after(step):
        sync_deadlines(step.obj)  # more casualties may make the report urgent

    return prepare, after


def add_follow_up(report, *, actor, version=None, data=None) -> InfoReport:
    prepare, after = _later_report(ReportKind.FOLLOW_UP)
    return FLOW.perform(
        report,
        "follow_up",
        actor=actor,
        version=_v(report, version),
        data=data,
        prepare=prepare,
        after=after,
        notify=_tell_follow_up,
    )


def add_final_report(report, *, actor, version=None, data=None) -> InfoReport:
    prepare, after = _later_report(ReportKind.FINAL)
    return FLOW.perform(
        report,
        "final",
        actor=actor,
        version=_v(report, version),
        data=data,
        prepare=prepare,
        after=after,
        notify=_tell_final,
    )


def _tell_follow_up(step) -> None:
    _tell_update(step.obj, "follow_up")
    events.report_followed_up(step.obj, changed=list(step.audit_data["changes"]))


def _tell_final(step) -> None:
    _tell_update(step.obj, "final")
    events.report_closed(step.obj, by="final")


def _v(report, version):
    """API.md's follow-up and final routes name no version: absent means "the version I read"."""
    return report.version if version in (None, "") else version


def _tell_update(report, what):
    room = selectors.district_room()
    notify(
        recipients=[*resolve([Audience.DUTY]), *selectors.on_duty_people(room)],
        kind=f"duty.report.{what}",
        title=_("Report updated: %(title)s") % {"title": report.title},
        url=report.get_absolute_url(),
        target=report,
        dedup_key=f"duty:report:{report.pk}:{what}:{report.version}",
    )


def acknowledge_report(report, *, actor, version, data=None) -> InfoReport:
    return FLOW.perform(
        report,
        "acknowledge",
        actor=actor,
        version=version,
        data=data,
        prepare=lambda step: step.changes.update(acknowledged_at=timezone.now()),
    )


def request_more(report, *, actor, version, data=None) -> InfoReport:
    def tell(step):
        notify(
            recipients=[report.reporter],
            kind="duty.report.more_requested",
            title=_("The district asks for more on: %(title)s") % {"title": report.title},
            body=step.data["request"],
            url=report.get_absolute_url(),
            target=report,
            dedup_key=f"duty:report:{report.pk}:more:{step.obj.version}",
        )

    return FLOW.perform(
        report,
        "request_more",
        actor=actor,
        version=version,
        data=data,
        prepare=lambda step: step.changes.update(pending_request=step.data["request"]),
        notify=tell,
    )


def answer_request(report, *, actor, version, data=None) -> InfoReport:
    def prepare(step):
        now = timezone.now()
        ReportUpdate.objects.create(
            report=report,
            kind=ReportKind.ANSWER,
            submitted_at=now,
            submitted_by=actor,
            text=step.data["text"],
            facts=_facts(report),
            changes={"request": [report.pending_request, ""]},
            due_at=report.follow_up_due_at,  # an answer is a later report too: it moves the next one
        )
        step.changes.update(pending_request="", last_report_at=now)

    return FLOW.perform(
        report,
        "answer",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        after=lambda step: sync_deadlines(step.obj),
        notify=lambda step: _tell_update(step.obj, "answer"),
    )


def escalate_report(report, *, actor, version, data=None) -> InfoReport:
    """To the district room's leader on duty now (in-app and SMS); without one, to the district leaders."""
    room = selectors.district_room()
    leaders = selectors.on_duty_people(room, ShiftRole.LEADER) or resolve([Audience.LEADERS])

    def prepare(step):
        step.changes.update(escalated_at=timezone.now(), escalated_to=leaders[0] if leaders else None)
        step.audit_data.update(to=[u.pk for u in leaders], note=step.data.get("note", ""))

    def tell(step):
        send_sms(
            recipients=leaders,
            text=_("Escalated by the duty room: %(title)s (%(town)s)")
            % {"title": report.title, "town": report.town},
            url=report.get_absolute_url(),
            kind="duty.report.escalated",
            dedup_key=f"duty:report:{report.pk}:escalated:{step.obj.version}",
        )
        events.report_escalated(step.obj, note=step.data.get("note", ""))

    return FLOW.perform(
        report, "escalate", actor=actor, version=version, data=data, prepare=prepare, notify=tell
    )


def _linkable_accident(actor, accident_id, town):
    """(accident, refusal): a report names an accident record the desk can see, of the report's own town
    or street — a report of one town pointing at another town's accident would put the wrong clocks and
    the wrong leader's page on it."""
    if not accident_id:
        return None, ""
    from accidents.models import Accident

    accident = Accident.objects.visible_to(actor).filter(pk=accident_id).first()
    if accident is None:
        return None, _("Choose an accident record you can see.")
    if town is not None and accident.town_id != town.pk:
        return None, _("Choose an accident of %(town)s, the town or street of this report.") % {"town": town}
    return accident, ""


def link_accident(report, *, actor, version, data=None) -> InfoReport:
    def prepare(step):
        accident, refusal = _linkable_accident(actor, step.data["accident"], report.town)
        if refusal:
            raise InvalidInput.field("accident", refusal)
        step.changes["accident"] = accident
        step.audit_data["accident"] = accident.pk

    return FLOW.perform(
        report,
        "link_accident",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        after=lambda step: sync_follow_up(step.obj),  # a major accident's level asks twice-daily follow-ups
    )


def create_accident(report, *, actor, version, data=None) -> InfoReport:
    """An accident record made from the report keeps the report's times: when it happened, and when the
    district received it (the unit's report to the district, R-ACC-2)."""
    from accidents.models import Accident
    from accidents.models import ReportDeadline as AccidentDeadline
    from accidents.services import record_accident

    def prepare(step):
        accident = record_accident(
            actor=actor,
            data={
                "occurred_at": report.occurred_at,
                "town": report.town,
                "enterprise": report.enterprise_id,
                "sector": step.data["sector"],
                "accident_type": step.data["accident_type"],
                "deaths": report.deaths or 0,
                "missing": report.missing or 0,
                "serious_injuries": report.serious_injuries or 0,
                "narrative": report.description,
                "measures_taken": report.measures,
                "address": report.place,
            },
        )
        Accident.objects.filter(pk=accident.pk).update(reported_at=report.submitted_at)
        AccidentDeadline.objects.filter(accident=accident, step="unit_to_district").update(
            done_at=report.submitted_at
        )
        step.changes["accident"] = accident
        step.audit_data["accident"] = accident.pk

    return FLOW.perform(
        report,
        "create_accident",
        actor=actor,
        version=version,
        data=data,
        prepare=prepare,
        after=lambda step: sync_follow_up(step.obj),
    )


def record_written(report, *, actor, version, data=None) -> InfoReport:
    def after(step):
        ReportDeadline.objects.filter(report=report, step=DeadlineStep.WRITTEN, done_at__isnull=True).update(
            done_at=timezone.now()
        )
        refresh_late(step.obj)

    return FLOW.perform(report, "record_written", actor=actor, version=version, data=data or {}, after=after)


def close_report(report, *, actor, version, data=None) -> InfoReport:
    return FLOW.perform(
        report,
        "close",
        actor=actor,
        version=version,
        data=data,
        prepare=lambda step: step.changes.update(closed_at=timezone.now(), follow_up_due_at=None),
        notify=lambda step: events.report_closed(step.obj, by="desk"),
    )


SERVICES = {
    "acknowledge": acknowledge_report,
    "request_more": request_more,
    "answer": answer_request,
    "follow_up": add_follow_up,
    "final": add_final_report,
    "escalate": escalate_report,
    "link_accident": link_accident,
    "create_accident": create_accident,
    "record_written": record_written,
    "close": close_report,
}
