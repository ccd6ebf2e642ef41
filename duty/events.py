"""The duty module's outgoing webhook events (sent through `notifications.webhooks`, signed like every
other): each payload is built here, beside what each of its fields means, which the webhook registration
page shows. The district's other systems (the city's command platform, the flood office, the government
duty system) learn of information reports as they arrive, are escalated, followed up and closed, and of
each published roster.

Payloads carry ids and facts, not the reports' narratives or anyone's phone number: a receiving system
reads more over the API with its own token, within its own scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from duty.models import InfoReport, Roster
from notifications import webhooks

_REPORT = {
    "id": _("The information report's id (GET /api/v1/info-reports/{id}/)."),
    "title": _("Its title."),
    "town": _("The id of the town/street it is from."),
}
_CASUALTIES = {
    "deaths": _("Deaths; null while unknown."),
    "missing": _("Missing persons; null while unknown."),
    "serious_injuries": _("Serious injuries; null while unknown."),
}

PAYLOADS = {
    "duty.report.submitted": (
        _("Information report submitted"),
        {
            **_REPORT,
            "known_at": _("When the reporting unit learned of the event."),
            "deaths": _CASUALTIES["deaths"],
            "missing": _CASUALTIES["missing"],
            "urgent": _(
                "True for deaths, missing persons, a larger event or a larger near-miss: the shorter report "
                "clocks apply."
            ),
        },
    ),
    "duty.report.escalated": (
        _("Information report escalated to the leader on duty"),
        {
            **_REPORT,
            "state": _("The report's state (submitted, acknowledged, more_requested)."),
            "escalated_at": _("When the duty room escalated it."),
            "escalated_to": _("The user id of the leader on duty it went to; null when none was on duty."),
            "note": _("The duty room's note, possibly empty."),
        },
    ),
    "duty.report.followed_up": (
        _("Follow-up report received"),
        {
            **_REPORT,
            "state": _("The report's state (submitted, acknowledged, more_requested)."),
            "submitted_at": _("When the follow-up report arrived."),
            **_CASUALTIES,
            "changed": _("The names of the facts this follow-up changed."),
            "next_follow_up_due": _("When the next follow-up report is due."),
        },
    ),
    "duty.report.closed": (
        _("Information report closed"),
        {
            **_REPORT,
            "closed_at": _("When it was closed."),
            "by": _("final: the reporting unit's final report; desk: the district duty room closed it."),
            **_CASUALTIES,
        },
    ),
    "duty.roster.published": (
        _("Duty roster published"),
        {
            "id": _("The roster's id (GET /api/v1/duty/rosters/{id}/)."),
            "room": _("The duty room's id."),
            "room_name": _("The duty room's name."),
            "town": _("The id of the room's town/street; null for the district's room."),
            "month": _("The month, YYYY-MM."),
            "published_at": _("When it was published."),
            "shift_start": _("HH:MM, when the first shift of each duty day starts."),
            "shift_hours": _("The length of a shift in hours."),
            "shifts": _("Every shift: start, end, role (leader or officer) and the person's user id."),
        },
    ),
}


def register() -> None:
    for name, (label, payload) in PAYLOADS.items():
        webhooks.register_event(name, label, payload)


def _report(report: InfoReport) -> dict:
    return {"id": report.pk, "title": report.title, "town": report.town_id}


def _casualties(report: InfoReport) -> dict:
    return {"deaths": report.deaths, "missing": report.missing, "serious_injuries": report.serious_injuries}


def report_submitted(report: InfoReport) -> None:
    webhooks.emit(
        "duty.report.submitted",
        {
            **_report(report),
            "known_at": report.known_at,
            "deaths": report.deaths,
            "missing": report.missing,
            "urgent": report.urgent,
        },
        dedup_key=f"duty:report:{report.pk}:submitted",
    )


def report_escalated(report: InfoReport, *, note: str) -> None:
    webhooks.emit(
        "duty.report.escalated",
        {
            **_report(report),
            "state": report.state,
            "escalated_at": report.escalated_at,
            "escalated_to": report.escalated_to_id,
            "note": note,
        },
        dedup_key=f"duty:report:{report.pk}:escalated:{report.version}",
    )


def report_followed_up(report: InfoReport, *, changed: list[str]) -> None:
    webhooks.emit(
        "duty.report.followed_up",
        {
            **_report(report),
            "state": report.state,
            "submitted_at": report.last_report_at,
            **_casualties(report),
            "changed": sorted(changed),
            "next_follow_up_due": report.follow_up_due_at,
        },
        dedup_key=f"duty:report:{report.pk}:follow_up:{report.version}",
    )


def report_closed(report: InfoReport, *, by: str) -> None:
    webhooks.emit(
        "duty.report.closed",
        {**_report(report), "closed_at": report.closed_at, "by": by, **_casualties(report)},
        dedup_key=f"duty:report:{report.pk}:closed",
    )


def roster_published(roster: Roster) -> None:
    pattern = roster.pattern
    webhooks.emit(
        "duty.roster.published",
        {
            "id": roster.pk,
            "room": roster.room_id,
            "room_name": roster.room.name,
            "town": roster.room.town_id,
            "month": f"{roster.month:%Y-%m}",
            "published_at": roster.published_at,
            "shift_start": f"{pattern.start:%H:%M}",
            "shift_hours": pattern.hours,
            "shifts": [
                {"start": s.start, "end": s.end, "role": s.role, "person": s.person_id}
                for s in roster.shifts.order_by("start", "role", "pk")
            ],
        },
        dedup_key=f"duty:roster:{roster.pk}:published",
    )
