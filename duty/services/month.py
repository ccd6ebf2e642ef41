"""Next month for every room at once: create each room's draft, generate it from the pool, check its
coverage and publish it, as a job with progress (R-DUTY-1/2). Each room goes through the same services as
one roster's page (one transaction, one audit event per step); a room whose month cannot be covered stays a
draft, named with what stops it, and the others go on."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from core.background import background_task, start_job
from core.errors import DomainError
from core.forms import clean
from duty.choices import RosterState
from duty.forms import MonthForm
from duty.models import DutyRoom, Roster
from duty.policy import POLICY
from duty.services.roster import check_coverage, create_roster, generate_roster, publish_roster

KIND = "duty.month"


def _title():
    return _("Rosters of every duty room")


def prepare_month(*, actor, data):
    """Queue the month's preparation for every room the actor keeps; answers the job to watch."""
    POLICY.require(actor, "keep_rosters")
    cleaned = clean(MonthForm, data)
    month = cleaned["month"]
    rooms = DutyRoom.objects.visible_to(actor).count()
    return start_job(
        actor=actor,
        kind=KIND,
        params={
            "month": f"{month:%Y-%m}",
            "publish": bool(cleaned.get("publish")),
            "next_url": f"{reverse('duty:rooms')}?month={month:%Y-%m}",
        },
        total=rooms,
    )


@background_task(KIND, title=_title)
def month_job(job, progress) -> dict:
    month = dt.datetime.strptime(job.params["month"], "%Y-%m").date()
    rooms = list(DutyRoom.objects.visible_to(job.owner).order_by("town__code", "pk"))
    progress.update(0, total=len(rooms), phase="writing", force=True)
    outcomes = []
    for done, room in enumerate(rooms, start=1):
        outcomes.append(_prepare_room(room, month, actor=job.owner, publish=job.params.get("publish")))
        progress.update(done, force=True)
    return {
        "month": job.params["month"],
        "rooms": outcomes,
        "published": sum(1 for o in outcomes if o["state"] == RosterState.PUBLISHED),
    }


def _prepare_room(room, month: dt.date, *, actor, publish: bool) -> dict:
    roster = Roster.objects.filter(room=room, month=month).first()
    try:
        if roster is None:
            roster = create_roster(actor=actor, data={"room": room.pk, "month": f"{month:%Y-%m}"})
        # A draft someone already shaped by hand is checked and published as it is, never regenerated.
        if roster.state == RosterState.DRAFT and not roster.shifts.exists():
            roster = generate_roster(roster, actor=actor)
        if publish and roster.state == RosterState.DRAFT:
            roster = publish_roster(roster, actor=actor)
    except DomainError as exc:
        return _outcome(room, roster, str(exc.message))
    return _outcome(room, roster, "")


def _outcome(room, roster, problem: str) -> dict:
    if roster is not None:
        roster.refresh_from_db()
    gaps = len(check_coverage(roster)["gaps"]) if roster is not None else 0
    return {
        "room": room.pk,
        "roster": roster.pk if roster is not None else None,
        "state": roster.state if roster is not None else "",
        "gaps": gaps,
        "problem": problem,
    }
