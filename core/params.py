"""Query parameters of pages, validated as the API validates them: a value out of range is a 400 with a
clear message (never a 500 from a date or a database integer that overflows)."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# The API's bounds for a statistics year (accidents.api) and the database's integer key.
YEAR_MIN, YEAR_MAX = 1990, 2200
ID_MAX = 2**31 - 1


class BadParameter(BadRequest):
    """A page parameter out of range; its localized message is shown on the 400 page."""


def year_param(request, name: str = "year", *, default: int) -> int:
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isdigit() and YEAR_MIN <= int(raw) <= YEAR_MAX):
        raise BadParameter(
            _("Enter a year between %(low)d and %(high)d.") % {"low": YEAR_MIN, "high": YEAR_MAX}
        )
    return int(raw)


def id_param(request, name: str) -> int | None:
    """An optional object id (a filter or a pre-filled choice): anything that is not one is ignored."""
    raw = (request.GET.get(name) or "").strip()
    if raw.isdigit() and 0 < int(raw) <= ID_MAX:
        return int(raw)
    return None
