"""Field encryption behind one cipher interface (AES-GCM, SM4 pluggable), keyed search, and the resident
ID number of users (R-REG-3, PIPL)."""

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from accounts import services
from accounts.models import User
from audit.models import AuditEvent
from core import crypto
from core.errors import InvalidInput, NotAllowed

ID_NUMBER = "11010519491231002X"  # the GB 11643 example number, valid check digit


@given(st.text(max_size=200))
def test_any_text_round_trips(value):
    assert crypto.decrypt_text(crypto.encrypt_text(value)) == value


def test_equal_values_encrypt_differently_and_carry_the_cipher_name():
    first, second = crypto.encrypt_text("secret"), crypto.encrypt_text("secret")
    assert first != second and first.startswith("aes-gcm$")
    assert "secret" not in first


def test_a_changed_ciphertext_is_refused():
    stored = crypto.encrypt_text("110105194912310021")
    name, body = stored.split("$")
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(f"{name}${flipped}")


def test_the_context_binds_a_value_to_its_column():
    stored = crypto.encrypt_text("x", context="accounts.user")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(stored, context="accounts.totp")


def test_sm4_plugs_in_by_setting_and_old_values_still_decrypt(settings):
    old = crypto.encrypt_text("before the switch")
    settings.FIELD_ENCRYPTION_CIPHER = "sm4-gcm"
    new = crypto.encrypt_text("after the switch")
    assert new.startswith("sm4-gcm$")
    assert crypto.decrypt_text(new) == "after the switch"
    assert crypto.decrypt_text(old) == "before the switch"


def test_a_new_cipher_registers_without_touching_callers(settings):
    @crypto.register_cipher
    class Reversed(crypto.FieldCipher):  # a stand-in for an HSM-backed cipher
        name = "test-reversed"

        def encrypt(self, plaintext, associated_data=None):
            return plaintext[::-1]

        def decrypt(self, payload, associated_data=None):
            return payload[::-1]

    try:
        settings.FIELD_ENCRYPTION_CIPHER = "test-reversed"
        assert crypto.decrypt_text(crypto.encrypt_text("abc")) == "abc"
    finally:
        crypto.CIPHERS.pop("test-reversed")


def test_a_configured_key_replaces_the_derived_one(settings):
    import base64
    import os

    derived = crypto.encrypt_text("v")
    settings.FIELD_ENCRYPTION_KEY = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_text(derived)
    assert crypto.decrypt_text(crypto.encrypt_text("v")) == "v"


def test_the_blind_index_is_keyed_and_stable(settings):
    first = crypto.blind_index(ID_NUMBER, purpose="id_number")
    assert first == crypto.blind_index(ID_NUMBER, purpose="id_number")
    assert first != crypto.blind_index(ID_NUMBER, purpose="other")
    import hashlib

    assert first != hashlib.sha256(ID_NUMBER.encode()).hexdigest()  # not guessable without the key


def test_a_user_id_number_is_stored_encrypted_and_found_by_its_keyed_hash(persona):
    services.update_user(
        actor=persona("admin"), user=persona("inspector_duruan"), id_number=ID_NUMBER.lower()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_digest FROM accounts_user WHERE username = 'inspector_duruan'"
        )
        stored, digest = cursor.fetchone()
    assert ID_NUMBER not in stored and ID_NUMBER[:6] not in stored
    assert digest == crypto.blind_index(ID_NUMBER, purpose="id_number")
    assert User.objects.get(username="inspector_duruan").id_number == ID_NUMBER
    assert list(User.objects.with_id_number(ID_NUMBER.lower())) == [persona("inspector_duruan")]
    assert persona("inspector_duruan").masked_id_number == "1101**********002X"
    event = AuditEvent.objects.filter(action="accounts.user.updated").latest("id")
    assert ID_NUMBER not in str(event.data)


def test_an_invalid_id_number_is_refused(persona):
    with pytest.raises(InvalidInput) as caught:
        services.update_user(
            actor=persona("admin"), user=persona("inspector_duruan"), id_number="110105194912310021"
        )
    assert "id_number" in caught.value.errors


def test_the_id_number_field_validates(db):
    from accounts.forms import IdNumberField

    field = IdNumberField()
    assert field.clean(" 11010519491231002x ") == ID_NUMBER
    assert field.clean("") == ""
    with pytest.raises(Exception):  # noqa: B017 - Django's ValidationError
        field.clean("123")


@pytest.fixture
def inspector_with_number(persona):
    services.update_user(actor=persona("admin"), user=persona("inspector_duruan"), id_number=ID_NUMBER)
    return persona("inspector_duruan")


def test_show_full_number_needs_a_reason_and_is_audited(as_user, inspector_with_number):
    client = as_user("admin")
    url = f"/accounts/users/{inspector_with_number.pk}/id-number/"
    page = client.get(url)
    assert page.status_code == 200 and ID_NUMBER not in page.content.decode()
    assert "1101**********002X" in page.content.decode()
    refused = client.post(url, {"reason": ""})
    assert ID_NUMBER not in refused.content.decode()
    shown = client.post(url, {"reason": "Identity check for the Duruan field inspection"})
    assert ID_NUMBER in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="accounts.user.id_number_revealed")
    assert event.actor_name == "admin" and event.target_id == inspector_with_number.pk
    assert event.data == {"reason": "Identity check for the Duruan field inspection"}


def test_show_full_number_through_the_api(api_as, inspector_with_number):
    url = f"/api/v1/users/{inspector_with_number.pk}/id-number/reveal/"
    assert api_as("admin").post(url, {}, format="json").status_code == 400
    response = api_as("admin").post(url, {"reason": "Identity check"}, format="json")
    assert response.json() == {"id_number": ID_NUMBER}


@pytest.mark.parametrize("username", ["leader", "duruan", "baisha", "auditadmin", "ent_duruan"])
def test_roles_without_the_need_cannot_see_the_number(as_user, api_as, inspector_with_number, username):
    url = f"/accounts/users/{inspector_with_number.pk}/id-number/"
    assert as_user(username).get(url).status_code == 404
    api = f"/api/v1/users/{inspector_with_number.pk}/id-number/reveal/"
    assert api_as(username).post(api, {"reason": "curious"}, format="json").status_code == 404
    assert not AuditEvent.objects.filter(action="accounts.user.id_number_revealed").exists()


def test_users_see_their_own_number(as_user, inspector_with_number):
    response = as_user("inspector_duruan").post(
        f"/accounts/users/{inspector_with_number.pk}/id-number/", {"reason": "checking my record"}
    )
    assert ID_NUMBER in response.content.decode()


def test_reveal_refuses_a_role_without_the_need_at_the_service(persona, inspector_with_number):
    with pytest.raises(NotAllowed):
        services.reveal_id_number(actor=persona("leader"), user=inspector_with_number, reason="just because")
