"""What every emergency write shares: who may write where, input validation, the audit record."""

from __future__ import annotations

from django.utils.translation import gettext as _

from audit.services import record
from core.errors import InvalidInput
from core.forms import clean
from core.scoping import scope_of


def reaches(actor, *, town_id=None, enterprise=None) -> bool:
    """Whether a record placed in this town (or at this enterprise) lies in the actor's scope."""
    scope = scope_of(actor)
    if scope.district:
        return True
    if enterprise is not None:
        if enterprise.pk in scope.enterprise_ids or enterprise.town_id in scope.town_ids:
            return True
        return bool(
            scope.sector_codes and set(enterprise.sectors.values_list("code", flat=True)) & scope.sector_codes
        )
    return town_id is not None and town_id in scope.town_ids


def require_reach(actor, field: str, **where) -> None:
    """A record the actor may not place there is refused as invalid input on the field (no hint)."""
    if not reaches(actor, **where):
        raise InvalidInput.field(
            field, _("Select a valid choice. That choice is not one of the available choices.")
        )


def validate(form_class, data, *, actor=None, **kwargs) -> dict:
    if actor is not None:
        kwargs["actor"] = actor
    return clean(form_class, data, **kwargs)


def audit(obj, action: str, *, actor, data: dict | None = None) -> None:
    record(obj, action, actor=actor, data=data or {})
