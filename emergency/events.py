"""The emergency module's outgoing webhook events (sent through `notifications.webhooks`, signed like every
other): a warning entered by the duty room and its lifting, for the district's other systems (the flood
office, the city's command platform). Each payload is built here beside what its fields mean, which the
webhook registration page shows."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from emergency.models import WeatherWarning
from notifications import webhooks

_WARNING = {
    "id": _("The warning's id (GET /api/v1/warnings/)."),
    "hazard": _("The hazard's code (rainstorm, typhoon, high_temperature, cold, thunderstorm, flood)."),
    "signal": _("The signal's colour code (white, blue, yellow, orange, red; red is the highest)."),
    "area": _("The area it covers."),
    "valid_from": _("When it takes effect."),
    "valid_until": _("When it ends, as issued; null for a warning issued without an end."),
}

PAYLOADS = {
    "emergency.warning.issued": (
        _("Warning issued"),
        {**_WARNING, "note": _("The duty room's note, possibly empty.")},
    ),
    "emergency.warning.lifted": (
        _("Warning lifted"),
        {
            **_WARNING,
            "lifted_at": _("When it was lifted."),
            "note": _("The note given when lifting it, possibly empty."),
        },
    ),
}


def register() -> None:
    for name, (label, payload) in PAYLOADS.items():
        webhooks.register_event(name, label, payload)


def _warning(warning: WeatherWarning) -> dict:
    return {
        "id": warning.pk,
        "hazard": warning.hazard,
        "signal": warning.signal,
        "area": warning.area,
        "valid_from": warning.valid_from,
        "valid_until": warning.valid_until,
    }


def warning_issued(warning: WeatherWarning) -> None:
    webhooks.emit(
        "emergency.warning.issued",
        {**_warning(warning), "note": warning.note},
        dedup_key=f"emergency:warning:{warning.pk}:issued",
    )


def warning_lifted(warning: WeatherWarning, *, note: str) -> None:
    webhooks.emit(
        "emergency.warning.lifted",
        {**_warning(warning), "lifted_at": warning.updated_at, "note": note},
        dedup_key=f"emergency:warning:{warning.pk}:lifted",
    )
