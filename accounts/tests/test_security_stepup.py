"""Issue 19, finding 1: removing a second factor, changing a password and creating an API token need a
fully authenticated session and a fresh proof (step-up), for every role."""

import datetime as dt

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import totp
from accounts.models import ApiToken, TotpDevice
from audit.models import AuditEvent

PASSWORD = "Redline@2026"
NEW_PASSWORD = "Another-Passphrase-2027"
SETUP = "/accounts/2fa/setup/"


def _enrol(user) -> pyotp.TOTP:
    device = totp.start_enrolment(actor=user)
    generator = pyotp.TOTP(device.secret)
    totp.confirm_enrolment(actor=user, code=generator.now())
    return generator


def _login(username: str) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return client


def _next_code(generator: pyotp.TOTP, user) -> str:
    """A code of a later step than the last one used (a code works once)."""
    used = TotpDevice.objects.get(user=user).last_used_step
    current = int(timezone.now().timestamp()) // totp.STEP_SECONDS
    return generator.at(max(used + 1, current) * totp.STEP_SECONDS)


def test_a_password_only_session_cannot_remove_the_second_factor(persona):
    """The outside test's path: the password step alone reached the setup page and removed the factor,
    then the token endpoint issued tokens without a code."""
    user = persona("duruan")  # a town officer who opted in: its role does not require a factor
    _enrol(user)
    client = _login("duruan")
    response = client.post(SETUP, {"action": "remove"})
    assert response.status_code == 302
    assert TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    # Nor may that session reach the step-up page itself: the second-factor gate sends it to the code.
    assert client.get(reverse("accounts:step_up"))["Location"] == "/accounts/2fa/verify/"
    token = Client().post("/api/v1/auth/token/", {"username": "duruan", "password": PASSWORD})
    assert token.status_code == 400 and "otp" in token.json()
    assert not ApiToken.objects.filter(user=user).exists()


def test_removal_needs_a_fresh_code_even_after_a_complete_login(persona):
    user = persona("duruan")
    generator = _enrol(user)
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        client = _login("duruan")
        assert client.post("/accounts/2fa/verify/", {"code": _next_code(generator, user)})["Location"] == "/"
    with time_machine.travel(start + dt.timedelta(seconds=60 + 400), tick=False):  # past STEP_UP_SECONDS
        refused = client.post(SETUP, {"action": "remove"})
        assert refused["Location"].startswith(reverse("accounts:step_up"))
        assert TotpDevice.objects.filter(user=user).exists()
        denied = AuditEvent.objects.get(action="accounts.user.step_up_required")
        assert denied.outcome == "denied" and denied.data == {"action": "mfa_remove"}
        page = client.get(reverse("accounts:step_up"), {"next": SETUP})
        assert 'data-testid="step-up-factor"' in page.content.decode()
        wrong = client.post(reverse("accounts:step_up"), {"proof": "000000", "next": SETUP})
        assert wrong.status_code == 200
        assert AuditEvent.objects.filter(action="accounts.user.step_up_failed").count() == 1
        # The password does not stand in for the code of a user who has one.
        assert client.post(reverse("accounts:step_up"), {"proof": PASSWORD, "next": SETUP}).status_code == 200
        ok = client.post(reverse("accounts:step_up"), {"proof": _next_code(generator, user), "next": SETUP})
        assert ok["Location"] == SETUP
        assert client.post(SETUP, {"action": "remove"})["Location"] == "/accounts/login/"
    assert not TotpDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("username", ["admin", "yjj", "ent_duruan", "sysadmin"])
def test_every_role_must_step_up_to_change_its_password(username, persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True  # no factor enrolled: the password is the proof
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = _login(username)
    with time_machine.travel(start + dt.timedelta(seconds=301), tick=False):
        body = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        refused = client.post(reverse("accounts:password_change"), body)
        assert refused["Location"].startswith(reverse("accounts:step_up"))
        assert persona(username).check_password(PASSWORD)
        stepped = client.post(
            reverse("accounts:step_up"), {"proof": PASSWORD, "next": reverse("accounts:password_change")}
        )
        assert stepped["Location"] == reverse("accounts:password_change")
        assert AuditEvent.objects.get(action="accounts.user.step_up").data == {"factor": "password"}
        assert client.post(reverse("accounts:password_change"), body)["Location"] == "/"
    assert persona(username).check_password(NEW_PASSWORD)


def test_the_demo_exemption_still_asks_a_user_with_a_factor_for_a_code(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    user = persona("admin")
    _enrol(user)
    client = _login("admin")  # the exemption: no code at login
    page = client.get(reverse("accounts:step_up"))
    assert page.context["factor"] == "totp"


def test_a_web_token_needs_a_fresh_step_up(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = _login("yjj")
        created = client.post(reverse("accounts:token_list"))
        assert created.status_code == 200 and 'data-testid="new-token"' in created.content.decode()
    with time_machine.travel(start + dt.timedelta(seconds=600), tick=False):
        refused = client.post(reverse("accounts:token_list"))
        assert refused.status_code == 302
    assert ApiToken.objects.filter(user=persona("yjj")).count() == 1
    assert AuditEvent.objects.filter(action="accounts.token.issued").count() == 1
    assert AuditEvent.objects.filter(
        action="accounts.user.step_up_required", data__action="token_create"
    ).exists()


def test_failed_step_ups_count_towards_the_lock(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    client = _login("yjj")
    for _attempt in range(5):
        client.post(reverse("accounts:step_up"), {"proof": "wrong-password-1"})
    # Locked and logged out: the next page is the login.
    assert client.get("/")["Location"].startswith("/accounts/login/")
