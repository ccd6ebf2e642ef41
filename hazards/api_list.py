"""The hazard list's fast path (issue 7): rows shaped directly and the total from the counters.

`HazardListSerializer` gives exactly the fields and values of `HazardSerializer` (a test compares them
row by row) without ModelSerializer's per-field machinery, the slowest way to render a list.
`HazardPagination` takes the total from `hazards.rollup` when the filter allows, instead of a COUNT(*)
that grows with the data.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework import serializers

from core.api import StandardPagination
from hazards import rollup
from hazards.choices import Category, Level, Source, State

_datetime = serializers.DateTimeField()
_date = serializers.DateField()
_money = serializers.DecimalField(max_digits=14, decimal_places=2)


def _d(field, value):
    return None if value is None else field.to_representation(value)


def _label(choices, value):
    """`get_FOO_display()` without rebuilding the field's choices dict on every call."""
    member = choices._value2member_map_.get(value)
    return str(member.label) if member is not None else value


class HazardListSerializer(serializers.BaseSerializer):
    def to_representation(self, h):
        from hazards.api import SupervisionSerializer

        return {
            "id": h.pk,
            "enterprise": h.enterprise_id,
            "enterprise_name": h.enterprise.name,
            "town": h.town_id,
            "town_name": h.town.display_name,
            "sector": h.sector_id,
            "sector_name": h.sector.display_name,
            "category": h.category,
            "category_display": _label(Category, h.category),
            "level": h.level,
            "level_display": _label(Level, h.level),
            "source": h.source,
            "source_display": _label(Source, h.source),
            "title": h.title,
            "description": h.description,
            "location": h.location,
            "area": h.area,
            "equipment": h.equipment,
            "process": h.process,
            "state": h.state,
            "state_display": _label(State, h.state),
            "deadline": _d(_date, h.deadline),
            "days_left": h.days_left(),
            "discovered_at": _d(_datetime, h.discovered_at),
            "discoverer": h.discoverer,
            "criterion": h.criterion_id,
            "criterion_text": h.criterion.text if h.criterion_id else None,
            "legal_basis": h.legal_basis,
            "risk_point": h.risk_point_id,
            "origin_type": h.origin_type,
            "origin_id": h.origin_id,
            "reported_at": _d(_datetime, h.reported_at),
            "measures": h.measures,
            "responsible_person": h.responsible_person,
            "funds": _d(_money, h.funds),
            "contingency_plan": h.contingency_plan,
            "overdue": h.is_overdue(),
            "listed_supervision": h.listed,
            "supervision": SupervisionSerializer(h).data if h.listed else None,
            "version": h.version,
        }


class HazardPagination(StandardPagination):
    """StandardPagination whose total may come from the counters (`known_count`, set per request)."""

    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page):
        paginator = Paginator(object_list, per_page)
        if self.known_count is not None:
            paginator.count = self.known_count  # a cached_property: set, it is never computed
        return paginator

    def paginate_queryset(self, queryset, request, view=None):
        self.known_count = rollup.list_count(request.user, request.query_params)
        return super().paginate_queryset(queryset, request, view)
