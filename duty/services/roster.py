"""Rosters: create, generate, add shifts, check coverage, publish; swaps; absences (R-DUTY-1, R-DUTY-2)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from core import calendar
from core.errors import Conflict, InvalidInput, NotAllowed
from core.forms import bind
from core.workflow import Transition, Workflow, record_created
from duty import events, rostering, rules
from duty.choices import RosterState, ShiftRole, SwapState
from duty.forms import AbsenceForm, DecisionForm, EmptyForm, RosterCreateForm, ShiftForm, SwapRequestForm
from duty.models import DutyRoom, Roster, Shift, Swap, Unavailability
from duty.policy import POLICY
from notifications.services import notify

ROSTER_FLOW = Workflow(
    model=Roster,
    name="duty.roster",
    transitions=[
        Transition(
            "generate",
            (RosterState.DRAFT,),
            None,
            POLICY.roles("keep_rosters"),
            label=gettext_lazy("Generate from the pool"),
            form=EmptyForm,
            style="secondary",
            confirm=gettext_lazy("Replace every shift of this draft with a generated month?"),
        ),
        Transition(
            "publish",
            (RosterState.DRAFT,),
            RosterState.PUBLISHED,
            POLICY.roles("keep_rosters"),
            label=gettext_lazy("Publish"),
            form=EmptyForm,
        ),
        # A draft's shift added by hand (the roster page's own form): the roster's version moves with it.
        Transition(
            "add_shift",
            (RosterState.DRAFT,),
            None,
            POLICY.roles("keep_rosters"),
            form=ShiftForm,
            verb="shift_added",
            button=False,
            rule_fields=("person", "start"),
        ),
    ],
    page_url_name="duty:roster_action",
    state_message=lambda roster: _("A published roster changes only through swaps."),
)


def _in_keepers_scope(user, swap) -> bool:
    return POLICY.can(user, "keep_rosters")


SWAP_FLOW = Workflow(
    model=Swap,
    name="duty.swap",
    transitions=[
        Transition(
            "accept",
            (SwapState.REQUESTED,),
            SwapState.ACCEPTED,
            POLICY.roles("stand_duty"),
            label=gettext_lazy("Accept the swap"),
            form=DecisionForm,
            guard=lambda user, swap: user.pk == swap.counterpart_id,
        ),
        Transition(
            "approve",
            (SwapState.ACCEPTED,),
            SwapState.APPROVED,
            POLICY.roles("keep_rosters"),
            label=gettext_lazy("Approve the swap"),
            form=DecisionForm,
            guard=_in_keepers_scope,
        ),
        Transition(
            "reject",
            (SwapState.REQUESTED, SwapState.ACCEPTED),
            SwapState.REJECTED,
            POLICY.roles("stand_duty"),
            label=gettext_lazy("Reject"),
            form=DecisionForm,
            style="outline-danger",
            guard=lambda user, swap: user.pk == swap.counterpart_id or POLICY.can(user, "keep_rosters"),
        ),
    ],
    page_url_name="duty:swap_action",
)


# --- helpers -------------------------------------------------------------------------------------------


def _span(shift: Shift, *, rest: bool = False) -> rostering.Span:
    """A shift for the checks; with `rest`, the length of its roster's shifts too (read from its roster)."""
    hours = shift.roster.pattern.hours if rest else None
    return rostering.Span(shift.person_id, shift.role, shift.start, shift.end, shift.pk, hours)


def _holidays(month: dt.date) -> set[dt.date]:
    days = rules.month_days(month)
    return calendar.holidays(days[0], days[-1])


def pool_ids(room: DutyRoom, role: str) -> list[int]:
    manager = room.leaders if role == ShiftRole.LEADER else room.officers
    return list(manager.order_by("pk").values_list("pk", flat=True))


def duty_period(roster: Roster) -> tuple[dt.datetime, dt.datetime]:
    """The span a month's roster covers (R-DUTY-1): from its pattern's first shift of the month to the
    next month's. When the room's month before, made on a pattern starting later in the day, ended earlier,
    from that end: the span between the two months is this month's to cover, not nobody's."""
    first, last = roster.pattern.month_bounds(roster.month)
    previous = (roster.month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    before = Roster.objects.filter(room_id=roster.room_id, month=previous).select_related("room").first()
    if before is not None:
        first = min(first, before.pattern.month_bounds(before.month)[1])
    return first, last


def check_coverage(roster: Roster) -> dict:
    """The coverage proof of one roster, on the pattern it was made with: gaps and double bookings (against
    every room's shifts)."""
    pattern = roster.pattern
    first, last = duty_period(roster)
    own = list(roster.shifts.all())
    people = {s.person_id for s in own}
    others = (
        Shift.objects.filter(person_id__in=people, start__lt=last, end__gt=first)
        .exclude(roster=roster)
        .only("person_id", "role", "start", "end")
    )
    absences = list(Unavailability.objects.filter(person_id__in=people, start__lt=last, end__gt=first))
    return rostering.coverage(
        [part for s in own for part in _present(_span(s), absences)],
        month=roster.month,
        holidays=_holidays(roster.month),
        pattern=pattern,
        start=first,
        others=[_span(s) for s in others],
    )


def _present(span: rostering.Span, absences) -> list[rostering.Span]:
    """The parts of a shift its person is actually there for: leave entered later opens a gap."""
    parts = [span]
    for a in absences:
        if a.person_id != span.person:
            continue
        cut = []
        for p in parts:
            if a.start < p.end and p.start < a.end:
                if p.start < a.start:
                    cut.append(rostering.Span(p.person, p.role, p.start, a.start, p.shift_id))
                if a.end < p.end:
                    cut.append(rostering.Span(p.person, p.role, a.end, p.end, p.shift_id))
            else:
                cut.append(p)
        parts = cut
    return parts


# --- create, generate, shifts, publish ------------------------------------------------------------------


@transaction.atomic
def create_roster(*, actor, data) -> Roster:
    POLICY.require(actor, "keep_rosters")
    form = bind(RosterCreateForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    room = DutyRoom.objects.visible_to(actor).filter(pk=form.cleaned_data["room"]).first()
    if room is None:
        raise InvalidInput.field("room", _("Choose a duty room of your area."))
    month = form.cleaned_data["month"]
    if Roster.objects.filter(room=room, month=month).exists():
        raise Conflict(_("This room already has a roster for that month."))
    pattern = room.shift_pattern
    roster = Roster.objects.create(
        room=room, month=month, created_by=actor, shift_start=pattern.start, shift_hours=pattern.hours
    )
    record_created(
        roster,
        "duty.roster",
        actor=actor,
        data={"room": room.pk, "month": f"{month:%Y-%m}", **_pattern_facts(pattern)},
    )
    return roster


def _pattern_facts(pattern: rules.ShiftPattern) -> dict:
    return {"shift_start": f"{pattern.start:%H:%M}", "shift_hours": pattern.hours}


def _version(obj, version):
    """API.md's roster actions name no version: an absent one means "the version I am looking at"."""
    return obj.version if version in (None, "") else version


def generate_roster(roster, *, actor, version=None, data=None, seed=None) -> Roster:
    def prepare(step):
        Roster.objects.select_for_update().filter(pk=roster.pk).first()
        # A draft generated (again) follows the room's pattern of now: a change of the pattern applies to
        # the months generated after it (R-DUTY-2); a published month keeps the one it was made with.
        roster.room = DutyRoom.objects.get(pk=roster.room_id)
        pattern = roster.room.shift_pattern
        roster.shift_start, roster.shift_hours = pattern.start, pattern.hours
        notes = fill_roster(roster, seed=seed)
        step.changes.update(
            generated_at=timezone.now(),
            uneven_note="\n".join(notes),
            shift_start=pattern.start,
            shift_hours=pattern.hours,
        )
        step.audit_data.update(shifts=roster.shifts.count(), uneven=notes, **_pattern_facts(pattern))

    return ROSTER_FLOW.perform(
        roster, "generate", actor=actor, version=_version(roster, version), data=data or {}, prepare=prepare
    )


def fill_roster(roster: Roster, *, seed=None) -> list[str]:
    """Replace the draft's shifts with a month generated on the roster's pattern; answers the notes on what
    made it uneven."""
    room = roster.room
    pattern = roster.pattern
    days = rules.month_days(roster.month)
    first, last = duty_period(roster)
    pools = {
        ShiftRole.LEADER.value: pool_ids(room, ShiftRole.LEADER),
        ShiftRole.OFFICER.value: pool_ids(room, ShiftRole.OFFICER),
    }
    everyone = set(pools[ShiftRole.LEADER]) | set(pools[ShiftRole.OFFICER])
    roster.shifts.all().delete()
    window = (first - dt.timedelta(days=4), last + dt.timedelta(days=4))
    busy: dict[int, list[rostering.Busy]] = {}
    shifts = Shift.objects.filter(person_id__in=everyone, start__lt=window[1], end__gt=window[0])
    for s in shifts.select_related("roster__room"):
        # the leader rule counts duty days by this roster's pattern, also for another room's shifts
        leader_day = pattern.shift_day(s.start) if s.role == ShiftRole.LEADER else None
        hours = s.roster.pattern.hours
        busy.setdefault(s.person_id, []).append(rostering.Busy(s.start, s.end, True, leader_day, hours))
    absent_days: dict[int, int] = {}
    for a in Unavailability.objects.filter(person_id__in=everyone, start__lt=last, end__gt=first):
        busy.setdefault(a.person_id, []).append(rostering.Busy(a.start, a.end, False))
        absent_days[a.person_id] = absent_days.get(a.person_id, 0) + max(
            1, (min(a.end, last) - max(a.start, first)).days
        )
    names = {u.pk: u.display_name for u in get_user_model().objects.filter(pk__in=everyone)}
    plan = rostering.generate(
        days=days,
        pools=pools,
        busy=busy,
        holidays=calendar.holidays(days[0], days[-1]),
        rest_days=calendar.rest_days(days[0], days[-1]),
        names=names,
        absent_days=absent_days,
        pattern=pattern,
        start=first,
        seed=seed if seed is not None else f"{room.pk}:{roster.month}",
    )
    Shift.objects.bulk_create(
        [
            Shift(roster=roster, person_id=person, role=role, start=start, end=end)
            for person, role, start, end in plan.shifts
        ]
    )
    return plan.notes


@transaction.atomic
def add_shift(roster: Roster, *, actor, data, version=None) -> Shift:
    """API.md: a shift that breaks a rest rule of R-DUTY-2 → 400 naming the rule; an overlap is a double
    booking, listed by the coverage check. ROSTER_FLOW's "add_shift", under the roster's version (API.md
    names none: the one the caller is looking at)."""

    def prepare(step):
        Roster.objects.select_for_update().filter(pk=roster.pk).first()
        _check_shift(step.obj, step.data)

    def after(step):
        cleaned = step.data
        step.result = Shift.objects.create(
            roster=step.obj,
            person_id=cleaned["person"],
            role=cleaned["role"],
            start=cleaned["start"],
            end=cleaned["end"],
        )
        step.audit_data.update(
            shift=step.result.pk,
            person=step.result.person_id,
            role=cleaned["role"],
            start=cleaned["start"].isoformat(),
            end=cleaned["end"].isoformat(),
        )

    return ROSTER_FLOW.perform(
        roster,
        "add_shift",
        actor=actor,
        version=_version(roster, version),
        data=data,
        prepare=prepare,
        after=after,
    )


def _check_shift(roster: Roster, cleaned: dict) -> None:
    """The person is of the room's pool for the role, the shift starts within the month, and it keeps the
    rest rules against the person's other shifts (of any room)."""
    start, end, role = cleaned["start"], cleaned["end"], cleaned["role"]
    if cleaned["person"] not in pool_ids(roster.room, role):
        raise InvalidInput.field("person", _("Choose a person of this room's pool for that role."))
    pattern = roster.pattern
    first, last = duty_period(roster)
    if not (first <= start < last):
        raise InvalidInput.field("start", _("The shift must start within the roster's month."))
    others = Shift.objects.filter(
        person_id=cleaned["person"],
        start__lt=end + dt.timedelta(days=4),
        end__gt=start - dt.timedelta(days=4),
    ).select_related("roster__room")
    # as long as the roster's shifts: the first one longer when it reaches back into the month before
    longest = pattern.length + (pattern.month_bounds(roster.month)[0] - first)
    problem = rostering.rest_problem(
        start, end, [_span(s, rest=True) for s in others], role=role, pattern=pattern, longest=longest
    )
    if problem:
        raise InvalidInput.field("start", problem)


def publish_roster(roster, *, actor, version=None, data=None) -> Roster:
    """A roster with a gap or a double booking cannot be published (409, nothing changes)."""

    def prepare(step):
        Roster.objects.select_for_update().filter(pk=roster.pk).first()
        result = check_coverage(roster)
        if result["gaps"] or result["double_bookings"]:
            raise Conflict(
                _("The roster cannot be published: %(gaps)d gaps and %(double)d double bookings remain.")
                % {"gaps": len(result["gaps"]), "double": len(result["double_bookings"])}
            )
        step.changes["published_at"] = timezone.now()

    def tell(step):
        people = get_user_model().objects.filter(duty_shifts__roster=roster).distinct()
        notify(
            recipients=people,
            kind="duty.roster.published",
            title=_("Duty roster published: %(roster)s") % {"roster": roster},
            url=roster.get_absolute_url(),
            target=roster,
            dedup_key=f"duty:roster:{roster.pk}:published",
        )
        events.roster_published(step.obj)

    return ROSTER_FLOW.perform(
        roster,
        "publish",
        actor=actor,
        version=_version(roster, version),
        data=data or {},
        prepare=prepare,
        notify=tell,
    )


# --- swaps ---------------------------------------------------------------------------------------------


@transaction.atomic
def request_swap(shift: Shift, *, actor, data) -> Swap:
    """Requested by the person on the shift (or a roster keeper for them), to someone of the same pool."""
    POLICY.require(actor, "stand_duty")
    if actor.pk != shift.person_id and not POLICY.can(actor, "keep_rosters"):
        raise NotAllowed(_("Your role may not do this."))  # only the person on the shift or a keeper asks
    if shift.roster.state != RosterState.PUBLISHED:
        raise Conflict(_("Swaps are for published rosters; change the draft directly."))
    form = bind(SwapRequestForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    counterpart = form.cleaned_data["counterpart"]
    if counterpart == shift.person_id or counterpart not in pool_ids(shift.roster.room, shift.role):
        raise InvalidInput.field("counterpart", _("Choose another person of the same pool."))
    _check_rest(shift, counterpart)
    swap = Swap.objects.create(
        shift=shift, requested_by=actor, counterpart_id=counterpart, reason=form.cleaned_data["reason"]
    )
    record_created(swap, "duty.swap", actor=actor, data={"shift": shift.pk, "counterpart": counterpart})
    notify(
        recipients=get_user_model().objects.filter(pk=counterpart),
        kind="duty.swap.requested",
        title=_("Swap requested: %(shift)s") % {"shift": shift},
        url=swap.get_absolute_url(),
        target=swap,
        dedup_key=f"duty:swap:{swap.pk}:requested",
    )
    return swap


def _check_rest(shift: Shift, person_id: int) -> None:
    others = Shift.objects.filter(
        person_id=person_id,
        start__lt=shift.end + dt.timedelta(days=4),
        end__gt=shift.start - dt.timedelta(days=4),
    ).exclude(pk=shift.pk)
    spans = [_span(s, rest=True) for s in others.select_related("roster__room")]
    problem = rostering.rest_problem(
        shift.start, shift.end, spans, role=shift.role, pattern=shift.roster.pattern
    )
    if problem:
        raise InvalidInput.field("counterpart", problem)
    if rostering.double_bookings([rostering.Span(person_id, shift.role, shift.start, shift.end), *spans]):
        raise InvalidInput.field("counterpart", _("This person is already on duty at that time."))
    absent = Unavailability.objects.filter(person_id=person_id, start__lt=shift.end, end__gt=shift.start)
    if absent.exists():
        raise InvalidInput.field("counterpart", _("This person is on leave or unavailable at that time."))


def accept_swap(swap, *, actor, version, data=None) -> Swap:
    return SWAP_FLOW.perform(swap, "accept", actor=actor, version=version, data=data or {})


def approve_swap(swap, *, actor, version, data=None) -> Swap:
    """The shift changes hands; the rest rules are checked again and coverage recomputed (it must hold)."""

    def prepare(step):
        shift = Shift.objects.select_for_update().get(pk=swap.shift_id)
        _check_rest(shift, swap.counterpart_id)
        before = check_coverage(shift.roster)
        Shift.objects.filter(pk=shift.pk).update(person_id=swap.counterpart_id, version=shift.version + 1)
        after = check_coverage(shift.roster)
        if len(after["gaps"]) > len(before["gaps"]) or len(after["double_bookings"]) > len(
            before["double_bookings"]
        ):
            raise Conflict(_("The swap would leave the roster uncovered."))
        step.audit_data.update(shift=shift.pk, from_person=shift.person_id, to_person=swap.counterpart_id)

    def tell(step):
        notify(
            recipients=get_user_model().objects.filter(pk__in=[swap.requested_by_id, swap.counterpart_id]),
            kind="duty.swap.approved",
            title=_("Swap approved: %(shift)s") % {"shift": swap.shift},
            url=swap.get_absolute_url(),
            target=swap,
            dedup_key=f"duty:swap:{swap.pk}:approved",
        )

    return SWAP_FLOW.perform(
        swap, "approve", actor=actor, version=version, data=data or {}, prepare=prepare, notify=tell
    )


def reject_swap(swap, *, actor, version, data=None) -> Swap:
    return SWAP_FLOW.perform(swap, "reject", actor=actor, version=version, data=data or {})


# --- absences -----------------------------------------------------------------------------------------


@transaction.atomic
def record_absence(room: DutyRoom, *, actor, data) -> tuple[Unavailability, list[dict]]:
    """Leave entered for a pool member; the coverage of every roster it touches is recomputed and the
    room's keepers are told of the gaps it opens."""
    POLICY.require(actor, "keep_rosters")
    form = bind(AbsenceForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    cleaned = form.cleaned_data
    if cleaned["person"] not in set(pool_ids(room, ShiftRole.LEADER)) | set(
        pool_ids(room, ShiftRole.OFFICER)
    ):
        raise InvalidInput.field("person", _("Choose a person of this room's pools."))
    absence = Unavailability.objects.create(
        room=room,
        person_id=cleaned["person"],
        start=cleaned["start"],
        end=cleaned["end"],
        reason=cleaned["reason"],
        created_by=actor,
    )
    # A shift the absent person holds no longer counts: it goes back to the keepers as a gap.
    affected = Shift.objects.filter(person_id=absence.person_id, start__lt=absence.end, end__gt=absence.start)
    gaps = []
    for shift in affected.select_related("roster"):
        gaps.append({"shift": shift.pk, "roster": shift.roster_id, "start": shift.start, "end": shift.end})
    record(
        room,
        "duty.absence.recorded",
        actor=actor,
        data={
            "person": absence.person_id,
            "start": absence.start.isoformat(),
            "end": absence.end.isoformat(),
            "shifts": [g["shift"] for g in gaps],
        },
    )
    if gaps:
        notify(
            recipients=[actor],
            kind="duty.absence.gap",
            title=_("Leave overlaps %(n)d shifts: arrange swaps.") % {"n": len(gaps)},
            url=room.get_absolute_url(),
            target=room,
            dedup_key=f"duty:absence:{absence.pk}",
        )
    return absence, gaps
