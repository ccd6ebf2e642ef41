"""The hazard list's fast path (issue 7): plain rows shaped directly and the total from the counters.

The page is read with `values()` (no model instances: building four of them per row was a third of a list
request) and shaped by `shape_rows` into exactly the fields and values of `HazardSerializer` (a test
compares them row by row). The criterion and the supervising department, which few rows have, are scalar
subqueries of the page's rows: three more outer joins made PostgreSQL's planner spend ten times the
query's execution time. `HazardPagination` takes the total from
`hazards.rollup` when the filter allows, instead of a COUNT(*) that grows with the data.

Deep pages (issue 18) are a deferred join (`DeferredRows`): the page's ids are chosen by a subquery that
selects only `id` under the list's filter and ORDER BY, which the open-list indexes answer without reading
the rows (OFFSET skips index entries, not joined rows), and only those ids are joined to the names. One
query as before, so a request's query count does not change; `?page=N`, `count/next/previous` are
PageNumberPagination's as API.md fixes them.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Subquery
from django.utils.translation import get_language
from rest_framework import serializers

from core.api import StandardPagination
from hazards import rollup
from hazards.choices import Category, Level, Source, State
from hazards.models import MajorHazardCriterion, days_left_on, local_today, overdue_on
from registry.models import Department

_datetime = serializers.DateTimeField()
_date = serializers.DateField()
_money = serializers.DecimalField(max_digits=14, decimal_places=2)

COLUMNS = (
    "id",
    "enterprise_id",
    "town_id",
    "sector_id",
    "category",
    "level",
    "source",
    "title",
    "description",
    "location",
    "area",
    "equipment",
    "process",
    "state",
    "deadline",
    "discovered_at",
    "discoverer",
    "criterion_id",
    "legal_basis",
    "risk_point_id",
    "origin_type",
    "origin_id",
    "reported_at",
    "measures",
    "responsible_person",
    "funds",
    "contingency_plan",
    "listed",
    "listing_authority",
    "listing_document",
    "listing_due_date",
    "listed_at",
    "supervising_department_id",
    "submitted_on",
    "version",
)
JOINED = {
    "enterprise_name": F("enterprise__name"),
    "town_zh": F("town__name"),
    "town_en": F("town__name_en"),
    "sector_zh": F("sector__name"),
    "sector_en": F("sector__name_en"),
}


def _lookup(model, field: str, key: str):
    return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(field)[:1])


# Few rows have these: scalar subqueries, run for the page's rows only and planned apart from the join.
LOOKED_UP = {
    "criterion_text": _lookup(MajorHazardCriterion, "text", "criterion_id"),
    "department_zh": _lookup(Department, "name", "supervising_department_id"),
    "department_en": _lookup(Department, "name_en", "supervising_department_id"),
}


def list_values(queryset):
    """The scoped, filtered, ordered hazards as plain rows (inner joins to the always-shown names only)."""
    return queryset.select_related(None).prefetch_related(None).values(*COLUMNS, **JOINED, **LOOKED_UP)


class DeferredRows:
    """What the paginator slices: a filtered, ordered hazard queryset whose slice is a deferred join."""

    ordered = True  # the queryset's ORDER BY is kept (the paginator warns about unordered lists)

    def __init__(self, queryset):
        self.queryset = queryset.select_related(None).prefetch_related(None)

    def count(self) -> int:
        return self.queryset.order_by().count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        ids = self.queryset.values("id")[index]
        page = self.queryset.model.objects.filter(id__in=ids).order_by(*self.queryset.query.order_by)
        return list(list_values(page))


def _d(field, value):
    return None if value is None else field.to_representation(value)


def _labels(choices) -> dict[str, str]:
    """Each code's label in the active language, once per page instead of once per row."""
    return {member.value: str(member.label) for member in choices}


def _name(zh: str, en: str, english: bool) -> str:
    return en if english and en else zh  # `display_name` of the registry's named models


def shape_rows(rows: list[dict]) -> list[dict]:
    english = (get_language() or "zh-hans").startswith("en")
    today = local_today()
    labels = {name: _labels(choices) for name, choices in _CHOICES.items()}
    return [_shape(r, labels, english, today) for r in rows]


_CHOICES = {"category": Category, "level": Level, "source": Source, "state": State}


def _shape(r: dict, labels, english: bool, today) -> dict:
    state = r["state"]
    return {
        "id": r["id"],
        "enterprise": r["enterprise_id"],
        "enterprise_name": r["enterprise_name"],
        "town": r["town_id"],
        "town_name": _name(r["town_zh"], r["town_en"], english),
        "sector": r["sector_id"],
        "sector_name": _name(r["sector_zh"], r["sector_en"], english),
        "category": r["category"],
        "category_display": labels["category"].get(r["category"], r["category"]),
        "level": r["level"],
        "level_display": labels["level"].get(r["level"], r["level"]),
        "source": r["source"],
        "source_display": labels["source"].get(r["source"], r["source"]),
        "title": r["title"],
        "description": r["description"],
        "location": r["location"],
        "area": r["area"],
        "equipment": r["equipment"],
        "process": r["process"],
        "state": state,
        "state_display": labels["state"].get(state, state),
        "deadline": _d(_date, r["deadline"]),
        "days_left": days_left_on(today, state, r["deadline"]),
        "discovered_at": _d(_datetime, r["discovered_at"]),
        "discoverer": r["discoverer"],
        "criterion": r["criterion_id"],
        "criterion_text": r["criterion_text"] if r["criterion_id"] else None,
        "legal_basis": r["legal_basis"],
        "risk_point": r["risk_point_id"],
        "origin_type": r["origin_type"],
        "origin_id": r["origin_id"],
        "reported_at": _d(_datetime, r["reported_at"]),
        "measures": r["measures"],
        "responsible_person": r["responsible_person"],
        "funds": _d(_money, r["funds"]),
        "contingency_plan": r["contingency_plan"],
        "overdue": overdue_on(today, state, r["deadline"], r["submitted_on"]),
        "listed_supervision": r["listed"],
        "supervision": _supervision(r, english) if r["listed"] else None,
        "version": r["version"],
    }


def _supervision(r: dict, english: bool) -> dict:
    """`SupervisionSerializer`'s fields."""
    return {
        "authority": r["listing_authority"],
        "document_number": r["listing_document"],
        "due_date": _d(_date, r["listing_due_date"]),
        "listed_at": _d(_datetime, r["listed_at"]),
        "supervising_department": (
            _name(r["department_zh"], r["department_en"], english) if r["supervising_department_id"] else None
        ),
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
