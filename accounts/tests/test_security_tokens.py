"""Issue 19, finding 3: API tokens expire (idle timeout, absolute lifetime), are listed and revoked by
their owner and the security administrator, end with a password change or a disabled account, are stored
hashed, and each creation and revocation is audited."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, hash_token
from audit.models import AuditEvent
from core.errors import InvalidInput
from core.services import change_setting

PASSWORD = "Redline@2026"


def _token(username="duruan") -> str:
    response = Client().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def _me(key):
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def test_an_idle_token_stops_working(persona):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = _token()
    with time_machine.travel(start + dt.timedelta(days=6), tick=False):
        assert _me(key).status_code == 200  # used: the idle clock restarts
    with time_machine.travel(start + dt.timedelta(days=6 + 8), tick=False):
        assert _me(key).status_code == 401
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.get(action="accounts.token.expired").data["reason"] == "idle"


def test_a_token_in_use_still_ends_at_its_lifetime(persona):
    """The outside test's token: 400 days old and used every few days."""
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = _token()
    for day in range(5, 30, 5):
        with time_machine.travel(start + dt.timedelta(days=day), tick=False):
            assert _me(key).status_code == 200
    with time_machine.travel(start + dt.timedelta(days=31), tick=False):
        assert _me(key).status_code == 401
    assert AuditEvent.objects.get(action="accounts.token.expired").data["reason"] == "absolute"


def test_the_lifetimes_are_run_time_settings_within_the_floors(persona):
    sysadmin = persona("sysadmin")
    with pytest.raises(InvalidInput):
        change_setting(actor=sysadmin, name="API_TOKEN_ABSOLUTE_SECONDS", value=400 * 86400)
    with pytest.raises(InvalidInput):
        change_setting(actor=sysadmin, name="API_TOKEN_IDLE_SECONDS", value=100 * 86400)
    change_setting(actor=sysadmin, name="API_TOKEN_IDLE_SECONDS", value=3600)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        key = _token()
    with time_machine.travel(start + dt.timedelta(seconds=3700), tick=False):
        assert _me(key).status_code == 401


def test_only_the_hash_of_a_token_is_stored(persona):
    key = _token()
    stored = ApiToken.objects.get()
    assert stored.key_hash == hash_token(key) and key not in stored.key_hash
    assert stored.prefix == key[:8]
    issued = AuditEvent.objects.get(action="accounts.token.issued")
    assert key not in str(issued.data) and issued.data["prefix"] == key[:8]


def test_the_owner_lists_and_revokes_its_tokens_and_nobody_elses(persona, as_user):
    key = _token("duruan")
    other = ApiToken.objects.get(user=persona("duruan"))
    page = as_user("duruan").get(reverse("accounts:token_list"))
    assert page.status_code == 200 and key[:8] in page.content.decode()
    assert key[:8] not in as_user("baisha").get(reverse("accounts:token_list")).content.decode()
    assert as_user("baisha").post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    assert as_user("admin").post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    assert as_user("duruan").post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 302
    assert _me(key).status_code == 401
    revoked = AuditEvent.objects.get(action="accounts.token.revoked")
    assert revoked.data == {"prefix": key[:8], "own": True}


def test_the_security_administrator_lists_and_revokes_every_token(persona, as_user, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    key = _token("duruan")
    client = as_user("secadmin")
    listed = client.get(reverse("accounts:admin_token_list"))
    assert listed.status_code == 200 and key[:8] in listed.content.decode()
    assert as_user("admin").get(reverse("accounts:admin_token_list")).status_code == 403
    token = ApiToken.objects.get()
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    assert _me(key).status_code == 401
    event = AuditEvent.objects.get(action="accounts.token.revoked")
    assert event.actor_name == "secadmin" and event.data["own"] is False


def test_a_password_change_and_a_disabled_account_revoke_the_tokens(persona):
    key = _token("duruan")
    services.change_own_password(
        actor=persona("duruan"), old_password=PASSWORD, new_password="Another-Passphrase-2027"
    )
    assert _me(key).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.token.revoked").count() == 1
    key = _token("baisha")
    services.update_user(actor=persona("sysadmin"), user=persona("baisha"), is_active=False)
    assert _me(key).status_code == 401
    assert AuditEvent.objects.filter(action="accounts.token.revoked").count() == 2


def test_the_hourly_job_removes_expired_tokens(persona):
    from core.jobs import run_job

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _token()
    assert run_job("accounts.expire_api_tokens", now=start + dt.timedelta(days=1)) == {"expired": 0}
    assert run_job("accounts.expire_api_tokens", now=start + dt.timedelta(days=31)) == {"expired": 1}
