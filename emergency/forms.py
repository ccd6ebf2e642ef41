"""The typed input of every emergency write: pages, services and the API validate with these forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from attachments.uploads import DocumentsField
from core.forms import DateTimeField, IdChoiceField, IdListField, IdMultipleChoiceField
from emergency.choices import (
    CertificateType,
    DrillForm,
    MemberRole,
    MovementKind,
    PlanType,
    ResponseLevel,
    RevisionTrigger,
    Signal,
    TeamKind,
    WarehouseLevel,
    WarningHazard,
)
from registry.validators import validate_phone


class _Bootstrap:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _date():
    return forms.DateInput(attrs={"type": "date"})


def _datetime():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ScopedForm(_Bootstrap, forms.Form):
    """A form whose choices of records are limited to what the actor sees (other records: "not valid")."""

    scoped_fields: dict[str, str] = {}

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        from django.apps import apps

        for name, label in self.scoped_fields.items():
            model = apps.get_model(label)
            manager = model._default_manager
            qs = (
                manager.visible_to(actor)
                if actor is not None and hasattr(manager, "visible_to")
                else manager.all()
            )
            if label == "registry.Jurisdiction":
                qs = manager.towns()
            self.fields[name].queryset = qs


class MovementForm(ScopedForm):
    scoped_fields = {
        "warehouse": "emergency.Warehouse",
        "to_warehouse": "emergency.Warehouse",
        "batch": "emergency.StockBatch",
        "accident": "accidents.Accident",
        "info_report": "duty.InfoReport",
    }
    kind = forms.ChoiceField(
        label=pgettext_lazy("stock movement", "Kind"),
        choices=[c for c in MovementKind.choices if c[0] != "count"],
    )
    warehouse = IdChoiceField(label=_("Warehouse"), queryset=None)
    item = IdChoiceField(label=pgettext_lazy("supply", "Item"), queryset=None)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=10_000_000)
    reason = forms.CharField(label=pgettext_lazy("stock movement", "Reason"), max_length=200)
    to_warehouse = IdChoiceField(label=_("To warehouse"), queryset=None, required=False)
    batch = IdChoiceField(label=_("Batch"), queryset=None, required=False)
    batch_no = forms.CharField(label=_("Batch number"), max_length=40, required=False)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=_date())
    confirm_expired = forms.BooleanField(label=_("Issue expired stock (confirmed)"), required=False)
    accident = IdChoiceField(label=_("Accident"), queryset=None, required=False)
    info_report = IdChoiceField(label=_("Information report"), queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from emergency.models import SupplyItem

        self.fields["item"].queryset = SupplyItem.objects.all()

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == MovementKind.TRANSFER:
            target = data.get("to_warehouse")
            if target is None and "to_warehouse" not in self.errors:
                self.add_error("to_warehouse", _("Choose the warehouse that receives the transfer."))
            elif target is not None and target == data.get("warehouse"):
                self.add_error("to_warehouse", _("A transfer goes to another warehouse."))
        batch = data.get("batch")
        if batch is not None and (
            batch.warehouse_id != getattr(data.get("warehouse"), "pk", None)
            or batch.item_id != getattr(data.get("item"), "pk", None)
        ):
            self.add_error("batch", _("This batch is not of this item in this warehouse."))
        return data


class WarehouseForm(ScopedForm):
    scoped_fields = {"town": "registry.Jurisdiction", "enterprise": "registry.Enterprise"}
    name = forms.CharField(label=_("Name"), max_length=100)
    level = forms.ChoiceField(label=pgettext_lazy("warehouse", "Level"), choices=WarehouseLevel.choices)
    town = IdChoiceField(label=_("Town/street"), queryset=None, required=False)
    enterprise = IdChoiceField(label=_("Enterprise"), queryset=None, required=False)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    keeper = forms.CharField(label=_("Keeper"), max_length=50, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[validate_phone])

    def clean(self):
        data = super().clean()
        level = data.get("level")
        if level == WarehouseLevel.TOWN and not data.get("town"):
            self.add_error("town", _("A town reserve belongs to a town."))
        if level == WarehouseLevel.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", _("An enterprise reserve belongs to an enterprise."))
        return data


class NormForm(ScopedForm):
    """A reserve norm of a town, or of one of its warehouses, for one catalogue item (R-EMG-5)."""

    scoped_fields = {"town": "registry.Jurisdiction", "warehouse": "emergency.Warehouse"}
    town = IdChoiceField(label=_("Town/street"), queryset=None)
    warehouse = IdChoiceField(
        label=_("Warehouse"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for the norm of the whole town."),
    )
    item = IdChoiceField(label=pgettext_lazy("supply", "Item"), queryset=None)
    quantity = forms.IntegerField(label=_("Norm"), min_value=0, max_value=10_000_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from emergency.models import SupplyItem

        self.fields["item"].queryset = SupplyItem.objects.all()

    def clean(self):
        data = super().clean()
        town, warehouse = data.get("town"), data.get("warehouse")
        if town is not None and warehouse is not None and warehouse.town_id != town.pk:
            self.add_error("warehouse", _("Choose a warehouse of this town."))
        return data


class NormQuantityForm(_Bootstrap, forms.Form):
    quantity = forms.IntegerField(label=_("Norm"), min_value=0, max_value=10_000_000)


class StocktakeLineForm(forms.Form):
    counted = forms.IntegerField(min_value=0)
    explanation = forms.CharField(max_length=200, required=False)


class PlanForm(ScopedForm):
    scoped_fields = {
        "owner_enterprise": "registry.Enterprise",
        "owner_town": "registry.Jurisdiction",
    }
    owner_enterprise = IdChoiceField(label=_("Enterprise"), queryset=None, required=False)
    owner_department = IdChoiceField(label=_("Department"), queryset=None, required=False)
    owner_town = IdChoiceField(label=_("Town/street"), queryset=None, required=False)
    type = forms.ChoiceField(label=_("Type"), choices=PlanType.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    hazard_types = forms.CharField(label=_("Hazard types"), max_length=200, required=False)
    crowded_place = forms.BooleanField(label=_("Crowded place or high-risk unit"), required=False)
    published_on = forms.DateField(label=_("Published on"), required=False, widget=_date())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from registry.models import Department

        self.fields["owner_department"].queryset = Department.objects.filter(is_active=True)


class PublishForm(_Bootstrap, forms.Form):
    published_on = forms.DateField(label=_("Published on"), widget=_date())
    attachments = IdListField(
        label=_("Plan documents"), required=False, help_text=_("Ids of the uploaded plan documents (PDF).")
    )


class PublishPageForm(PublishForm):
    """The publish page: the plan documents are chosen as files; the page stores them (attachments) and
    sends their ids to the service as `attachments`."""

    documents = DocumentsField(label=_("Plan documents"), help_text=_("The published plan as PDF."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["attachments"]


class FileForm(_Bootstrap, forms.Form):
    filed_on = forms.DateField(
        label=_("Filed on"),
        widget=_date(),
        help_text=_("Not in the future, and not before the version was published."),
    )
    filing_number = forms.CharField(label=_("Filing number"), max_length=60, required=False)


class CheckFilingForm(_Bootstrap, forms.Form):
    checked_on = forms.DateField(label=_("Checked on"), widget=_date(), help_text=_("Not before the filing."))
    check_note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PlanEvaluationForm(_Bootstrap, forms.Form):
    """R-EMG-3: the plan's evaluation; when it finds a trigger, the plan needs revising."""

    evaluated_on = forms.DateField(
        label=_("Evaluated on"),
        widget=_date(),
        help_text=_(
            "Not in the future, not before the current version was published and not before the last "
            "evaluation."
        ),
    )
    findings = forms.CharField(
        label=pgettext_lazy("plan evaluation", "Findings"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    revision_trigger = forms.ChoiceField(
        label=_("Revision needed because"),
        choices=[("", _("No revision needed")), *RevisionTrigger.choices],
        required=False,
    )
    revision_reason = forms.CharField(
        label=pgettext_lazy("revision trigger", "What changed"),
        max_length=200,
        required=False,
        help_text=_("Required when the evaluation finds that a revision is needed."),
    )


class RevisionTriggerForm(_Bootstrap, forms.Form):
    """R-EMG-3: a trigger that occurred between evaluations (a reorganisation, a drill's major problem …)."""

    revision_trigger = forms.ChoiceField(label=_("Revision needed because"), choices=RevisionTrigger.choices)
    revision_reason = forms.CharField(label=pgettext_lazy("revision trigger", "What changed"), max_length=200)


class DrillRecordForm(ScopedForm):
    scoped_fields = {"plan": "emergency.Plan", "other_plans": "emergency.Plan"}
    plan = IdChoiceField(label=_("Plan"), queryset=None)
    other_plans = IdMultipleChoiceField(
        label=_("Other plans exercised"),
        queryset=None,
        required=False,
        help_text=_("A joint drill counts for every plan it exercised."),
    )
    held_on = forms.DateField(label=_("Held on"), widget=_date())
    form = forms.ChoiceField(label=_("Form"), choices=DrillForm.choices)
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=100000, required=False)
    scenario = forms.CharField(label=_("Scenario"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        data = super().clean()
        if data.get("plan") is not None and data.get("plan") in (data.get("other_plans") or []):
            self.add_error("other_plans", _("The drill's main plan is named once, under Plan."))
        return data


class EvaluateForm(_Bootstrap, forms.Form):
    evaluation = forms.CharField(label=_("Evaluation report"), widget=forms.Textarea(attrs={"rows": 4}))


class ActionForm(_Bootstrap, forms.Form):
    problem = forms.CharField(label=_("Problem"), max_length=300)
    owner = forms.CharField(label=_("Owner"), max_length=50)
    deadline = forms.DateField(label=_("Deadline"), widget=_date())


class NoteForm(_Bootstrap, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TeamForm(ScopedForm):
    scoped_fields = {"town": "registry.Jurisdiction", "enterprise": "registry.Enterprise"}
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    town = IdChoiceField(label=_("Town/street"), queryset=None)
    enterprise = IdChoiceField(label=_("Enterprise"), queryset=None, required=False)
    leader = forms.CharField(label=_("Head"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("Contact phone"), max_length=20, required=False, validators=[validate_phone]
    )
    equipment = forms.CharField(
        label=_("Equipment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    base = forms.CharField(label=_("Base location"), max_length=200, required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    duty_24h = forms.BooleanField(label=_("24-hour duty"), required=False)
    response_minutes = forms.IntegerField(
        label=_("Expected response time (minutes)"), min_value=0, max_value=1440
    )


class TeamMemberForm(_Bootstrap, forms.Form):
    """A head or member of a rescue team and the certificate held: a certificate named with its number."""

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    role = forms.ChoiceField(label=_("Role in the team"), choices=MemberRole.choices)
    phone = forms.CharField(label=_("Phone"), max_length=20, validators=[validate_phone])
    certificate_type = forms.ChoiceField(
        label=_("Certificate type"), choices=[("", "—"), *CertificateType.choices], required=False
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=40, required=False)
    certificate_expires = forms.DateField(label=_("Certificate valid until"), required=False, widget=_date())

    def clean(self):
        data = super().clean()
        kind, number = data.get("certificate_type"), data.get("certificate_number")
        if kind and not number:
            self.add_error("certificate_number", _("Enter the number of the certificate."))
        if (number or data.get("certificate_expires")) and not kind and "certificate_type" not in self.errors:
            self.add_error("certificate_type", _("Choose the type of the certificate."))
        return data


class TeamMemberCreateForm(ScopedForm, TeamMemberForm):
    """A new head or member: the team is one the actor sees."""

    scoped_fields = {"team": "emergency.RescueTeam"}
    team = IdChoiceField(label=_("Rescue team"), queryset=None)

    field_order = ["team"]


class PointForm(ScopedForm):
    scoped_fields = {"town": "registry.Jurisdiction"}
    town = IdChoiceField(label=_("Town/street"), queryset=None)
    name = forms.CharField(label=_("Place"), max_length=100)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    depth_history = forms.CharField(label=_("History of depth"), max_length=300, required=False)
    max_depth_cm = forms.IntegerField(
        label=_("Deepest water (cm)"), min_value=0, max_value=2000, required=False
    )
    pumps = forms.CharField(label=_("Pumps assigned"), max_length=200, required=False)
    barriers = forms.CharField(label=_("Barriers assigned"), max_length=200, required=False)
    responsible = forms.CharField(label=_("Person responsible"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[validate_phone])


class ShelterForm(ScopedForm):
    scoped_fields = {"town": "registry.Jurisdiction"}
    town = IdChoiceField(label=_("Town/street"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Capacity (persons)"), min_value=1, max_value=1_000_000)
    lat = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)


class TransferForm(ScopedForm):
    """People to move (转移安置): a danger zone's households and persons, their shelter, who moves them."""

    scoped_fields = {"town": "registry.Jurisdiction", "shelter": "emergency.Shelter"}
    town = IdChoiceField(label=_("Town/street"), queryset=None)
    zone = forms.CharField(label=_("Danger zone"), max_length=100)
    households = forms.IntegerField(label=_("Households"), min_value=1, max_value=100_000)
    persons = forms.IntegerField(label=_("Persons"), min_value=1, max_value=1_000_000)
    shelter = IdChoiceField(label=_("Shelter"), queryset=None)
    mover = forms.CharField(label=_("Who moves them"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, validators=[validate_phone])

    def clean(self):
        data = super().clean()
        town, shelter = data.get("town"), data.get("shelter")
        if town is not None and shelter is not None and shelter.town_id != town.pk:
            self.add_error("shelter", _("Choose a shelter of the same town."))
        households, persons = data.get("households"), data.get("persons")
        if households and persons and persons < households:
            self.add_error("persons", _("Each household has at least one person."))
        return data


class WarningForm(_Bootstrap, forms.Form):
    hazard = forms.ChoiceField(label=pgettext_lazy("weather", "Hazard"), choices=WarningHazard.choices)
    signal = forms.ChoiceField(label=_("Signal"), choices=Signal.choices)
    area = forms.CharField(label=_("Area"), max_length=200)
    valid_from = DateTimeField(label=_("Valid from"), widget=_datetime())
    valid_until = DateTimeField(label=_("Valid until"), required=False, widget=_datetime())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        from emergency.rules import signals_for

        data = super().clean()
        hazard, signal = data.get("hazard"), data.get("signal")
        if hazard and signal and signal not in signals_for(hazard):
            self.add_error("signal", _("This hazard has no such warning signal in Guangdong."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end of validity comes after its start."))
        return data


class DeclarationForm(_Bootstrap, forms.Form):
    level = forms.ChoiceField(label=_("Response level"), choices=ResponseLevel.choices)
    hazard = forms.ChoiceField(label=pgettext_lazy("weather", "Hazard"), choices=WarningHazard.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConfirmForm(_Bootstrap, forms.Form):
    """A town's checklist under a declared level: each item ticked when in place."""

    duty_staffed = forms.BooleanField(label=_("Duty staffed"), required=False)
    supplies_ready = forms.BooleanField(label=_("Supplies ready"), required=False)
    teams_standby = forms.BooleanField(label=_("Teams on standby"), required=False)
    points_watched = forms.BooleanField(label=_("Waterlogging points watched"), required=False)
    people_moved = forms.BooleanField(label=_("People in danger moved"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
