"""Writes of the responsibility lists (R-ACCT-1/2, R-REG-4): templates, positions, holders, letters, staff."""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accountability.choices import StaffRole, UnitKind
from accountability.models import (
    DutyTemplate,
    EnterpriseStaff,
    PositionHolder,
    ResponsibilityLetter,
    ResponsibilityPosition,
)
from accountability.policy import POLICY
from audit.services import record
from core.choices import Role
from core.errors import Conflict, InvalidInput, NotAllowed
from core.forms import clean
from core.scoping import has_role, object_in_scope
from registry.validators import validate_phone


def _valid(form_class, data) -> dict:
    return clean(form_class, data)


def may_keep(user, position: ResponsibilityPosition) -> bool:
    """The district keeps every list; a town or department its own positions; an enterprise its own."""
    if has_role(user, Role.DISTRICT_ADMIN):
        return True
    if position.unit_kind == UnitKind.TOWN:
        return has_role(user, Role.TOWN_OFFICER) and user.town_id == position.town_id
    if position.unit_kind == UnitKind.DEPARTMENT:
        return has_role(user, Role.DEPARTMENT_OFFICER) and user.department_id == position.department_id
    if position.unit_kind == UnitKind.ENTERPRISE:
        return has_role(user, Role.ENTERPRISE_USER) and user.enterprise_id == position.enterprise_id
    return False


class TemplateForm(forms.Form):
    unit_kind = forms.ChoiceField(label=gettext_lazy("Kind of unit"), choices=UnitKind.choices)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=100)
    duties = forms.CharField(label=gettext_lazy("Duties"), widget=forms.Textarea, max_length=10000)
    first_responsible = forms.BooleanField(label=gettext_lazy("First person responsible"), required=False)


def save_duty_template(*, actor, data) -> DutyTemplate:
    """The district edits the duties of a position per kind of unit; new positions copy them."""
    with transaction.atomic():
        POLICY.require(actor, "edit_duty_templates")
        clean = _valid(TemplateForm, data)
        template, created = DutyTemplate.objects.update_or_create(
            unit_kind=clean["unit_kind"],
            position=clean["position"],
            defaults={"duties": clean["duties"], "first_responsible": clean["first_responsible"]},
        )
        record(template, "accountability.template.saved", actor=actor, data={"created": created, **clean})
    return template


class PositionForm(forms.Form):
    unit_kind = forms.ChoiceField(label=gettext_lazy("Kind of unit"), choices=UnitKind.choices)
    unit = forms.IntegerField(
        label=gettext_lazy("Unit (id)"),
        required=False,
        help_text=gettext_lazy(
            "The town, department or enterprise of the position; none for a district leader."
        ),
    )
    portfolio = forms.CharField(label=gettext_lazy("Portfolio"), max_length=200, required=False)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=100)
    duties = forms.CharField(
        label=gettext_lazy("Duties"),
        widget=forms.Textarea,
        max_length=10000,
        required=False,
        help_text=gettext_lazy("Empty: the district's template for this kind of unit and position."),
    )
    first_responsible = forms.BooleanField(label=gettext_lazy("First person responsible"), required=False)


class PositionChangeForm(forms.Form):
    portfolio = forms.CharField(label=gettext_lazy("Portfolio"), max_length=200, required=False)
    position = forms.CharField(label=gettext_lazy("Position"), max_length=100)
    duties = forms.CharField(label=gettext_lazy("Duties"), widget=forms.Textarea, max_length=10000)
    first_responsible = forms.BooleanField(label=gettext_lazy("First person responsible"), required=False)


UNIT_FIELDS = {UnitKind.TOWN: "town", UnitKind.DEPARTMENT: "department", UnitKind.ENTERPRISE: "enterprise"}


def _unit(actor, kind: str, unit_id):
    """The unit a new position belongs to, among those the actor sees (a district leader's has none)."""
    from registry.models import Department, Enterprise, Jurisdiction

    if kind == UnitKind.LEADER:
        return {}
    models = {"town": Jurisdiction.objects.towns(), "department": Department.objects.filter(is_active=True)}
    models["enterprise"] = Enterprise.objects.visible_to(actor)
    field = UNIT_FIELDS[kind]
    unit = models[field].filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        raise InvalidInput.field("unit", _("Choose the unit of the position."))
    return {field: unit}


def create_position(*, actor, data) -> ResponsibilityPosition:
    """A position of a unit's responsibility list; its duties default to the district's template."""
    with transaction.atomic():
        POLICY.require(actor, "keep_lists")  # which unit is checked below
        clean = _valid(PositionForm, data)
        position = ResponsibilityPosition(
            unit_kind=clean["unit_kind"],
            portfolio=clean["portfolio"],
            position=clean["position"],
            first_responsible=clean["first_responsible"],
            **_unit(actor, clean["unit_kind"], clean.get("unit")),
        )
        # The unit was looked up among those the actor sees; may_keep ties it to the actor's own unit.
        if not may_keep(actor, position):
            raise NotAllowed(_("Your role may not do this here."))
        template = DutyTemplate.objects.filter(
            unit_kind=position.unit_kind, position=position.position
        ).first()
        position.duties = clean["duties"] or (template.duties if template else "")
        if not position.duties:
            raise InvalidInput.field("duties", _("Write the duties: there is no template for this position."))
        position.save()
        record(position, "accountability.position.created", actor=actor, data={"position": position.position})
    return position


def change_position(*, actor, position: ResponsibilityPosition, data) -> ResponsibilityPosition:
    with transaction.atomic():
        if not may_keep(actor, position) or not object_in_scope(actor, position):
            raise NotAllowed(_("Your role may not do this here."))
        clean = _valid(PositionChangeForm, data)
        for field, value in clean.items():
            setattr(position, field, value)
        position.save(update_fields=list(clean))
        record(position, "accountability.position.changed", actor=actor, data={"position": position.position})
    return position


class HolderForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    # R-REG-2: a mobile or landline number, checked as the registry checks it.
    phone = forms.CharField(
        label=gettext_lazy("Phone"), max_length=20, required=False, validators=[validate_phone]
    )
    start_on = forms.DateField(label=gettext_lazy("In post from"))


def assign_holder(*, actor, position: ResponsibilityPosition, data) -> PositionHolder:
    """A new holder: the current one's term ends the day before (the history is kept)."""
    import datetime as dt

    with transaction.atomic():
        if not may_keep(actor, position) or not object_in_scope(actor, position):
            raise NotAllowed(_("Your role may not do this here."))
        clean = _valid(HolderForm, data)
        current = (
            PositionHolder.objects.select_for_update().filter(position=position, end_on__isnull=True).first()
        )
        if current is not None:
            if clean["start_on"] <= current.start_on:
                raise InvalidInput.field(
                    "start_on", _("The new holder starts after the current one started.")
                )
            current.end_on = clean["start_on"] - dt.timedelta(days=1)
            current.save(update_fields=["end_on"])
        holder = PositionHolder.objects.create(position=position, **clean)
        record(position, "accountability.position.holder_assigned", actor=actor, data={"holder": holder.name})
    return holder


class LetterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    signed_on = forms.DateField(label=gettext_lazy("Signed on"))
    signed_by = forms.CharField(label=gettext_lazy("Signed by"), max_length=50)


def record_letter(*, actor, position: ResponsibilityPosition, data, attachments=()) -> ResponsibilityLetter:
    """The year's signed responsibility letter; its scan is linked as an attachment ("letter")."""
    from attachments.services import link_attachments

    with transaction.atomic():
        if not may_keep(actor, position) or not object_in_scope(actor, position):
            raise NotAllowed(_("Your role may not do this here."))
        clean = _valid(LetterForm, data)
        if ResponsibilityLetter.objects.filter(position=position, year=clean["year"]).exists():
            raise Conflict(_("The letter of %(year)s is already recorded.") % {"year": clean["year"]})
        letter = ResponsibilityLetter.objects.create(position=position, **clean)
        link_attachments(actor=actor, attachments=attachments, owner=letter, purpose="letter")
        record(position, "accountability.position.letter_recorded", actor=actor, data={"year": clean["year"]})
    return letter


class StaffForm(forms.Form):
    enterprise = forms.IntegerField(label=gettext_lazy("Enterprise"))
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StaffRole.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=50)
    certificate_no = forms.CharField(label=gettext_lazy("Certificate number"), max_length=60, required=False)
    certificate_expiry = forms.DateField(label=gettext_lazy("Certificate expiry"), required=False)


def record_staff(*, actor, data) -> EnterpriseStaff:
    """An enterprise's principal, safety manager or safety staff with the certificate (R-REG-4); a new
    principal or safety manager replaces the one in post."""
    from registry.models import Enterprise

    with transaction.atomic():
        POLICY.require(actor, "keep_lists")
        clean = _valid(StaffForm, data)
        enterprise = Enterprise.objects.visible_to(actor).filter(pk=clean.pop("enterprise")).first()
        if enterprise is None:
            raise InvalidInput.field("enterprise", _("Unknown enterprise."))
        if clean["role"] != StaffRole.SAFETY_STAFF:
            EnterpriseStaff.objects.filter(enterprise=enterprise, role=clean["role"], active=True).update(
                active=False
            )
        staff = EnterpriseStaff.objects.create(enterprise=enterprise, **clean)
        record(
            enterprise,
            "accountability.staff.recorded",
            actor=actor,
            data={"role": clean["role"], "name": clean["name"]},
        )
    return staff
