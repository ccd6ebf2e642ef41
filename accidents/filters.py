import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accidents.choices import CaseOrigin, Level, State
from accidents.models import Accident, Case, EducationSession, ReportDeadline
from core.choices import AccidentType
from registry.models import Jurisdiction, Sector


class AccidentFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(label=_("Town/street"), queryset=Jurisdiction.objects.towns())
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    accident_type = django_filters.ChoiceFilter(label=_("Accident type"), choices=AccidentType.choices)
    level = django_filters.ChoiceFilter(label=pgettext_lazy("accident", "Level"), choices=Level.choices)
    state = django_filters.ChoiceFilter(label=_("State"), choices=State.choices)
    # Bounded: year 1 in local time falls before the first representable instant (a crash, not a filter).
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="occurred_at", lookup_expr="year", min_value=1900, max_value=2200
    )
    enterprise = django_filters.NumberFilter(label=_("Enterprise"), field_name="enterprise_id")
    # R-ACC-2: the accidents whose report clock runs (a due report not yet made), or has run out.
    reports = django_filters.ChoiceFilter(
        label=_("Reports"),
        choices=[("due", _("A report still due")), ("overdue", _("A report overdue"))],
        method="by_reports",
    )
    q = django_filters.CharFilter(label=pgettext_lazy("filter", "Search"), method="search")

    class Meta:
        model = Accident
        fields = ["town", "sector", "accident_type", "level", "state", "year", "enterprise", "reports", "q"]

    def by_reports(self, queryset, name, value):
        pending = ReportDeadline.objects.filter(accident=OuterRef("pk"), done_at__isnull=True)
        if value == "overdue":
            pending = pending.filter(due_at__lt=timezone.now())
        return queryset.filter(Exists(pending))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(address__icontains=value) | Q(narrative__icontains=value)
        )


class CaseFilter(django_filters.FilterSet):
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    accident_type = django_filters.ChoiceFilter(label=_("Accident type"), choices=AccidentType.choices)
    level = django_filters.ChoiceFilter(label=pgettext_lazy("accident", "Level"), choices=Level.choices)
    origin = django_filters.ChoiceFilter(label=_("Origin"), choices=CaseOrigin.choices)
    tag = django_filters.CharFilter(label=_("Tag"), method="by_tag")
    q = django_filters.CharFilter(label=pgettext_lazy("filter", "Search"), method="search")

    class Meta:
        model = Case
        fields = ["sector", "accident_type", "level", "origin", "tag", "q"]

    def by_tag(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(tag_index__icontains=f"|{value}|") if value else queryset

    def search(self, queryset, name, value):
        return queryset.search(value)


class SessionFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(label=_("Town/street"), queryset=Jurisdiction.objects.towns())
    sector = django_filters.ModelChoiceFilter(label=_("Sector"), queryset=Sector.objects.all())
    # Bounded like the accidents' year: a year out of the database's range is a crash, not a filter.
    year = django_filters.NumberFilter(
        label=_("Year"), field_name="held_on", lookup_expr="year", min_value=1900, max_value=2200
    )
    q = django_filters.CharFilter(
        label=pgettext_lazy("filter", "Search"), field_name="title", lookup_expr="icontains"
    )

    class Meta:
        model = EducationSession
        fields = ["town", "sector", "year", "q"]
