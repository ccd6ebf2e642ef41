"""Sessions: timeouts, log-out-everywhere through the session index, cookies, CSRF (ASVS V3, MLPS 8.1.4.1)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, UserSession
from audit.models import AuditEvent

PASSWORD = "Redline@2026"


def login(username):
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def token_for(username):
    return Client().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}).json()["token"]


def is_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.mark.parametrize(("username", "minutes", "stays"), [("duruan", 29, True), ("duruan", 31, False)])
def test_idle_timeout_of_thirty_minutes(district, username, minutes, stays):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login(username)
    with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
        assert is_in(client) is stays


def test_administrators_time_out_after_fifteen_idle_minutes(persona, settings):
    settings.REDLINE_DEMO_MFA_EXEMPT = True  # the password step alone, to watch the clock
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login("admin")
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    event = AuditEvent.objects.get(action="accounts.session_expired")
    assert event.data == {"reason": "idle"}


def test_an_active_session_ends_after_twelve_hours(district):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = login("duruan")
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert is_in(client)
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        assert not is_in(client)
        assert client.get("/api/v1/me/").status_code in (401, 403)


def test_logout_ends_every_session_and_token_of_the_user(district):
    first, second = login("duruan"), login("duruan")
    token = token_for("duruan")
    other_user = login("baisha")
    first.post("/accounts/logout/")
    assert not is_in(first) and not is_in(second)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert is_in(other_user)
    assert not UserSession.objects.filter(user__username="duruan").exists()


def test_disabling_a_user_ends_their_sessions_and_tokens(persona):
    client = login("duruan")
    token_for("duruan")
    services.update_user(actor=persona("admin"), user=persona("duruan"), is_active=False)
    assert not is_in(client)
    assert not ApiToken.objects.filter(user__username="duruan").exists()


def test_changing_roles_ends_their_sessions(persona):
    client = login("inspector_duruan")
    services.update_user(
        actor=persona("admin"), user=persona("inspector_duruan"), roles={"inspector", "town_officer"}
    )
    assert not is_in(client)


def test_changing_the_own_password_ends_the_other_sessions_but_not_this_one(district):
    here, elsewhere = login("duruan"), login("duruan")
    token = token_for("duruan")
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Quite-New-Pass-7", "new_password2": "Quite-New-Pass-7"},
    )
    assert response.status_code == 302
    assert is_in(here) and not is_in(elsewhere)
    assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_an_admin_password_reset_ends_their_sessions(persona):
    client = login("duruan")
    services.reset_password(actor=persona("admin"), user=persona("duruan"), new_password="Reset-By-Admin-9")
    assert not is_in(client)


def test_ending_sessions_costs_the_same_however_many_other_sessions_exist(persona, django_assert_num_queries):
    from django.contrib.sessions.backends.db import SessionStore

    for _ in range(30):
        store = SessionStore()
        store["_auth_user_id"] = str(persona("baisha").pk)
        store.create()
    login("duruan")
    login("duruan")
    user = persona("duruan")
    with django_assert_num_queries(4):
        services.end_sessions(user)
    assert Session.objects.count() >= 30


def test_production_cookies_are_secure_httponly_and_samesite():
    import redline.settings as production

    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert production.CSRF_COOKIE_SAMESITE in ("Lax", "Strict")
    assert production.SESSION_COOKIE_AGE == 12 * 3600
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_session_cookie_is_httponly(district):
    client = Client()
    client.post("/accounts/login/", {"username": "duruan", "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_refused_own_password_change_answers_400_and_changes_nothing(persona):
    client = login("duruan")
    weak = {"old_password": PASSWORD, "new_password1": "1234567890", "new_password2": "1234567890"}
    response = client.post("/accounts/password/", weak)
    assert response.status_code == 400 and response.context["form"].errors["new_password1"]
    wrong_old = {
        "old_password": "not-it",
        "new_password1": "Quite-New-Pass-7",
        "new_password2": "Quite-New-Pass-7",
    }
    assert client.post("/accounts/password/", wrong_old).status_code == 400
    assert persona("duruan").check_password(PASSWORD)
