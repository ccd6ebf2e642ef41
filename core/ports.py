"""What the ground (`core`) needs from the apps above it, declared here and plugged in at start-up.

`core` imports no other app of the project (the layering contract of `make lint`). Where a shared piece
must write an audit event or send a notification, it calls the port; the `audit` and `notifications`
apps plug their functions in from their `AppConfig.ready()`. A port that nobody plugged in is a
configuration error, never a silent no-op: an unaudited state change must not happen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_ports: dict[str, Callable[..., Any]] = {}

AUDIT_RECORD = "audit.record"  # (obj, action, *, actor, data, outcome, target_type, target_id, target_repr)
NOTIFY = "notifications.notify"  # (*, recipients, kind, title, body, url, target, dedup_key)
UNREAD_COUNT = "notifications.unread_count"  # (user) -> int: the bell in the page shell

# The outcomes of an audit event (audit.models.AuditEvent.Outcome), for the ground's own records.
SUCCESS, FAILURE, DENIED = "success", "failure", "denied"


def plug(name: str, function: Callable[..., Any]) -> None:
    _ports[name] = function


def port(name: str) -> Callable[..., Any]:
    try:
        return _ports[name]
    except KeyError:
        raise ImproperlyConfigured(f"No function is plugged into the port {name!r}.")


def record_event(obj, action: str, **kwargs):
    """The audit event of a change, inside the caller's transaction (see audit.services.record)."""
    return port(AUDIT_RECORD)(obj, action, **kwargs)


def unread_notifications(user) -> int:
    """The number on the shell's bell; 0 where no notification centre is installed."""
    counter = _ports.get(UNREAD_COUNT)
    return counter(user) if counter is not None else 0
