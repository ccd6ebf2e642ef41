"""The hazard list's filters, shared by the list page, the export and the API (API.md)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.filters import StaticFormFilterSet
from hazards.choices import OPEN_STATES, Level, Source, State
from hazards.models import Hazard
from hazards.search import search_q
from registry.models import Department, Jurisdiction, Sector

MAX_ID = 2**63 - 1
YES_NO = (("true", _("Yes")), ("false", _("No")))


@extend_schema_field(OpenApiTypes.INT)
class DepartmentFilter(django_filters.ModelChoiceFilter):
    """A department id; matches hazards of any sector the department supervises."""


class StateSelect(forms.SelectMultiple):
    """The list page shows the states as one select whose "All" option sends `state=`: an empty value
    means no state filter, not an invalid choice (which emptied the whole list)."""

    def value_from_datadict(self, data, files, name):
        return [v for v in super().value_from_datadict(data, files, name) if v]


class HazardFilter(StaticFormFilterSet):
    # `state IN (…)` without DISTINCT, so the open-list partial indexes serve it (issue 7).
    state = django_filters.MultipleChoiceFilter(
        label=_("State"),
        choices=State.choices,
        widget=StateSelect(attrs={"size": 1}),
        method="in_states",
    )
    level = django_filters.ChoiceFilter(label=pgettext_lazy("hazard", "Level"), choices=Level.choices)
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.all(), to_field_name="code"
    )
    town = django_filters.ModelChoiceFilter(label=_("Town/street"), queryset=Jurisdiction.objects.towns())
    department = DepartmentFilter(
        label=pgettext_lazy("hazard", "Department"),
        queryset=Department.objects.filter(is_active=True),
        method="in_department",
    )
    enterprise = django_filters.NumberFilter(
        label=_("Enterprise"), field_name="enterprise_id", min_value=1, max_value=MAX_ID, decimal_places=0
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices)
    overdue = django_filters.ChoiceFilter(label=_("Overdue"), choices=YES_NO, method="is_overdue")
    listed = django_filters.ChoiceFilter(label=_("Listed supervision"), choices=YES_NO, method="is_listed")
    open = django_filters.ChoiceFilter(
        label=pgettext_lazy("hazards", "Open"), choices=YES_NO, method="is_open"
    )
    reported_from = django_filters.DateFilter(
        label=_("Registered from"),
        field_name="reported_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reported_to = django_filters.DateFilter(
        label=_("Registered until"),
        field_name="reported_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(label=pgettext_lazy("filter", "Search"), method="search")

    class Meta:
        model = Hazard
        fields = [
            "state",
            "level",
            "sector",
            "town",
            "department",
            "enterprise",
            "source",
            "overdue",
            "listed",
            "q",
        ]

    def in_states(self, queryset, name, value):
        return queryset.filter(state__states=value) if value else queryset

    def in_department(self, queryset, name, value):
        through = Department.sectors.through
        return queryset.filter(
            Exists(through.objects.filter(department_id=value.pk, sector_id=OuterRef("sector_id")))
        )

    def is_overdue(self, queryset, name, value):
        if value == "true":
            # Overdue hazards are open: the open states written literally let SQLite walk the open-list
            # partial index in the list's order and stop at the page (a million-row table, issue 18).
            return queryset.overdue().filter(state__states=OPEN_STATES)
        if value == "false":
            return queryset.not_overdue()
        return queryset

    def is_listed(self, queryset, name, value):
        return queryset.filter(listed=(value == "true")) if value in ("true", "false") else queryset

    def is_open(self, queryset, name, value):
        if value == "true":
            return queryset.open()
        if value == "false":
            return queryset.exclude(pk__in=queryset.open().values("pk"))
        return queryset

    def search(self, queryset, name, value):
        return search_hazards(queryset, value)


def search_hazards(queryset, value: str):
    """Full-text words of title, description and location, or the enterprise's name (hazards.search)."""
    condition = search_q(value)
    return queryset if condition is None else queryset.filter(condition)
