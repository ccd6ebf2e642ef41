"""One form per step of the loop, each showing only what that step needs. Forms parse; services decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import Role
from hazards.choices import Category, ExtensionState, Level, Source
from hazards.models import DeadlinePolicy, MajorHazardCriterion
from registry.models import Department, Enterprise, Sector
from registry.validators import validate_phone


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos or PDFs; on a phone the camera opens directly (capture=environment)."""

    def __init__(self, *args, camera: bool = True, **kwargs):
        attrs = {
            "accept": "image/jpeg,image/png,application/pdf" if not camera else "image/*,application/pdf"
        }
        if camera:
            attrs = {"accept": "image/*", "capture": "environment"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def picker(field, *, sector_field: str = "", town_field: str = "") -> None:
    """Make an enterprise <select> searchable (registry/picker.js: name, credit code, pinyin initials, searched
    on the server); choosing an enterprise fills its sector (and town) in the same form."""
    field.widget.attrs.update(
        {
            "data-enterprise-picker": reverse("registry:enterprise_search"),
            "data-picker-label": _("Search by name, credit code or pinyin initials"),
            "data-picker-empty": _("No enterprise found."),
        }
    )
    if sector_field:
        field.widget.attrs["data-sector-field"] = sector_field
    if town_field:
        field.widget.attrs["data-town-field"] = town_field


def style(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, hazard=None, user=None, **kwargs):
        self.hazard = hazard
        self.user = user
        super().__init__(*args, **kwargs)
        style(self)


class ReportForm(forms.Form):
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=Enterprise.objects.none())
    title = forms.CharField(label=_("What is wrong"), max_length=200)
    category = forms.ChoiceField(label=pgettext_lazy("hazard", "Category"), choices=Category.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        required=False,
        help_text=_("Leave empty for the enterprise's main sector."),
    )
    level = forms.ChoiceField(
        label=pgettext_lazy("hazard", "Level"), choices=Level.choices, initial=Level.GENERAL
    )
    criterion = forms.ModelChoiceField(
        label=_("Major-hazard criterion"),
        queryset=MajorHazardCriterion.objects.filter(is_active=True).select_related("sector"),
        required=False,
        help_text=_("Choosing an item makes the hazard major."),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    area = forms.CharField(label=_("Area"), max_length=100, required=False)
    equipment = forms.CharField(label=_("Equipment"), max_length=100, required=False)
    process = forms.CharField(label=_("Process"), max_length=100, required=False)
    description = forms.CharField(
        label=pgettext_lazy("hazard", "Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    discovered_at = forms.DateTimeField(
        label=_("Discovered at"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    discoverer = forms.CharField(label=_("Discovered by"), max_length=50, required=False)
    legal_basis = forms.CharField(
        label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    photos = PhotosField(label=_("Photos (before)"))
    lat = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6)
    lng = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=9, decimal_places=6)

    # Phone first: what and the photos at the top, the details below.
    field_order = [
        "enterprise",
        "title",
        "photos",
        "location",
        "category",
        "source",
        "level",
        "criterion",
        "sector",
        "description",
        "area",
        "equipment",
        "process",
        "discovered_at",
        "discoverer",
        "legal_basis",
    ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).order_by("name")
        self.fields["criterion"].label_from_instance = lambda c: f"{c.sector} {c.item}：{c.text[:60]}"
        if user.role_codes == {Role.ENTERPRISE_USER}:
            self.fields["source"].choices = [(Source.SELF_INSPECTION, Source.SELF_INSPECTION.label)]
            self.fields["enterprise"].initial = user.enterprise_id
        else:
            # An official registers what the government found: not "企业自查", the list's first choice.
            self.fields["source"].initial = Source.GOVERNMENT_INSPECTION
        # Found now, by the person registering it, unless the form says otherwise.
        self.fields["discovered_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["discoverer"].initial = user.display_name
        picker(self.fields["enterprise"], sector_field="sector")
        style(self)


class AssignForm(VersionForm):
    measures = forms.CharField(label=_("Measures"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50)
    responsible_phone = forms.CharField(
        label=_("Responsible person's phone"), max_length=20, required=False, validators=[validate_phone]
    )
    funds = forms.DecimalField(label=_("Funds (yuan)"), min_value=0, max_digits=14, decimal_places=2)
    deadline = forms.DateField(
        label=pgettext_lazy("hazard", "Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the default time for the level."),
    )
    contingency_plan = forms.CharField(
        label=_("Contingency plan"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.hazard is not None:
            policy = DeadlinePolicy.objects.filter(level=self.hazard.level).first()
            if policy:
                self.fields["deadline"].help_text = _(
                    "Empty: %(days)d days from today (%(source)s). An earlier date may be set."
                ) % {"days": policy.days, "source": policy.source}
            if self.hazard.is_major:
                self.fields["contingency_plan"].required = True
                add_plan_fields(self, self.hazard)
        style(self)


def add_plan_fields(form: forms.Form, hazard) -> None:
    """R-HAZ-4: the six parts of the treatment plan and its document."""
    labels = {
        "plan_goal": _("Goal and tasks"),
        "plan_methods": _("Methods and measures"),
        "plan_resources": _("Funds and materials"),
        "plan_organisation": _("Responsible organisation and people"),
        "plan_schedule": _("Time limit and requirements"),
        "plan_safety": _("Safety measures and emergency plan"),
    }
    for name, label in labels.items():
        form.fields[name] = forms.CharField(
            label=label, widget=forms.Textarea(attrs={"rows": 2}), initial=getattr(hazard, name)
        )
    form.fields["plan_document"] = PhotosField(
        label=_("Treatment plan document (PDF or photo)"), camera=False, required=False
    )


class PlanForm(VersionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_plan_fields(self, self.hazard)
        style(self)


class SubmitForm(VersionForm):
    rectification_note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    cost = forms.DecimalField(
        label=_("Actual cost (yuan)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    photos = PhotosField(
        label=_("Photos after rectification"), help_text=_("At least one photo or document.")
    )


class AcceptForm(VersionForm):
    note = forms.CharField(
        label=_("Acceptance opinion"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    close_too = forms.BooleanField(label=_("Close the hazard (销号) with this acceptance"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An ordinary hazard is accepted and closed in one confirmation when the acceptor may close it;
        # a major hazard keeps its separate closure by the supervising authority.
        hazard = self.hazard
        if hazard is None or hazard.is_major or self.user is None or not _may_close_after(self.user, hazard):
            del self.fields["close_too"]
        else:
            self.fields["close_too"].initial = True


def _may_close_after(user, hazard) -> bool:
    """Whether the user may close the hazard once it is accepted (the role rule of `close`)."""
    from hazards.rules import may

    return may(user, "close", hazard)


class RejectForm(VersionForm):
    reason = forms.CharField(label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(VersionForm):
    note = forms.CharField(label=_("Closing note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CancelForm(VersionForm):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A duplicate, or not a hazard."),
    )


class SuperviseForm(VersionForm):
    authority = forms.CharField(label=_("Listing authority"), max_length=100)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    due_date = forms.DateField(
        label=_("Supervision due date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    supervising_department = forms.ModelChoiceField(
        label=_("Supervising department"), queryset=Department.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervising_department"].queryset = Department.objects.filter(
            sectors=self.hazard.sector_id, is_active=True
        )
        if self.user is not None and self.user.department_id and not self.initial.get("authority"):
            self.fields["authority"].initial = str(self.user.department)
        style(self)


class ExtensionRequestForm(VersionForm):
    new_deadline = forms.DateField(label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(VersionForm):
    """The decision with its facts: the request (current and requested date, reason, who asked) is shown
    above the form, and the approver may grant a different date than the one requested (R-HAZ-7)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the new deadline")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    deadline = forms.DateField(
        label=_("Approved deadline"),
        required=False,
        help_text=_("The requested date unless you set another."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = None
        if self.hazard is not None:
            self.pending = (
                self.hazard.extensions.filter(state=ExtensionState.PENDING)
                .select_related("requested_by")
                .first()
            )
        if self.pending is not None:
            self.fields["deadline"].initial = self.pending.new_deadline

    def clean(self):
        data = super().clean()
        chosen = data.get("deadline")
        approving = data.get("decision") == "approve" and self.pending is not None
        if approving and chosen and chosen <= self.pending.old_deadline:
            self.add_error("deadline", _("The approved deadline must be later than the current one."))
        return data


class ProgressForm(VersionForm):
    month = forms.DateField(
        label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"], widget=forms.DateInput(attrs={"type": "month"})
    )
    text = forms.CharField(label=_("Progress this month"), widget=forms.Textarea(attrs={"rows": 3}))


class ExplainForm(VersionForm):
    text = forms.CharField(
        label=_("Written explanation of the delay"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CriterionForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all(), to_field_name="code")
    item = forms.CharField(label=_("Item"), max_length=20)
    text = forms.CharField(label=_("Criterion"), widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Source"), max_length=200)
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class DeadlinePolicyForm(forms.Form):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365)
    source = forms.CharField(label=_("Source"), max_length=200)
    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)
