"""The three preventions (三防, R-EMG-7): waterlogging points, shelters and people to move, warnings with
Guangdong's signal sets (grades R-DUTY-5), and the district's declared response level with each town's
checklist, confirmed once per town."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import InvalidInput
from core.workflow import Transition, Workflow, edit, record_created
from emergency import events
from emergency.choices import ConfirmationState, DeclarationState, WarningState
from emergency.forms import (
    ConfirmForm,
    DeclarationForm,
    NoteForm,
    PointForm,
    ShelterForm,
    TransferForm,
    WarningForm,
)
from emergency.models import (
    Confirmation,
    Declaration,
    Shelter,
    TransferEntry,
    WaterloggingPoint,
    WeatherWarning,
)
from emergency.policy import POLICY
from emergency.services.common import require_reach, validate

CHECKLIST = ("duty_staffed", "supplies_ready", "teams_standby", "points_watched", "people_moved")


def _blank(cleaned: dict, nullable=("lat", "lng")) -> dict:
    return {
        k: (v if v is not None or k in nullable else ("" if not isinstance(v, int) else 0))
        for k, v in cleaned.items()
    }


def register_point(*, actor, data) -> WaterloggingPoint:
    POLICY.require(actor, "keep_registers")
    cleaned = validate(PointForm, data, actor=actor)
    require_reach(actor, "town", town_id=cleaned["town"].pk)
    cleaned["max_depth_cm"] = cleaned.get("max_depth_cm") or 0
    with transaction.atomic():
        point = WaterloggingPoint.objects.create(**_blank(cleaned))
        record_created(point, "emergency.waterloggingpoint", actor=actor)
    return point


def register_shelter(*, actor, data) -> Shelter:
    POLICY.require(actor, "keep_registers")
    cleaned = validate(ShelterForm, data, actor=actor)
    require_reach(actor, "town", town_id=cleaned["town"].pk)
    with transaction.atomic():
        shelter = Shelter.objects.create(**_blank(cleaned))
        record_created(shelter, "emergency.shelter", actor=actor)
    return shelter


@transaction.atomic
def _edit_town_record(obj, form_class, *, actor, version, data, action: str, prepare=None):
    """An edit of a town register's record on the version the editor read: the town it is in and the town
    the edit puts it in both lie in the actor's reach. `prepare(cleaned)` applies the record's own rules
    before the write, in the same transaction, so a lock it takes lasts until the write."""
    POLICY.require(actor, "keep_registers")
    require_reach(actor, "town", town_id=obj.town_id)
    cleaned = validate(form_class, data, actor=actor)
    require_reach(actor, "town", town_id=cleaned["town"].pk)
    if prepare is not None:
        prepare(cleaned)
    edit(obj, action, actor=actor, version=version, changes=_blank(cleaned))
    return obj


def update_point(point: WaterloggingPoint, *, actor, version, data) -> WaterloggingPoint:
    """A new depth, pump or person responsible for a point: written on the version the editor read."""

    def no_depth_is_zero(cleaned):
        cleaned["max_depth_cm"] = cleaned.get("max_depth_cm") or 0

    return _edit_town_record(
        point,
        PointForm,
        actor=actor,
        version=version,
        data=data,
        action="emergency.waterloggingpoint.changed",
        prepare=no_depth_is_zero,
    )


def update_shelter(shelter: Shelter, *, actor, version, data) -> Shelter:
    """A shelter's details on the version the editor read. Its capacity never drops below the persons its
    transfer lists already send there, and a shelter with people assigned stays in its town (the lists
    name shelters of their own town)."""

    def keeps_its_persons(cleaned):
        locked = Shelter.objects.select_for_update().get(pk=shelter.pk)  # entries written meanwhile
        assigned = locked.entries.aggregate(n=Sum("persons"))["n"] or 0
        if assigned and cleaned["town"].pk != locked.town_id:
            raise InvalidInput.field("town", _("Persons are assigned to this shelter: it stays in its town."))
        if cleaned["capacity"] < assigned:
            raise InvalidInput.field(
                "capacity",
                _("%(assigned)s persons are already assigned to this shelter.") % {"assigned": assigned},
            )

    return _edit_town_record(
        shelter,
        ShelterForm,
        actor=actor,
        version=version,
        data=data,
        action="emergency.shelter.changed",
        prepare=keeps_its_persons,
    )


def register_transfer(*, actor, data) -> TransferEntry:
    """A town's transfer list entry (转移安置, R-EMG-7): the shelter must be of the same town and hold them."""
    POLICY.require(actor, "keep_registers")
    cleaned = validate(TransferForm, data, actor=actor)
    require_reach(actor, "town", town_id=cleaned["town"].pk)
    with transaction.atomic():
        _check_capacity(cleaned["shelter"], cleaned["persons"])
        entry = TransferEntry.objects.create(**_blank(cleaned))
        record_created(entry, "emergency.transferentry", actor=actor, data={"persons": entry.persons})
    return entry


def update_transfer(entry: TransferEntry, *, actor, version, data) -> TransferEntry:
    return _edit_town_record(
        entry,
        TransferForm,
        actor=actor,
        version=version,
        data=data,
        action="emergency.transferentry.changed",
        prepare=lambda cleaned: _check_capacity(cleaned["shelter"], cleaned["persons"], besides=entry),
    )


def _check_capacity(shelter: Shelter, persons: int, *, besides: TransferEntry | None = None) -> None:
    """A shelter takes no more persons than its capacity; the shelter row is locked so that two entries
    written at once cannot both take its last places."""
    locked = Shelter.objects.select_for_update().get(pk=shelter.pk)
    others = locked.entries.exclude(pk=getattr(besides, "pk", None))
    assigned = others.aggregate(n=Sum("persons"))["n"] or 0
    if assigned + persons > locked.capacity:
        raise InvalidInput.field(
            "persons",
            _("The shelter holds %(capacity)s persons and %(assigned)s are already assigned to it.")
            % {"capacity": locked.capacity, "assigned": assigned},
        )


# --- Warnings ------------------------------------------------------------------------------------


def issue_warning(*, actor, data) -> WeatherWarning:
    """The duty room enters a warning with its area and validity (the signal must be of the hazard's set)."""
    POLICY.require(actor, "warn")
    cleaned = validate(WarningForm, data)
    with transaction.atomic():
        warning = WeatherWarning.objects.create(
            hazard=cleaned["hazard"],
            signal=cleaned["signal"],
            area=cleaned["area"],
            valid_from=cleaned["valid_from"],
            valid_until=cleaned.get("valid_until"),
            note=cleaned.get("note") or "",
            issued_by=actor,
        )
        record_created(
            warning,
            "emergency.warning",
            actor=actor,
            data={"hazard": warning.hazard, "signal": warning.signal},
        )
        events.warning_issued(warning)
    _tell_towns(
        _("%(hazard)s warning: %(signal)s")
        % {"hazard": warning.get_hazard_display(), "signal": warning.get_signal_display()},
        key=f"emergency.warning:{warning.pk}",
        target=warning,
    )
    return warning


WARNING_FLOW = Workflow(
    model=WeatherWarning,
    name="emergency.warning",
    page_url_name="emergency:warning_transition",
    transitions=[
        Transition(
            "lift",
            (WarningState.ACTIVE,),
            WarningState.LIFTED,
            POLICY.roles("warn"),
            label=gettext_lazy("Lift"),
            form=NoteForm,
            style="secondary",
        ),
    ],
)


def lift_warning(warning, *, actor, version, data=None):
    return WARNING_FLOW.perform(
        warning,
        "lift",
        actor=actor,
        version=version,
        data=data,
        notify=lambda step: events.warning_lifted(step.obj, note=step.data.get("note", "")),
    )


# --- Declared response levels ----------------------------------------------------------------------


def declare_response(*, actor, data) -> Declaration:
    """The district declares a level: every town gets its checklist once (one confirmation row each)."""
    from registry.models import Jurisdiction

    POLICY.require(actor, "warn")
    cleaned = validate(DeclarationForm, data)
    with transaction.atomic():
        declaration = Declaration.objects.create(
            level=cleaned["level"],
            hazard=cleaned["hazard"],
            note=cleaned.get("note") or "",
            declared_at=timezone.now(),
            declared_by=actor,
        )
        towns = Jurisdiction.objects.towns().filter(is_active=True)
        Confirmation.objects.bulk_create(
            [Confirmation(declaration=declaration, town=town) for town in towns], ignore_conflicts=True
        )
        record_created(declaration, "emergency.declaration", actor=actor, data={"level": declaration.level})
    _tell_towns(
        _("Response %(level)s declared: confirm your checklist") % {"level": declaration.get_level_display()},
        key=f"emergency.declaration:{declaration.pk}",
        target=declaration,
    )
    return declaration


DECLARATION_FLOW = Workflow(
    model=Declaration,
    name="emergency.declaration",
    page_url_name="emergency:declaration_transition",
    transitions=[
        Transition(
            "end",
            (DeclarationState.ACTIVE,),
            DeclarationState.ENDED,
            POLICY.roles("warn"),
            label=gettext_lazy("End the response"),
            form=NoteForm,
            style="secondary",
        ),
    ],
)


def end_declaration(declaration, *, actor, version, data=None):
    return DECLARATION_FLOW.perform(declaration, "end", actor=actor, version=version, data=data)


def _confirm(step) -> None:
    if step.obj.declaration.state != DeclarationState.ACTIVE:
        from core.errors import Conflict

        raise Conflict(_("The response has ended."))
    step.changes.update(
        checklist={key: bool(step.data.get(key)) for key in CHECKLIST}
        | {"note": step.data.get("note") or ""},
        confirmed_by=step.actor,
        confirmed_at=timezone.now(),
    )


CONFIRMATION_FLOW = Workflow(
    model=Confirmation,
    name="emergency.confirmation",
    page_url_name="emergency:confirmation_transition",
    transitions=[
        Transition(
            "confirm",
            (ConfirmationState.PENDING,),
            ConfirmationState.CONFIRMED,
            POLICY.roles("confirm_for_town"),
            label=gettext_lazy("Confirm the checklist"),
            form=ConfirmForm,
        ),
    ],
)


def confirm_checklist(confirmation, *, actor, version, data=None):
    return CONFIRMATION_FLOW.perform(
        confirmation, "confirm", actor=actor, version=version, data=data, prepare=_confirm
    )


def _tell_towns(title, *, key: str, target) -> None:
    from notifications.recipients import Audience, resolve
    from notifications.services import notify
    from registry.models import Jurisdiction

    def send():
        for town in Jurisdiction.objects.towns().filter(is_active=True):
            notify(
                recipients=resolve([Audience.TOWN], town_id=town.pk),
                kind="emergency",
                title=title,
                dedup_key=key,
                target=target,
            )

    transaction.on_commit(send)
