"""Filters of the emergency list pages (django-filter): the town, and the catalogue category of a norm."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from emergency.choices import SupplyCategory
from emergency.models import ReserveNorm, TransferEntry
from registry.models import Jurisdiction


def _town_filter():
    return django_filters.ModelChoiceFilter(label=_("Town/street"), queryset=Jurisdiction.objects.towns())


class NormFilter(django_filters.FilterSet):
    town = _town_filter()
    category = django_filters.ChoiceFilter(
        label=pgettext_lazy("supply", "Category"), field_name="item__category", choices=SupplyCategory.choices
    )

    class Meta:
        model = ReserveNorm
        fields = ["town", "category"]


class TransferFilter(django_filters.FilterSet):
    town = _town_filter()

    class Meta:
        model = TransferEntry
        fields = ["town"]
