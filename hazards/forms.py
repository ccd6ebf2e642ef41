"""One form per step of the loop, each showing only what that step needs. Forms parse; services decide."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import Role
from core.forms import IdField, IdListField, MoneyField, StrictBooleanField
from hazards.choices import Category, ExtensionState, Level, Source
from hazards.models import CriterionSource, DeadlinePolicy, MajorHazardCriterion
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


# --- The typed input of each action of the loop (hazards.rules.FLOW) ------------------------------------
# The service validates with these forms, whoever calls it; the API's action bodies are generated from them
# (core.workflow_api), and the pages' forms below extend them with what only a page has (uploads, hidden
# version). Rules that depend on the hazard (a major hazard's plan, the deadline's limit) stay in the
# services; each such field names its rule in its help text.

PLAN_LABELS = {
    "plan_goal": _("Goal and tasks"),
    "plan_methods": _("Methods and measures"),
    "plan_resources": _("Funds and materials"),
    "plan_organisation": _("Responsible organisation and people"),
    "plan_schedule": _("Time limit and requirements"),
    "plan_safety": _("Safety measures and emergency plan"),
}
MAJOR_ONLY = _("Required for a major hazard.")


def _text(label, *, required=True, rows=2, **kwargs):
    return forms.CharField(
        label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


def _plan_parts(*, required: bool) -> dict:
    return {
        name: _text(label, required=required, help_text="" if required else MAJOR_ONLY)
        for name, label in PLAN_LABELS.items()
    }


class AssignInput(forms.Form):
    measures = _text(pgettext_lazy("hazard", "Measures"), rows=3)
    responsible_person = forms.CharField(label=_("Responsible person"), max_length=50)
    responsible_phone = forms.CharField(
        label=_("Responsible person's phone"), max_length=20, required=False, validators=[validate_phone]
    )
    funds = MoneyField(label=_("Funds (yuan)"))
    deadline = forms.DateField(
        label=pgettext_lazy("hazard", "Deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the default time for the level. Not in the past, not after that default."),
    )
    contingency_plan = _text(_("Contingency plan"), required=False, rows=3, help_text=MAJOR_ONLY)
    locals().update(_plan_parts(required=False))
    plan_attachments = IdListField(
        label=_("Treatment plan document"), help_text=_("Ids of uploads; required for a major hazard.")
    )


class PlanInput(forms.Form):
    locals().update(_plan_parts(required=True))
    attachments = IdListField(label=_("Treatment plan document"), help_text=_("Ids of your uploads."))


class SubmitInput(forms.Form):
    rectification_note = _text(pgettext_lazy("hazard", "What was done"), rows=3)
    cost = MoneyField(label=_("Actual cost (yuan)"), required=False)
    attachments = IdListField(
        label=_("Photos after rectification"),
        required=True,
        help_text=_("Ids of your uploads, at least one."),
    )


class AcceptInput(forms.Form):
    note = _text(_("Acceptance opinion"), required=False)


class RejectInput(forms.Form):
    reason = _text(_("Reason for rejecting"))


class CloseInput(forms.Form):
    note = _text(pgettext_lazy("hazard", "Closing note"), required=False)  # 销号说明, not the general 办结


class CancelInput(forms.Form):
    reason = _text(_("Reason for cancelling"), help_text=_("A duplicate, or not a hazard."))


class SuperviseInput(forms.Form):
    authority = forms.CharField(label=_("Listing authority"), max_length=100)
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    due_date = forms.DateField(
        label=_("Supervision due date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Not in the past."),
    )
    supervising_department = IdField(
        label=_("Supervising department"),
        required=False,
        help_text=_("A department supervising the hazard's sector."),
    )


class ExtensionRequestInput(forms.Form):
    new_deadline = forms.DateField(
        label=_("New deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Later than the current deadline, asked before it passes."),
    )
    reason = _text(_("Reason"), rows=3)


class ExtensionDecisionInput(forms.Form):
    approve = StrictBooleanField(label=_("Approve the new deadline"))
    note = _text(_("Note"), required=False, help_text=_("Required when refusing."))
    deadline = forms.DateField(
        label=_("Approved deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the date requested. Another date must be later than the current deadline."),
    )


class ProgressInput(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        required=False,
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("Empty: this month. Not in the future."),
    )
    text = _text(_("Progress this month"), rows=3)


class ExplainInput(forms.Form):
    text = _text(_("Written explanation of the delay"), rows=3)


class AssignForm(VersionForm, AssignInput):
    """The page of `assign`: the action's input, with the plan's parts shown for a major hazard only and its
    document uploaded here rather than sent as ids."""

    plan_attachments = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PLAN_LABELS:
            del self.fields[name]
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
    for name, label in PLAN_LABELS.items():
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


class SubmitForm(VersionForm, SubmitInput):
    attachments = None  # the page uploads its photos; the service gets their ids
    photos = PhotosField(
        label=_("Photos after rectification"), help_text=_("At least one photo or document.")
    )


class AcceptForm(VersionForm, AcceptInput):
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


class RejectForm(VersionForm, RejectInput):
    pass


class CloseForm(VersionForm, CloseInput):
    pass


class CancelForm(VersionForm, CancelInput):
    pass


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


class ExtensionRequestForm(VersionForm, ExtensionRequestInput):
    pass


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
        # ISO, the one format a date input reads: the Chinese locale's 2027/01/19 left the field blank.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
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


class ProgressForm(VersionForm, ProgressInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].required = True  # the page asks for the month it reports


class ExplainForm(VersionForm, ExplainInput):
    pass


class CriterionForm(forms.Form):
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all(), to_field_name="code")
    item = forms.CharField(label=_("Code"), max_length=20)
    source_document = forms.ModelChoiceField(
        label=_("Source edition"),
        queryset=CriterionSource.objects.all(),
        to_field_name="code",
        required=False,
    )
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    scope = forms.CharField(label=_("Applies to"), max_length=200, required=False)
    article = forms.CharField(label=_("Article"), max_length=40, required=False)
    clause = forms.CharField(label=_("Item no."), max_length=20, required=False)
    text = forms.CharField(label=_("Criterion"), widget=forms.Textarea(attrs={"rows": 3}))
    verified = forms.BooleanField(label=_("Wording checked against the source"), required=False)
    is_active = forms.BooleanField(label=_("In force"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class CriterionSourceForm(forms.Form):
    """One edition of a criteria document (R-HAZ-9): a new edition is a new row beside the old one."""

    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("Letters, digits and hyphens, e.g. gb-dust-2024; names the edition in the workbook."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    issuer = forms.CharField(label=_("Issued by"), max_length=120, required=False)
    document_number = forms.CharField(
        label=pgettext_lazy("criteria source", "Document number"), max_length=80, required=False
    )
    edition = forms.CharField(label=_("Edition"), max_length=20, help_text=_("e.g. 2024"))
    effective_from = forms.DateField(
        label=_("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_current = forms.BooleanField(label=_("Current edition"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class CriteriaImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))

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
