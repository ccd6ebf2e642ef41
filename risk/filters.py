import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import RiskColour
from registry.models import Jurisdiction, Sector
from risk.choices import Method
from risk.models import RiskPoint


class RiskPointFilter(django_filters.FilterSet):
    """Filters of API.md (`enterprise`, `town`, `sector`, `colour`) and of the risk-point list page."""

    enterprise = django_filters.NumberFilter(
        label=_("Enterprise"), field_name="enterprise_id", min_value=1, max_value=2**63 - 1
    )
    town = django_filters.ModelChoiceFilter(
        label=_("Town/street"), queryset=Jurisdiction.objects.towns(), field_name="enterprise__town"
    )
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"),
        queryset=Sector.objects.all(),
        to_field_name="code",
        field_name="enterprise__sectors",
        distinct=True,
    )
    colour = django_filters.ChoiceFilter(label=_("Assessed colour"), choices=RiskColour.choices)
    effective_colour = django_filters.ChoiceFilter(label=_("Effective colour"), choices=RiskColour.choices)
    method = django_filters.ChoiceFilter(label=_("Method"), choices=Method.choices)
    active = django_filters.BooleanFilter(label=pgettext_lazy("risk point", "Active"), field_name="is_active")
    q = django_filters.CharFilter(label=pgettext_lazy("filter", "Search"), method="search")

    class Meta:
        model = RiskPoint
        fields = ["enterprise", "town", "sector", "colour", "effective_colour", "method", "active", "q"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(location__icontains=value) | Q(enterprise__name__icontains=value)
        )
