"""Figures for issue 19's account findings: step-up refusals for every role (finding 1) and API token
expiry (finding 3). The behaviour itself is tested in accounts/tests/test_security_stepup.py and
test_security_tokens.py; these tests measure it once per role for `make security-report`."""

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import totp
from accounts.models import ApiToken, TotpDevice
from accounts.stepup import SESSION_STEP_UP_AT_KEY
from accounts.testing import mark_second_factor_verified
from security_tests.probing import PERSONAS

PASSWORD = "Redline@2026"
NEW_PASSWORD = "Another-Passphrase-2027"


def _stale_session(user) -> Client:
    """Fully authenticated, but the last proof is older than STEP_UP_SECONDS."""
    client = Client()
    client.force_login(user)
    mark_second_factor_verified(client)
    session = client.session
    session[SESSION_STEP_UP_AT_KEY] = int(timezone.now().timestamp()) - 3600
    session.save()
    return client


def test_every_role_is_refused_without_a_fresh_step_up(persona, security_figures):
    attempts = refused = 0
    for username in PERSONAS:
        user = persona(username)
        device = totp.start_enrolment(actor=user)
        TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
        client = _stale_session(user)
        body = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        for url, data in (
            (reverse("accounts:password_change"), body),
            (reverse("accounts:token_list"), {}),
            ("/accounts/2fa/setup/", {"action": "remove"}),
        ):
            attempts += 1
            response = client.post(url, data)
            if response.status_code == 302 and response["Location"].startswith(reverse("accounts:step_up")):
                refused += 1
        assert persona(username).check_password(PASSWORD)
        assert TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
    assert not ApiToken.objects.exists()
    assert refused == attempts == 3 * len(PERSONAS)
    security_figures["step_up"] = {
        "goal": "every role refused a password change, a token and a factor removal without a fresh proof",
        "met": refused == attempts,
        "roles": len(PERSONAS),
        "attempts": attempts,
        "refused": refused,
    }


def _token() -> str:
    response = Client().post("/api/v1/auth/token/", {"username": "duruan", "password": PASSWORD})
    return response.json()["token"]


def _works(key) -> bool:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_api_tokens_expire(persona, security_figures):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        idle, busy = _token(), _token()
    results = {}
    for day in (5, 10, 15, 20, 25):
        with time_machine.travel(start + dt.timedelta(days=day), tick=False):
            _works(busy)
    with time_machine.travel(start + dt.timedelta(days=8), tick=False):
        results["idle_8_days"] = "refused" if not _works(idle) else "accepted"
    with time_machine.travel(start + dt.timedelta(days=31), tick=False):
        results["in_use_31_days"] = "refused" if not _works(busy) else "accepted"
    with time_machine.travel(start + dt.timedelta(days=31), tick=False):
        fresh = _token()
        from accounts import services

        services.change_own_password(
            actor=persona("duruan"), old_password=PASSWORD, new_password=NEW_PASSWORD
        )
        results["after_password_change"] = "refused" if not _works(fresh) else "accepted"
    assert set(results.values()) == {"refused"}
    security_figures["api_token_expiry"] = {
        "goal": "idle, over-age and password-changed tokens refused",
        "met": set(results.values()) == {"refused"},
        **results,
    }
