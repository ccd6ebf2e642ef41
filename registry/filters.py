import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.choices import RiskColour
from registry.choices import EnterpriseStatus
from registry.models import Enterprise, Jurisdiction, Sector
from registry.selectors import matching


class EnterpriseFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(label=_("Town/street"), queryset=Jurisdiction.objects.towns())
    sector = django_filters.ModelChoiceFilter(
        label=_("Sector"), queryset=Sector.objects.all(), field_name="sectors", to_field_name="code"
    )
    status = django_filters.ChoiceFilter(label=_("Operating status"), choices=EnterpriseStatus.choices)
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=RiskColour.choices)
    q = django_filters.CharFilter(label=pgettext_lazy("filter", "Search"), method="search")

    class Meta:
        model = Enterprise
        fields = ["town", "sector", "status", "risk_level", "q"]

    def search(self, queryset, name, value):
        return matching(queryset, value)
