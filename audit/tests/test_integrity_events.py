"""MLPS 8.1.4.3: each security event writes exactly one record with time and offset, user and role,
source IP, event type, object, outcome and request id — and no secret or unmasked number."""

import datetime as dt
import re

import pyotp
import pytest
from django.test import Client

from accounts import services, totp
from accounts.models import User
from audit.models import AuditEvent

PASSWORD = "Redline@2026"
PHONE = re.compile(r"1[3-9]\d{9}")


def only(action: str) -> AuditEvent:
    matches = list(AuditEvent.objects.filter(action=action))
    assert len(matches) == 1, f"{action}: {len(matches)} records"
    return matches[0]


def assert_complete(event: AuditEvent, *, actor: str | None, outcome: str = "success", via_http: bool = True):
    assert event.at.tzinfo is not None and event.at.utcoffset() == dt.timedelta(0)
    assert event.outcome == outcome
    if actor:
        assert event.actor_name == actor and event.actor_roles
    if via_http:
        assert event.ip == "127.0.0.1"
        assert re.fullmatch(r"[0-9a-f]{32}", event.request_id)
    text = repr(event.data) + event.target_repr
    assert PASSWORD not in text and not PHONE.search(text)


def test_login_failure_lock_and_success_are_recorded_once_each(district):
    client = Client()
    client.post("/accounts/login/", {"username": "duruan", "password": "Wrong-Pass-1"})
    assert_complete(only("accounts.login_failed"), actor=None, outcome="failure")
    client.post("/accounts/login/", {"username": "baisha", "password": PASSWORD})
    event = only("accounts.login")
    assert_complete(event, actor="baisha")
    assert event.target_type == "accounts.user" and event.target_id == User.objects.get(username="baisha").pk
    other = Client()
    for _ in range(4):
        other.post("/accounts/login/", {"username": "duruan", "password": "Wrong-Pass-1"})
    assert_complete(only("accounts.user.locked"), actor=None)


def test_logout_and_password_change_are_recorded(as_user):
    client = as_user("duruan")
    client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Brand-New-Pass-5", "new_password2": "Brand-New-Pass-5"},
    )
    assert_complete(only("accounts.user.password_changed"), actor="duruan")
    client.post("/accounts/logout/")
    assert_complete(only("accounts.logout"), actor="duruan")


def test_second_factor_changes_are_recorded(persona):
    admin = persona("admin")
    device = totp.start_enrolment(actor=admin)
    code = pyotp.TOTP(device.secret).now()
    totp.confirm_enrolment(actor=admin, code=code)
    event = only("accounts.user.mfa_enrolled")
    assert_complete(event, actor="admin", via_http=False)
    assert device.secret not in repr(event.data) and code not in repr(event.data)
    totp.remove_second_factor(actor=persona("secadmin"), user=admin)
    assert_complete(only("accounts.user.mfa_removed"), actor="secadmin", via_http=False)


def test_user_and_role_changes_are_recorded_with_masked_phones(persona):
    user = persona("inspector_duruan")
    services.update_user(
        actor=persona("admin"), user=user, phone="13912345678", roles={"inspector", "town_officer"}
    )
    event = only("accounts.user.updated")
    assert_complete(event, actor="admin", via_http=False)
    assert event.data["changes"]["roles"] == [["inspector"], ["inspector", "town_officer"]]
    assert event.data["changes"]["phone"][1] == "139****5678"


def test_permission_denials_are_recorded_from_the_api_and_from_pages(api_as, as_user, enterprise_in):
    api_as("leader").patch(
        f"/api/v1/enterprises/{enterprise_in('duruan').pk}/", {"address": "x"}, format="json"
    )
    api_denial = only("security.permission_denied")
    assert api_denial.outcome == "denied" and api_denial.actor_name == "leader"
    assert api_denial.data["method"] == "PATCH"
    as_user("duruan").get("/audit/")
    page_denials = AuditEvent.objects.filter(action="security.permission_denied").exclude(pk=api_denial.pk)
    assert page_denials.count() == 1
    assert_complete(page_denials.get(), actor="duruan", outcome="denied")
    assert page_denials.get().data["path"] == "/audit/"


def test_administrators_writing_business_data_is_a_recorded_denial(api_as):
    response = api_as("sysadmin").post("/api/v1/enterprises/", {}, format="json")
    assert response.status_code == 403
    assert only("security.permission_denied").actor_name == "sysadmin"


def test_the_api_shows_record_times_with_their_offset(api_as, persona):
    from audit.services import record

    record(persona("duruan"), "accounts.user.updated", actor=persona("admin"))
    body = api_as("auditadmin").get("/api/v1/audit-events/", {"page_size": 1}).json()
    assert body["results"][0]["at"].endswith("+08:00")


@pytest.mark.parametrize("key", ["password", "new_password1", "token", "otp_secret", "otp"])
def test_secrets_never_reach_the_trail(persona, key):
    from audit.services import record

    event = record(
        persona("duruan"), "accounts.user.updated", actor=persona("admin"), data={key: "s3cr3t-value"}
    )
    assert event.data == {key: "[redacted]"}


def test_id_numbers_are_masked_in_the_trail(persona):
    from audit.services import record

    event = record(persona("duruan"), "x.y.z", data={"id_number": "11010519491231002X"})
    assert event.data == {"id_number": "1101**********002X"}
