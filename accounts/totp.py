"""Time-based one-time passwords (RFC 6238) as the second factor (MLPS 8.1.4.1 d, ASVS V2.8).

Enrolment shows the secret as text and as an otpauth:// URI (no network, no image service). A code is
accepted once: the device remembers the last time step used, and a conditional UPDATE makes two
concurrent submissions of the same code succeed at most once.
"""

from __future__ import annotations

import datetime as dt

import pyotp
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import security
from accounts.models import TotpDevice, User
from audit.models import AuditEvent
from audit.services import record
from core.choices import Role
from core.errors import InvalidInput, NotAllowed

ISSUER = "Redline"
STEP_SECONDS = 30
# One step either side absorbs a phone clock that is up to 30 seconds off.
VALID_WINDOW = 1
# Who may remove another person's second factor (a lost phone): the security administrator, and the
# district administrator for the district's own officials.
MFA_RESETTERS = frozenset({Role.SECURITY_ADMIN, Role.DISTRICT_ADMIN})


def _step(at: dt.datetime) -> int:
    return int(at.timestamp()) // STEP_SECONDS


def provisioning_uri(device: TotpDevice) -> str:
    return pyotp.TOTP(device.secret).provisioning_uri(name=device.user.get_username(), issuer_name=ISSUER)


def grouped_secret(device: TotpDevice) -> str:
    """The secret in groups of four, easier to type into an authenticator app."""
    return " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))


def matching_step(secret: str, code: str, *, now: dt.datetime) -> int | None:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    current = _step(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def _consume(device: TotpDevice, code: str, *, now: dt.datetime) -> bool:
    step = matching_step(device.secret, code, now=now)
    if step is None:
        return False
    used = TotpDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(last_used_step=step)
    if used:
        device.last_used_step = step
    return bool(used)


def consume_code(device: TotpDevice, code: str, *, now: dt.datetime) -> bool:
    """A code of `device`, accepted once (the step-up uses it as the login does)."""
    return _consume(device, code, now=now)


@transaction.atomic
def start_enrolment(*, actor: User) -> TotpDevice:
    """A fresh unconfirmed secret; an already confirmed device must be removed first."""
    device = TotpDevice.objects.select_for_update().filter(user=actor).first()
    if device and device.confirmed:
        raise InvalidInput.field("code", _("Two-factor authentication is already set up."))
    if device is None:
        device = TotpDevice(user=actor)
    if not device.secret:
        device.secret = pyotp.random_base32()
        device.save()
    return device


@transaction.atomic
def confirm_enrolment(*, actor: User, code: str, now: dt.datetime | None = None) -> TotpDevice:
    now = now or timezone.now()
    device = TotpDevice.objects.select_for_update().filter(user=actor, confirmed_at__isnull=True).first()
    if device is None:
        raise InvalidInput.field("code", _("Start the set-up again."))
    if not _consume(device, code, now=now):
        record(actor, "accounts.user.mfa_enrolment_failed", actor=actor, outcome=AuditEvent.Outcome.FAILURE)
        raise InvalidInput.field(
            "code", _("The code is not correct. Check the time on your phone and try again.")
        )
    device.confirmed_at = now
    device.save(update_fields=["confirmed_at"])
    record(actor, "accounts.user.mfa_enrolled", actor=actor)
    return device


def verify_login_code(*, user: User, code: str, ip: str, now: dt.datetime | None = None) -> bool:
    """The second step of a login. Failures count towards the same lock as passwords."""
    now = now or timezone.now()
    security.check_allowed(user.username, ip, now=now)
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    with transaction.atomic():
        if device is not None and _consume(device, code, now=now):
            security.note_success(user.username, ip, kind="otp")
            record(user, "accounts.user.mfa_verified", actor=user)
            return True
    with transaction.atomic():
        security.note_failure(user.username, ip, kind="otp", now=now)
        record(user, "accounts.user.mfa_failed", actor=user, outcome=AuditEvent.Outcome.FAILURE)
    return False


@transaction.atomic
def remove_second_factor(*, actor: User, user: User) -> None:
    """Remove a confirmed device: the user's own choice when the role does not require one, or an
    administrator's reset after a lost phone. All the user's sessions end."""
    own = actor.pk == user.pk
    if own and user.has_role(*security.mfa_roles()):
        raise NotAllowed(_("Your role requires two-factor authentication."))
    if not own and not actor.has_role(*MFA_RESETTERS):
        raise NotAllowed()
    deleted, _by_model = TotpDevice.objects.filter(user=user).delete()
    if not deleted:
        raise InvalidInput.field("code", _("Two-factor authentication is not set up."))
    security.end_sessions(user)
    record(user, "accounts.user.mfa_removed", actor=actor, data={"own": own})
