"""Login lock, address throttle and the API token endpoint (MLPS 8.1.4.1 b, ASVS V2.2)."""

import datetime as dt

import pyotp
import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import security, services, totp
from accounts.models import AccountLock, LoginAttempt, TotpDevice, UserSession
from audit.models import AuditEvent
from core.errors import InvalidInput, NotAllowed

PASSWORD = "Redline@2026"
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"
GENERIC = str(security.GENERIC_FAILURE)


def web_login(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def events(action):
    return AuditEvent.objects.filter(action=action)


def test_a_good_password_logs_in_and_rotates_the_session_key(district):
    client = Client()
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies["sessionid"] = session.session_key
    before = session.session_key

    response = web_login(client, "duruan")

    assert response.status_code == 302 and response["Location"] == "/"
    after = client.cookies["sessionid"].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert UserSession.objects.filter(session_key=after, user__username="duruan").exists()
    assert events("accounts.login").filter(actor_name="duruan").count() == 1


def test_five_failures_lock_the_account_for_thirty_minutes_and_the_lock_is_audited(district):
    client = Client()
    for _ in range(5):
        response = web_login(client, "duruan", "wrong-password-1A")
        assert GENERIC in response.content.decode()
    assert AccountLock.objects.filter(username="duruan").exists()
    assert events("accounts.user.locked").count() == 1
    assert events("accounts.login_failed").count() == 5

    # Locked: even the right password is refused, with the same message.
    response = web_login(client, "duruan")
    assert response.status_code == 200 and GENERIC in response.content.decode()
    assert not logged_in(client)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        response = web_login(Client(), "duruan")
        assert response.status_code == 302


def test_four_failures_do_not_lock(district):
    client = Client()
    for _ in range(4):
        web_login(client, "duruan", "wrong-password-1A")
    assert web_login(client, "duruan").status_code == 302


def test_failures_older_than_the_window_do_not_count(district):
    start = timezone.now()
    client = Client()
    with time_machine.travel(start - dt.timedelta(minutes=20)):
        for _ in range(4):
            web_login(client, "duruan", "wrong-password-1A")
    web_login(client, "duruan", "wrong-password-1A")
    assert not AccountLock.objects.filter(username="duruan").exists()


def test_an_unknown_username_gets_the_same_message_and_the_same_lock(district):
    client = Client()
    known = web_login(client, "duruan", "wrong-password-1A").content.decode()
    unknown = web_login(client, "nobody-here", "wrong-password-1A").content.decode()
    assert GENERIC in known and GENERIC in unknown
    for _ in range(4):
        web_login(client, "nobody-here", "wrong-password-1A")
    assert AccountLock.objects.filter(username="nobody-here").exists()


def test_many_usernames_from_one_address_are_throttled_with_429(district):
    client = Client(REMOTE_ADDR="10.9.8.7")
    for i in range(10):
        web_login(client, f"guess{i}", "wrong-password-1A")
    response = web_login(client, "duruan")
    assert response.status_code == 429
    assert response["Retry-After"]
    assert not logged_in(client)
    # Another address is not affected.
    assert web_login(Client(REMOTE_ADDR="10.9.8.8"), "duruan").status_code == 302
    api = Client(REMOTE_ADDR="10.9.8.7")
    assert api.post(TOKEN, {"username": "duruan", "password": PASSWORD}).status_code == 429


def test_the_token_endpoint_counts_towards_the_same_lock(district):
    api = Client()
    for _ in range(3):
        assert api.post(TOKEN, {"username": "duruan", "password": "bad-Password-1"}).status_code == 400
    client = Client()
    for _ in range(2):
        web_login(client, "duruan", "bad-Password-1")
    response = api.post(TOKEN, {"username": "duruan", "password": PASSWORD})
    assert response.status_code == 400 and response.json() == {"detail": GENERIC}
    assert LoginAttempt.objects.filter(username="duruan", kind="token", success=False).count() == 3


def test_the_token_endpoint_issues_a_token_for_a_good_password(district):
    response = Client().post(TOKEN, {"username": "duruan", "password": PASSWORD})
    assert response.status_code == 200
    me = Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert me.json()["username"] == "duruan"


@pytest.fixture
def enrolled_admin(persona):
    admin = persona("admin")
    device = totp.start_enrolment(actor=admin)
    TotpDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    return admin, pyotp.TOTP(device.secret)


def test_the_token_endpoint_requires_the_second_factor_of_an_admin_and_a_code_works_once(enrolled_admin):
    admin, generator = enrolled_admin
    api = Client()
    missing = api.post(TOKEN, {"username": "admin", "password": PASSWORD})
    assert missing.status_code == 400 and "otp" in missing.json()
    wrong = api.post(TOKEN, {"username": "admin", "password": PASSWORD, "otp": "000000"})
    assert wrong.status_code == 400 and wrong.json() == {"detail": GENERIC}
    code = generator.now()
    assert api.post(TOKEN, {"username": "admin", "password": PASSWORD, "otp": code}).status_code == 200
    again = api.post(TOKEN, {"username": "admin", "password": PASSWORD, "otp": code})
    assert again.status_code == 400
    assert events("accounts.user.mfa_failed").count() == 2


def test_an_admin_without_a_second_factor_gets_no_token(persona):
    response = Client().post(TOKEN, {"username": "sysadmin", "password": PASSWORD, "otp": "123456"})
    assert response.status_code == 400


def test_a_user_who_must_change_the_password_gets_no_token(persona):
    services.reset_password(actor=persona("admin"), user=persona("duruan"), new_password="Fresh-Start-2026")
    response = Client().post(TOKEN, {"username": "duruan", "password": "Fresh-Start-2026"})
    assert response.status_code == 403


def test_an_administrator_unlocks_an_account_and_it_is_audited(district, persona):
    client = Client()
    for _ in range(5):
        web_login(client, "duruan", "wrong-password-1A")
    services.unlock_account(actor=persona("sysadmin"), user=persona("duruan"))
    assert events("accounts.user.unlocked").count() == 1
    assert web_login(Client(), "duruan").status_code == 302
    with pytest.raises(InvalidInput):
        services.unlock_account(actor=persona("sysadmin"), user=persona("duruan"))


def test_only_administrators_unlock(persona):
    with pytest.raises(NotAllowed):
        services.unlock_account(actor=persona("leader"), user=persona("duruan"))


def test_a_failed_login_record_holds_no_password(district):
    web_login(Client(), "duruan", "Secret-Guess-99")
    event = events("accounts.login_failed").get()
    assert "Secret-Guess-99" not in str(event.data)
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert event.ip == "127.0.0.1" and len(event.request_id) == 32


def test_old_attempts_and_expired_locks_are_pruned(district):
    from core.jobs import run_job

    client = Client()
    for _ in range(5):
        web_login(client, "duruan", "wrong-password-1A")
    assert run_job("accounts.prune_login_attempts", now=timezone.now()) == {"attempts": 0, "locks": 0}
    later = timezone.now() + dt.timedelta(days=2)
    assert run_job("accounts.prune_login_attempts", now=later) == {"attempts": 5, "locks": 1}
    assert not LoginAttempt.objects.exists()


def test_after_an_unlock_one_more_failure_does_not_lock_again(district, persona):
    client = Client()
    for _ in range(5):
        web_login(client, "duruan", "wrong-password-1A")
    services.unlock_account(actor=persona("secadmin"), user=persona("duruan"))
    web_login(client, "duruan", "wrong-password-1A")
    assert security.locked_until("duruan") is None
    assert web_login(client, "duruan").status_code == 302


def test_a_complete_login_clears_the_failure_count(district):
    for _ in range(4):
        web_login(Client(), "duruan", "wrong-password-1A")
    web_login(Client(), "duruan")
    web_login(Client(), "duruan", "wrong-password-1A")
    assert security.locked_until("duruan") is None


def test_a_right_password_does_not_reset_the_count_of_wrong_codes(enrolled_admin):
    for _ in range(2):
        client = Client()
        assert web_login(client, "admin")["Location"] == "/accounts/2fa/verify/"
        for _ in range(3):
            client.post("/accounts/2fa/verify/", {"code": "000000"})
    assert security.locked_until("admin") is not None
