"""Forms: they only parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import Role
from hazards.models import MajorHazardCriterion
from inspections.choices import HazardCategory, HazardLevel
from inspections.models import ChecklistTemplate
from registry.models import Department, Jurisdiction, Sector

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}
DATE = {"class": "form-control", "type": "date"}


def inspector_choices():
    return (
        get_user_model()
        .objects.filter(is_active=True, role_assignments__role=Role.INSPECTOR)
        .select_related("town", "department")
        .order_by("town__code", "username")
        .distinct()
    )


class InspectorField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        unit = obj.town or obj.department
        return f"{obj.display_name}（{unit}）" if unit else obj.display_name


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, widget=forms.TextInput(attrs=TEXT))
    name_en = forms.CharField(
        label=_("English name"), max_length=160, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, widget=forms.Select(attrs=SELECT)
    )
    topic = forms.CharField(
        label=_("Topic"), max_length=120, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    topic_en = forms.CharField(
        label=_("English topic"), max_length=160, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    description = forms.CharField(
        label=pgettext_lazy("inspection", "Description"),
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )
    change_note = forms.CharField(
        label=_("What changed"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class ItemForm(forms.Form):
    requirement = forms.CharField(
        label=_("Requirement"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    requirement_en = forms.CharField(
        label=_("Requirement (English)"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"), required=False, max_length=300, widget=forms.TextInput(attrs=TEXT)
    )
    category = forms.ChoiceField(
        label=_("Hazard category"), choices=HazardCategory.choices, widget=forms.Select(attrs=SELECT)
    )
    level = forms.ChoiceField(
        label=_("Level when failed"), choices=HazardLevel.choices, widget=forms.Select(attrs=SELECT)
    )
    is_key = forms.BooleanField(label=_("Key item"), required=False)
    # R-INSP-5: the level and the key mark follow the criterion (an item without one is general).
    criterion = forms.ModelChoiceField(
        label=_("Major-hazard criterion"),
        required=False,
        queryset=MajorHazardCriterion.objects.select_related("sector"),
        widget=forms.Select(attrs=SELECT),
    )


ItemFormSet = forms.formset_factory(ItemForm, extra=3, max_num=500)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"), widget=forms.ClearableFileInput(attrs=TEXT)
    )
    change_note = forms.CharField(
        label=_("What changed"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )


class NewTemplateImportForm(ImportForm):
    name = forms.CharField(label=_("Name"), max_length=120, widget=forms.TextInput(attrs=TEXT))
    name_en = forms.CharField(
        label=_("English name"), max_length=160, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, widget=forms.Select(attrs=SELECT)
    )


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160, widget=forms.TextInput(attrs=TEXT))
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={**TEXT, "rows": 3}))
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors in scope"), queryset=Sector.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    towns = forms.ModelMultipleChoiceField(
        label=_("Towns in scope"), queryset=Jurisdiction.objects.towns(), widget=forms.CheckboxSelectMultiple
    )
    start_date = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs=DATE))
    end_date = forms.DateField(label=_("End"), widget=forms.DateInput(attrs=DATE))
    template = forms.ModelChoiceField(
        label=_("Checklist"), queryset=ChecklistTemplate.objects.current(), widget=forms.Select(attrs=SELECT)
    )
    lead_department = forms.ModelChoiceField(
        label=_("Lead unit"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("District work-safety committee office"),
        widget=forms.Select(attrs=SELECT),
    )
    participating_departments = forms.ModelMultipleChoiceField(
        label=_("Participating units"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["start_date"].initial = today
        self.fields["end_date"].initial = today + timezone.timedelta(days=60)


class AssignForm(forms.Form):
    deadline = forms.DateField(
        label=pgettext_lazy("inspection", "Deadline"), widget=forms.DateInput(attrs=DATE)
    )
    town = forms.ModelChoiceField(
        label=_("Targets of town/street"),
        queryset=Jurisdiction.objects.towns(),
        required=False,
        empty_label=_("All targets"),
        widget=forms.Select(attrs=SELECT),
    )
    department = forms.ModelChoiceField(
        label=_("Assigned department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    inspectors = InspectorField(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspector_choices()


class DetailsForm(forms.Form):
    place = forms.CharField(
        label=_("Place inspected"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    people_present = forms.CharField(
        label=_("People present (enterprise)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    co_inspectors = forms.CharField(
        label=_("Other inspectors"), max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={**TEXT, "rows": 3})
    )
    rectification_days = forms.IntegerField(
        label=_("Days given to rectify"),
        min_value=1,
        max_value=365,
        required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )


class UndoDrawForm(forms.Form):
    """The input of undoing a draw (page, service and API): why it is undone, for the record and the notice."""

    reason = forms.CharField(
        label=_("Reason for undoing"),
        max_length=200,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
        help_text=_("Stated on the draw's record and its public notice."),
    )


class DrawForm(forms.Form):
    town = forms.ModelChoiceField(
        label=_("Enterprises of town/street"),
        queryset=Jurisdiction.objects.towns(),
        required=False,
        empty_label=_("Whole area"),
        widget=forms.Select(attrs=SELECT),
    )
    sector = forms.ModelChoiceField(
        label=_("Enterprises of sector"),
        queryset=Sector.objects.all(),
        required=False,
        empty_label=_("All sectors"),
        widget=forms.Select(attrs=SELECT),
    )
    inspector_town = forms.ModelChoiceField(
        label=_("Inspectors of town/street"),
        queryset=Jurisdiction.objects.towns(),
        required=False,
        empty_label=_("Any"),
        widget=forms.Select(attrs=SELECT),
    )
    inspector_department = forms.ModelChoiceField(
        label=_("Inspectors of department"),
        queryset=Department.objects.filter(is_active=True),
        required=False,
        empty_label=_("Any"),
        widget=forms.Select(attrs=SELECT),
    )
    count = forms.IntegerField(
        label=_("Entities to draw"), min_value=1, max_value=10000, widget=forms.NumberInput(attrs=TEXT)
    )
    inspectors_per_entity = forms.IntegerField(
        label=_("Inspectors per entity"),
        min_value=2,
        max_value=5,
        initial=2,
        widget=forms.NumberInput(attrs=TEXT),
    )
    seed = forms.IntegerField(
        label=_("Seed (empty: chosen at random)"), required=False, widget=forms.NumberInput(attrs=TEXT)
    )
    template = forms.ModelChoiceField(
        label=_("Checklist"),
        queryset=ChecklistTemplate.objects.current(),
        required=False,
        empty_label=_("By the enterprise's sector"),
        widget=forms.Select(attrs=SELECT),
    )
    deadline = forms.DateField(
        label=pgettext_lazy("inspection", "Deadline"), required=False, widget=forms.DateInput(attrs=DATE)
    )


class ConflictForm(forms.Form):
    inspector = forms.ModelChoiceField(
        label=_("Inspector"), queryset=get_user_model().objects.none(), widget=forms.Select(attrs=SELECT)
    )
    enterprise = forms.CharField(
        label=_("Enterprise credit code"),
        max_length=30,
        widget=forms.TextInput(attrs={**TEXT, "autocomplete": "off"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, widget=forms.TextInput(attrs=TEXT))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspector_choices()


class DrawSettingForm(forms.Form):
    exclude_previous_round = forms.BooleanField(
        label=_("Exclude inspectors of the previous round"), required=False
    )
    complaint_weight = forms.IntegerField(
        label=_("Weight of entities with complaints or serious violations"),
        min_value=1,
        max_value=20,
        widget=forms.NumberInput(attrs=TEXT),
    )
    weight_window_days = forms.IntegerField(
        label=_("Look-back for complaints and violations (days)"),
        min_value=1,
        max_value=3650,
        widget=forms.NumberInput(attrs=TEXT),
    )
    publication_working_days = forms.IntegerField(
        label=_("Publish results within (working days)"),
        min_value=1,
        max_value=120,
        widget=forms.NumberInput(attrs=TEXT),
    )
    min_draw_share = forms.IntegerField(
        label=_("Share of the year's inspections made by draw (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs=TEXT),
    )
    source = forms.CharField(
        label=pgettext_lazy("legal basis", "Source"), max_length=200, widget=forms.TextInput(attrs=TEXT)
    )
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs=DATE))


class FollowupForm(forms.Form):
    name = forms.CharField(
        label=_("Campaign name"), max_length=160, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    deadline = forms.DateField(
        label=pgettext_lazy("inspection", "Deadline"), widget=forms.DateInput(attrs=DATE)
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = timezone.localdate() + timezone.timedelta(days=30)


class TaskAssignForm(forms.Form):
    deadline = forms.DateField(
        label=pgettext_lazy("inspection", "Deadline"), widget=forms.DateInput(attrs=DATE)
    )
    inspectors = InspectorField(
        label=_("Inspectors"),
        queryset=get_user_model().objects.none(),
        widget=forms.SelectMultiple(attrs={**SELECT, "size": 5}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspectors"].queryset = inspector_choices()
