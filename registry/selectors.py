"""Scoped reads of the registry that its pages and its API share: the enterprises a user sees, as the list
shows them, and the list's search. Every read starts from `visible_to` (core.scoping)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from registry.models import Enterprise


def enterprises_listed(user) -> QuerySet:
    """The enterprises the user sees, with what a list row shows (town, sectors)."""
    return Enterprise.objects.visible_to(user).select_related("town").prefetch_related("sectors")


def matching(queryset: QuerySet, q: str) -> QuerySet:
    """The list's search, on the page and in the API alike: part of the name, the credit code or the
    address."""
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(
        Q(name__icontains=q) | Q(credit_code__icontains=q.upper()) | Q(address__icontains=q)
    )
