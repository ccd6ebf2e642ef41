"""The duty room: its shift pattern (R-DUTY-2), the duty log, the written handover, closing a shift
(R-DUTY-1)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import record
from core.errors import Conflict, InvalidInput, NotAllowed
from core.forms import bind
from core.workflow import Transition, Workflow
from duty.choices import RosterState, ShiftState
from duty.forms import EmptyForm, HandoverForm, LogEntryForm, RoomPatternForm
from duty.models import DutyRoom, Handover, LogEntry, Shift
from duty.policy import POLICY
from notifications.services import notify

# A room has no state of its own: its edits are transitions without states, performed on the version the
# editor read. Its keepers (the district bureau for every room, a town for
# its own room: scope) set its pattern.
ROOM_FLOW = Workflow(
    model=DutyRoom,
    name="duty.room",
    state_field=None,
    transitions=[
        Transition(
            "set_pattern",
            (),
            None,
            POLICY.roles("keep_rosters"),
            label=gettext_lazy("Set the shift pattern"),
            form=RoomPatternForm,
            verb="pattern_changed",
            path="pattern",
            style="secondary",
        ),
    ],
)


def set_room_pattern(room: DutyRoom, *, actor, version, data=None) -> DutyRoom:
    """The room's own shift start and length (R-DUTY-2); an empty field takes the district setting. Rosters
    already made keep the pattern they were made with: the change applies to months generated after it."""

    def prepare(step):
        step.changes.update(shift_start=step.data["shift_start"], shift_hours=step.data["shift_hours"])
        step.audit_data.update(
            before=_pattern_facts(room.shift_start, room.shift_hours),
            after=_pattern_facts(step.data["shift_start"], step.data["shift_hours"]),
        )

    return ROOM_FLOW.perform(
        room, "set_pattern", actor=actor, version=version, data=data or {}, prepare=prepare
    )


def _pattern_facts(start, hours) -> dict:
    """What the room itself sets (null: the district setting)."""
    return {"shift_start": f"{start:%H:%M}" if start is not None else None, "shift_hours": hours}


def _on_the_shift_or_room(user, shift) -> bool:
    return user.pk == shift.person_id or POLICY.can(user, "work_the_room")


SHIFT_FLOW = Workflow(
    model=Shift,
    name="duty.shift",
    transitions=[
        Transition(
            "close",
            (ShiftState.OPEN,),
            ShiftState.CLOSED,
            POLICY.roles("stand_duty"),
            label=gettext_lazy("Close the shift"),
            form=EmptyForm,
            guard=_on_the_shift_or_room,
        ),
        # The handover, on the shift page's own forms: written by the outgoing person (or the room), signed
        # by the incoming one; each moves the shift's version.
        Transition(
            "write_handover",
            (ShiftState.OPEN,),
            None,
            POLICY.roles("stand_duty"),
            form=HandoverForm,
            guard=_on_the_shift_or_room,
            verb="handover_written",
            button=False,
            rule_fields=("incoming",),
        ),
        Transition(
            "sign_handover",
            (ShiftState.OPEN,),
            None,
            POLICY.roles("stand_duty"),
            verb="handover_signed",
            button=False,
        ),
    ],
    page_url_name="duty:shift_action",
)


@transaction.atomic
def add_log_entry(room: DutyRoom, *, actor, data) -> LogEntry:
    POLICY.require(actor, "work_the_room")
    form = bind(LogEntryForm, data)
    if not form.is_valid():
        raise InvalidInput(errors={k: list(v) for k, v in form.errors.items()})
    cleaned = form.cleaned_data
    now = timezone.now()
    at = cleaned.get("at") or now
    if at > now + timezone.timedelta(minutes=1):
        raise InvalidInput.field("at", _("This time is in the future."))
    shift = Shift.objects.filter(roster__room=room, roster__state=RosterState.PUBLISHED).covering(at).first()
    entry = LogEntry.objects.create(
        room=room,
        shift=shift,
        at=at,
        kind=cleaned["kind"],
        caller=cleaned["caller"],
        text=cleaned["text"],
        action=cleaned["action"],
        by=actor,
    )
    record(entry, "duty.log.added", actor=actor, data={"room": room.pk, "kind": entry.kind})
    return entry


def write_handover(shift: Shift, *, actor, data, version=None) -> Handover:
    """The outgoing person writes the handover (open matters) and names the incoming person, who signs."""

    def prepare(step):
        incoming = get_user_model().objects.filter(pk=step.data["incoming"], is_active=True).first()
        if incoming is None or incoming.pk == shift.person_id:
            raise InvalidInput.field("incoming", _("Choose the person who takes over."))
        step.audit_data["incoming"] = incoming.pk

    def after(step):
        step.result, _created = Handover.objects.update_or_create(
            shift=step.obj,
            defaults={
                "open_matters": step.data["open_matters"],
                "outgoing": actor,
                "incoming_id": step.audit_data["incoming"],
                "signed_out_at": timezone.now(),
                "signed_in_at": None,
            },
        )

    def tell(step):
        handover = step.result
        notify(
            recipients=[handover.incoming],
            kind="duty.handover",
            title=_("Sign the handover of %(shift)s") % {"shift": step.obj},
            url=step.obj.get_absolute_url(),
            target=step.obj,
            dedup_key=f"duty:handover:{handover.pk}:{handover.signed_out_at:%s}",
        )

    return SHIFT_FLOW.perform(
        shift,
        "write_handover",
        actor=actor,
        version=_current(shift, version),
        data=data,
        prepare=prepare,
        after=after,
        notify=tell,
    )


def sign_handover(shift: Shift, *, actor, version=None) -> Handover:
    """The incoming person signs the handover written for them (403 for anyone else; 409 before it is
    written or once it is signed)."""

    def prepare(step):
        handover = Handover.objects.select_for_update().filter(shift=step.obj).first()
        if handover is None:
            raise Conflict(_("No handover has been written for this shift yet."))
        if actor.pk != handover.incoming_id:
            raise NotAllowed(_("Only the incoming person signs the handover."))
        if handover.signed_in_at is not None:
            raise Conflict(_("The handover is signed already."))
        step.result = handover
        step.audit_data["handover"] = handover.pk

    def after(step):
        step.result.signed_in_at = timezone.now()
        step.result.save(update_fields=["signed_in_at"])

    return SHIFT_FLOW.perform(
        shift, "sign_handover", actor=actor, version=_current(shift, version), prepare=prepare, after=after
    )


def _current(shift: Shift, version):
    """The handover's pages name no version: an absent one means the version the caller is looking at (the
    conditional write still refuses a concurrent writer)."""
    return shift.version if version in (None, "") else version


def close_shift(shift, *, actor, version, data=None) -> Shift:
    """A shift cannot close without a handover signed by the outgoing and the incoming person."""

    def prepare(step):
        handover = Handover.objects.filter(shift=shift).first()
        if handover is None or handover.signed_in_at is None:
            raise Conflict(
                _("Write the handover and have the incoming person sign it before closing the shift.")
            )
        step.changes["closed_at"] = timezone.now()

    return SHIFT_FLOW.perform(shift, "close", actor=actor, version=version, data=data or {}, prepare=prepare)
