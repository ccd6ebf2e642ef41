"""The second factor (TOTP): enrolment, verification, once-only codes, the gate, and the test mechanism."""

import datetime as dt

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts import security, totp
from accounts.models import AccountLock, TotpDevice
from accounts.testing import mark_second_factor_verified
from audit.models import AuditEvent
from core.errors import NotAllowed

PASSWORD = "Redline@2026"


def web_login(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def enrol_through_the_pages(client) -> pyotp.TOTP:
    assert client.post("/accounts/2fa/setup/", {"action": "start"}).status_code == 200
    device = TotpDevice.objects.get(user__username="sysadmin")
    generator = pyotp.TOTP(device.secret)
    response = client.post("/accounts/2fa/setup/", {"action": "confirm", "code": generator.now()})
    assert response.status_code == 302 and response["Location"] == "/"
    return generator


def test_an_admin_must_enrol_before_reaching_anything(district):
    client = Client()
    assert web_login(client, "sysadmin")["Location"] == "/accounts/2fa/setup/"
    assert client.get("/")["Location"] == "/accounts/2fa/setup/"
    assert client.get("/registry/enterprises/")["Location"] == "/accounts/2fa/setup/"
    assert client.get("/api/v1/me/").status_code == 403
    page = client.get("/accounts/2fa/setup/")
    assert page.status_code == 200
    assert not TotpDevice.objects.filter(user__username="sysadmin").exists()  # GET changes nothing

    started = client.post("/accounts/2fa/setup/", {"action": "start"})
    device = TotpDevice.objects.get(user__username="sysadmin")
    content = started.content.decode()
    assert totp.grouped_secret(device) in content
    assert "otpauth://totp/Redline:sysadmin?secret=" in content.replace("&amp;", "&")

    wrong = client.post("/accounts/2fa/setup/", {"action": "confirm", "code": "000000"})
    assert wrong.status_code == 400 and not TotpDevice.objects.get(pk=device.pk).confirmed
    code = pyotp.TOTP(device.secret).now()
    assert client.post("/accounts/2fa/setup/", {"action": "confirm", "code": code})["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="accounts.user.mfa_enrolled", actor_name="sysadmin").count() == 1


def test_the_next_login_asks_for_a_code_and_a_code_works_once(district):
    client = Client()
    web_login(client, "sysadmin")
    generator = enrol_through_the_pages(client)
    client.post("/accounts/logout/")

    client = Client()
    assert web_login(client, "sysadmin")["Location"] == "/accounts/2fa/verify/"
    assert client.get("/")["Location"] == "/accounts/2fa/verify/"
    # The enrolment code is spent: its step is remembered.
    used = TotpDevice.objects.get(user__username="sysadmin").last_used_step
    reused = generator.at(used * 30)
    response = client.post("/accounts/2fa/verify/", {"code": reused})
    assert response.status_code == 200 and client.get("/").status_code == 302

    with time_machine.travel(timezone.now() + dt.timedelta(seconds=90)):
        key_before = client.cookies["sessionid"].value
        code = generator.now()
        assert client.post("/accounts/2fa/verify/", {"code": code})["Location"] == "/"
        assert client.cookies["sessionid"].value != key_before  # rotated on elevation
        assert client.get("/").status_code == 200
        other = Client()
        web_login(other, "sysadmin")
        assert other.post("/accounts/2fa/verify/", {"code": code}).status_code == 200  # refused: used
        assert other.get("/").status_code == 302


def test_wrong_codes_count_towards_the_lock(district, persona):
    device = totp.start_enrolment(actor=persona("sysadmin"))
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    client = Client()
    web_login(client, "sysadmin")
    for _ in range(5):
        response = client.post("/accounts/2fa/verify/", {"code": "000000"})
    assert AccountLock.objects.filter(username="sysadmin").exists()
    assert str(security.GENERIC_FAILURE) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="accounts.user.mfa_failed").count() == 5


def test_force_login_alone_does_not_pass_the_gate_for_an_admin(persona):
    client = Client()
    client.force_login(persona("admin"))
    assert client.get("/")["Location"] == "/accounts/2fa/setup/"
    mark_second_factor_verified(client)
    assert client.get("/").status_code == 200


def test_roles_without_the_requirement_pass_without_a_code(persona):
    client = Client()
    client.force_login(persona("inspector_duruan"))
    assert client.get("/").status_code == 200


def test_other_roles_can_be_made_to_use_it_by_setting(persona, settings):
    settings.MFA_EXTRA_ROLES = ["inspector"]
    client = Client()
    assert web_login(client, "inspector_duruan")["Location"] == "/accounts/2fa/setup/"


def test_the_demo_exemption_lets_demo_admins_in(district, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True
    client = Client()
    assert web_login(client, "admin")["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_demo_exemption_never_exists_in_production(monkeypatch):
    import importlib

    import redline.settings as production

    monkeypatch.setenv("REDLINE_DEMO_MFA_EXEMPT", "true")
    monkeypatch.setenv("DEBUG", "false")
    try:
        reloaded = importlib.reload(production)
        assert reloaded.REDLINE_DEMO_MFA_EXEMPT is False
    finally:
        monkeypatch.undo()
        importlib.reload(production)


def test_a_user_may_opt_in_and_is_then_asked_for_codes(district, persona):
    user = persona("duruan")
    device = totp.start_enrolment(actor=user)
    totp.confirm_enrolment(actor=user, code=pyotp.TOTP(device.secret).now())
    assert web_login(Client(), "duruan")["Location"] == "/accounts/2fa/verify/"


def test_an_admin_cannot_remove_a_required_second_factor_but_the_security_admin_can_reset_it(persona):
    admin = persona("admin")
    device = totp.start_enrolment(actor=admin)
    totp.confirm_enrolment(actor=admin, code=pyotp.TOTP(device.secret).now())
    with pytest.raises(NotAllowed):
        totp.remove_second_factor(actor=admin, user=admin)
    with pytest.raises(NotAllowed):
        totp.remove_second_factor(actor=persona("leader"), user=admin)
    totp.remove_second_factor(actor=persona("secadmin"), user=admin)
    assert not TotpDevice.objects.filter(user=admin).exists()
    event = AuditEvent.objects.get(action="accounts.user.mfa_removed")
    assert event.actor_name == "secadmin" and event.target_id == admin.pk


def test_the_secret_is_stored_encrypted(persona):
    from django.db import connection

    device = totp.start_enrolment(actor=persona("admin"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        stored = cursor.fetchone()[0]
    assert device.secret not in stored and stored.startswith("aes-gcm$")
