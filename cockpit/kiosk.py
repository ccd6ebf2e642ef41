"""The credential of a paired wall display (大屏终端): its cookie, and the check every wall request passes.

The cookie holds `<display id>:<secret>`; only the secret's SHA-256 is stored. It is sent only to the
kiosk's own paths (the wall and its live part), HttpOnly, SameSite=Strict and Secure in production, and
no other view reads it: everywhere else the screen is an anonymous visitor. The owner's state is read on
every request, so stopping the display, deactivating the owner or taking away the role that opens the
cockpit (policy.may_open_cockpit) stops the screen at its next refresh.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from cockpit.choices import WallDisplayState
from cockpit.models import WallDisplay
from cockpit.policy import may_open_cockpit
from cockpit.services import secret_matches

COOKIE_NAME = "redline_wall_display"
# Renewed while the screen keeps showing (see `seen`): a screen that shows every day never falls out.
COOKIE_MAX_AGE = 365 * 24 * 3600
# The last-seen time is written at most once a minute, not on every poll of every screen.
SEEN_EVERY = dt.timedelta(seconds=60)

UNPAIRED = "unpaired"  # no cookie, or one that names no display with that secret
STOPPED = "stopped"  # a display that was paired, and may no longer show


def cookie_path() -> str:
    return reverse("cockpit:kiosk")


def admit(value: str) -> tuple[WallDisplay | None, str]:
    """The display a screen's cookie stands for and "", or None and why it may not show."""
    pk, _sep, secret = (value or "").partition(":")
    if not (pk.isascii() and pk.isdigit() and len(pk) <= 18 and secret):
        return None, UNPAIRED
    # Unscoped on purpose: the secret is the credential, not a session; the display found is the owner's.
    display = WallDisplay.objects.select_related("owner").filter(pk=int(pk)).first()
    if display is None or not secret_matches(secret, display.secret_digest):
        return None, UNPAIRED
    if not may_still_show(display):
        return display, STOPPED
    return display, ""


def may_still_show(display: WallDisplay) -> bool:
    owner = display.owner
    return display.state == WallDisplayState.ACTIVE and owner.is_active and may_open_cockpit(owner)


def set_cookie(response, display: WallDisplay, secret: str) -> None:
    _write_cookie(response, f"{display.pk}:{secret}")


def _write_cookie(response, value: str) -> None:
    response.set_cookie(
        COOKIE_NAME,
        value,
        max_age=COOKIE_MAX_AGE,
        path=cookie_path(),
        secure=settings.SESSION_COOKIE_SECURE,  # Secure whenever the site runs behind TLS (production)
        httponly=True,
        samesite="Strict",
    )


def seen(display: WallDisplay, request, response) -> None:
    """Note that the screen showed, at most once a minute, and renew its cookie then: a poll a minute from
    every screen would otherwise be a write a minute each."""
    now = timezone.now()
    if display.last_seen_at is not None and now - display.last_seen_at < SEEN_EVERY:
        return
    # Not a state change (no version, no audit event): a heartbeat, like an API token's last use.
    WallDisplay.objects.filter(pk=display.pk).update(last_seen_at=now)
    display.last_seen_at = now
    _write_cookie(response, request.COOKIES[COOKIE_NAME])
