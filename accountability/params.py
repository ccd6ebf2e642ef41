"""The query parameters of the assessment and enforcement statistics, checked once for the pages and the API:
a value that is not a number, or out of range, is a 400 that states the range (never a 404 or a 500)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accountability.services.assessment import KINDS
from core.params import BadParameter

YEARS = (2000, 2100)  # the years a scorecard may have, as the services accept them
QUARTERS = (1, 4)


def number(raw: str | None, low: int, high: int) -> int | None:
    """A whole number from `low` to `high`; None when absent or blank."""
    value = (raw or "").strip()
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:
        raise BadParameter(_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return int(value)


def kind(raw: str | None) -> str:
    """The kind of unit assessed: towns unless the caller asks for departments."""
    value = raw or "town"
    if value not in KINDS:
        raise BadParameter(_("Choose town or department."))
    return value
