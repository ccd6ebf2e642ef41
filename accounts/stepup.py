"""Step-up: sensitive account changes need a fresh proof, not only a signed-in session (ASVS 2.2.x, 3.7.1).

Removing or re-enrolling a second factor, changing a password and creating an API token need a fully
authenticated session (the second factor passed where it is required) **and** a proof entered within the
last `STEP_UP_SECONDS`: a fresh code of the authenticator app for a user who has one, or the password
again for a user without a second factor (other roles that did not opt in; the demo accounts with
`REDLINE_DEMO_MFA_EXEMPT`). Completing the login counts as a proof at that moment: the code when one is
asked, otherwise the password.
"""

from __future__ import annotations

import functools
import time

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import security
from audit.models import AuditEvent
from audit.services import record
from core.config import config_value

SESSION_STEP_UP_AT_KEY = "redline_step_up_at"


def mark_fresh(session) -> None:
    session[SESSION_STEP_UP_AT_KEY] = int(time.time())


def is_fresh(request) -> bool:
    """A fully authenticated session whose last proof is within STEP_UP_SECONDS."""
    session = getattr(request, "session", None)
    if session is None or not request.user.is_authenticated:
        return False
    if not session.get(security.SESSION_MFA_KEY) and security.mfa_required(request.user):
        return False
    stepped = session.get(SESSION_STEP_UP_AT_KEY)
    return stepped is not None and int(time.time()) - int(stepped) <= config_value("STEP_UP_SECONDS")


def factor_of(user) -> str:
    """What the step-up asks of this user: "totp" with a confirmed authenticator, else "password"."""
    return "totp" if security.has_confirmed_device(user) else "password"


def refuse(request, action: str):
    """Send the user to the step-up page and back; a refused change is recorded (denied)."""
    if request.method == "POST":
        record(
            request.user,
            "accounts.user.step_up_required",
            actor=request.user,
            data={"action": action},
            outcome=AuditEvent.Outcome.DENIED,
        )
    target = request.get_full_path()
    return redirect(f"{reverse('accounts:step_up')}?{urlencode({'next': target})}")


def step_up_required(action: str):
    """View decorator: every method of the view needs a fresh step-up (GET too, so a form is filled in
    only after the proof)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not is_fresh(request):
                return refuse(request, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def verify(*, user, proof: str, ip: str) -> bool:
    """Check a step-up proof; a failure counts towards the same lock as a failed login (raises
    security.LoginRefused when the account is already locked or the address throttled)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts import totp
    from accounts.models import TotpDevice

    security.check_allowed(user.username, ip)
    factor = factor_of(user)
    with transaction.atomic():
        if factor == "totp":
            device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
            passed = device is not None and totp.consume_code(device, proof, now=timezone.now())
        else:
            passed = bool(proof) and user.check_password(proof)
        if passed:
            security.note_success(user.username, ip, kind="otp" if factor == "totp" else "password")
            record(user, "accounts.user.step_up", actor=user, data={"factor": factor})
            return True
    with transaction.atomic():
        security.note_failure(user.username, ip, kind="otp" if factor == "totp" else "password")
        record(
            user,
            "accounts.user.step_up_failed",
            actor=user,
            data={"factor": factor},
            outcome=AuditEvent.Outcome.FAILURE,
        )
    return False
