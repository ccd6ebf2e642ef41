"""Password policy (MLPS 8.1.4.1 a with ASVS V2.1's length and blocklist), expiry, reset links."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import PasswordHistory, User
from audit.models import AuditEvent
from core.errors import InvalidInput

PASSWORD = "Redline@2026"


def errors_for(password, user=None):
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        return [e.code for e in exc.error_list]
    return []


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),
        ("abcdefghij12", "password_classes"),  # two classes only
        ("Password123", "password_too_common"),
        ("x" * 129, "password_too_long"),
    ],
)
def test_weak_passwords_are_refused(db, password, code):
    assert code in errors_for(password)


@pytest.mark.parametrize(
    "password",
    [
        "Kite-River-42",  # 10+ characters, four classes
        "kite river moon lantern",  # a 20+ character passphrase needs no class mix
        "correct horse battery staple and a long quiet river under a moon",  # 64 characters
    ],
)
def test_good_passwords_and_long_passphrases_are_accepted(db, password):
    assert errors_for(password) == []


def test_a_64_character_passphrase_is_accepted(db):
    phrase = "the slow river carries lanterns past the old bridge every night!"
    assert len(phrase) == 64
    assert errors_for(phrase) == []


def test_the_password_must_not_contain_the_username_or_phone(persona):
    user = persona("duruan")
    assert "password_username" in errors_for("Duruan-Strong-9", user)
    assert "password_phone" in errors_for(f"Pw!{user.phone}x", user)


def test_the_last_five_passwords_cannot_be_reused(persona):
    admin, user = persona("admin"), persona("duruan")
    passwords = [f"Rotation-{n}-Pass!" for n in range(6)]
    for password in passwords:
        services.reset_password(actor=admin, user=user, new_password=password)
    user.refresh_from_db()
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for recent in passwords[1:]:
        with pytest.raises(InvalidInput):
            services.reset_password(actor=admin, user=user, new_password=recent)
    services.reset_password(actor=admin, user=user, new_password=passwords[0])  # six back: allowed


def test_a_privileged_password_older_than_90_days_must_be_changed(persona, as_user):
    User.objects.filter(username__in=["admin", "leader"]).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    assert as_user("admin").get("/")["Location"] == "/accounts/password/"
    assert as_user("leader").get("/").status_code == 200  # not a privileged role


def test_the_first_login_after_an_admin_reset_forces_a_change(persona):
    services.reset_password(actor=persona("admin"), user=persona("duruan"), new_password="Temporary-Pass-1")
    client = Client()
    client.post("/accounts/login/", {"username": "duruan", "password": "Temporary-Pass-1"})
    assert client.get("/")["Location"] == "/accounts/password/"
    client.post(
        "/accounts/password/",
        {
            "old_password": "Temporary-Pass-1",
            "new_password1": "Own-Choice-Pass-2",
            "new_password2": "Own-Choice-Pass-2",
        },
    )
    assert client.get("/").status_code == 200


def _link_from_mail() -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body).group(1)


def test_a_reset_link_works_once(persona):
    User.objects.filter(username="duruan").update(email="duruan@example.org")
    response = Client().post("/accounts/password/reset/", {"username": "duruan"})
    assert response.status_code == 200 and len(mail.outbox) == 1
    link = _link_from_mail()
    assert Client().get(link).status_code == 200
    done = Client().post(link, {"new_password1": "Linked-Pass-33", "new_password2": "Linked-Pass-33"})
    assert done["Location"] == "/accounts/login/"
    assert User.objects.get(username="duruan").check_password("Linked-Pass-33")
    again = Client().post(link, {"new_password1": "Second-Try-44", "new_password2": "Second-Try-44"})
    assert again.status_code == 400
    assert AuditEvent.objects.filter(action="accounts.user.password_reset_by_link").count() == 1


def test_a_reset_link_expires(persona, settings):
    User.objects.filter(username="duruan").update(email="duruan@example.org")
    Client().post("/accounts/password/reset/", {"username": "duruan"})
    link = _link_from_mail()
    # Local time (the token generator reads naive local time; time-machine mocks the zone it is given).
    later = timezone.localtime() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        assert Client().get(link).status_code == 400


def test_the_reset_form_answers_the_same_for_unknown_users(persona):
    known = Client().post("/accounts/password/reset/", {"username": "duruan"})  # no email on file
    unknown = Client().post("/accounts/password/reset/", {"username": "nobody"})
    assert known.status_code == unknown.status_code == 200
    assert 'data-testid="reset-sent"' in known.content.decode()
    assert 'data-testid="reset-sent"' in unknown.content.decode()
    assert mail.outbox == []


def test_a_forged_link_is_refused(persona):
    assert Client().get("/accounts/password/reset/MQ/abc-def/").status_code == 400
