"""Scoped reads of hazards: the gate, the list's queryset, home-panel lists, statistics."""

from __future__ import annotations

from core.scoping import get_visible_or_404
from hazards.models import Hazard


def get_hazard_for_user(user, pk, *, for_write: bool = False) -> Hazard:
    """The gate: a hazard in the user's scope, or 404. `for_write` locks the row for the transition."""
    qs = Hazard.objects.for_list()
    if for_write:
        qs = qs.select_for_update(of=("self",))
    return get_visible_or_404(qs, user, pk=pk)
