"""Commercial cryptography (GB/T 39786-2021): the SM suite as a configuration (SM4-GCM for personal data,
HMAC-SM3 for the audit chain and the evidence), a key hierarchy from a file or a KMS (never the
database), rotation, and `manage.py crypto_report`."""

import base64
import json
import os
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from attachments.management.commands.evidence_check import check_evidence
from attachments.services import store_attachment
from audit.integrity import verify
from audit.services import record
from core import crypto
from hazards.tests.helpers import pdf_bytes

ID_NUMBER = "11010519491231002X"
KEY_1 = base64.b64encode(os.urandom(32)).decode()
KEY_2 = base64.b64encode(os.urandom(32)).decode()


def fake_kms():
    """A KMS-backed provider: returns the unwrapped root keys (held in memory only)."""
    return {"current": "kms-2026", "keys": {"kms-2026": KEY_1}}


def _raw(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM accounts_user WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def _keyring(tmp_path, current, index=None, **keys_):
    path = tmp_path / "keyring.json"
    path.write_text(json.dumps({"current": current, "keys": keys_, **({"index": index} if index else {})}))
    return str(path)


def _report() -> dict:
    out = StringIO()
    call_command("crypto_report", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_sm_suite_switches_every_algorithm_and_old_values_still_read(persona, settings):
    user = persona("duruan")
    user.id_number = ID_NUMBER
    user.save()
    assert _raw(user.pk).startswith("aes-gcm$")
    settings.CRYPTO_SUITE = "sm"
    assert User.objects.get(pk=user.pk).id_number == ID_NUMBER  # written under AES: still read
    assert User.objects.with_id_number(ID_NUMBER).get() == user  # index written under HMAC-SHA256
    other = persona("baisha")
    other.id_number = "440703199001011234"
    other.save()
    assert _raw(other.pk).startswith("sm4-gcm$")
    assert User.objects.with_id_number("440703199001011234").get() == other  # index under HMAC-SM3
    event = record(other, "accounts.user.updated", actor=persona("admin"))
    assert event.mac_algorithm == "hmac-sm3"
    stored = store_attachment(actor=persona("duruan"), upload=SimpleUploadedFile("a.pdf", pdf_bytes()))
    assert stored.mac_algorithm == "hmac-sm3" and len(stored.evidence_mac) == 64
    assert verify().ok
    report = _report()
    assert report["suite"] == "sm" and report["keys_in_database"] is False
    algorithms = {row["protects"].split(" (")[0]: row["algorithm"] for row in report["rows"]}
    assert algorithms["accounts.User.id_number"] == "SM4-GCM"
    assert algorithms["audit trail"] == "SHA-256 chain + HMAC-SM3"
    assert algorithms["evidence files"] == "SHA-256 + HMAC-SM3"
    assert algorithms["equality search of encrypted ID numbers"] == "HMAC-SM3"
    row = next(r for r in report["rows"] if r["protects"].startswith("accounts.User.id_number"))
    assert row["stored"] == {"aes-gcm / legacy": 1, "sm4-gcm / legacy": 1}


def test_rotation_to_a_new_root_key_from_the_keyring_file(persona, settings, tmp_path):
    user = persona("duruan")
    settings.CRYPTO_SUITE = "sm"
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k1", k1=KEY_1)
    user.id_number = ID_NUMBER
    user.save()
    assert _raw(user.pk).startswith("sm4-gcm:k1$")
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path / "..", "k2", k1=KEY_1, k2=KEY_2)
    assert User.objects.get(pk=user.pk).id_number == ID_NUMBER  # k1 still in the ring
    out = StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "accounts.User.id_number" in out.getvalue()
    assert _raw(user.pk).startswith("sm4-gcm:k2$")
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k2", k2=KEY_2)  # k1 retired
    assert User.objects.get(pk=user.pk).id_number == ID_NUMBER
    assert User.objects.with_id_number(ID_NUMBER).get() == user


def test_the_id_number_index_moves_to_its_pinned_sm_root_and_stays_through_rotations(
    persona, settings, tmp_path
):
    """The search index's HMAC-SM3 key comes from the keyring's pinned "index" root (HKDF-SM3), not from
    the legacy root: rows indexed before are still found, `rotate_field_keys` rewrites them, and a new
    current root leaves the index as it is."""
    from core import keys

    user = persona("duruan")
    settings.CRYPTO_SUITE = "sm"
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k1", k1=KEY_1)
    user.id_number = ID_NUMBER
    user.save()
    legacy = User.objects.values_list("id_number_digest", flat=True).get(pk=user.pk)
    assert legacy == crypto.blind_index(ID_NUMBER, purpose="id_number", key_id=keys.LEGACY)
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k1", index="k1", k1=KEY_1)
    pinned = crypto.blind_index(ID_NUMBER, purpose="id_number")
    assert pinned != legacy
    assert User.objects.with_id_number(ID_NUMBER).get() == user  # found under the legacy index meanwhile
    call_command("rotate_field_keys", stdout=StringIO())
    assert User.objects.values_list("id_number_digest", flat=True).get(pk=user.pk) == pinned
    assert User.objects.with_id_number(ID_NUMBER).get() == user
    assert "pinned root 'k1' (HKDF-SM3)" in str(_report()["rows"])
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k2", index="k1", k1=KEY_1, k2=KEY_2)
    call_command("rotate_field_keys", stdout=StringIO())
    assert User.objects.values_list("id_number_digest", flat=True).get(pk=user.pk) == pinned
    assert _raw(user.pk).startswith("sm4-gcm:k2$")
    assert User.objects.with_id_number(ID_NUMBER).get() == user


def test_an_index_root_outside_the_keyring_is_refused(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k1", index="k9", k1=KEY_1)
    with pytest.raises(ImproperlyConfigured, match="index key"):
        crypto.blind_index(ID_NUMBER, purpose="id_number")


def test_a_kms_provider_supplies_the_root_keys(persona, settings):
    settings.CRYPTO_KEY_PROVIDER = "core.tests.test_crypto_suite.fake_kms"
    user = persona("duruan")
    user.id_number = ID_NUMBER
    user.save()
    assert _raw(user.pk).startswith("aes-gcm:kms-2026$")
    report = _report()
    assert report["key_source"] == "provider core.tests.test_crypto_suite.fake_kms"
    assert report["current_root_key"] == "kms-2026"
    with connection.cursor() as cursor:  # the root key is nowhere in the database
        for table in ("accounts_user", "audit_auditevent", "core_systemsetting"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            assert KEY_1 not in str(cursor.fetchall())


def test_evidence_rewritten_with_its_sha256_is_caught_by_the_mac(persona, settings):
    import hashlib

    stored = store_attachment(actor=persona("duruan"), upload=SimpleUploadedFile("a.pdf", pdf_bytes()))
    forged = pdf_bytes() + b"\n% forged\n"
    with stored.file.open("wb") as handle:
        handle.write(forged)
    type(stored).objects.filter(pk=stored.pk).update(
        sha256=hashlib.sha256(forged).hexdigest(), served_sha256=hashlib.sha256(forged).hexdigest()
    )
    assert check_evidence()["changed"] == [stored.pk]


def test_a_bad_keyring_is_refused(settings, tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k9", k1=KEY_1)
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt_text("x")
    settings.CRYPTO_KEYRING_FILE = _keyring(tmp_path, "k1", k1=base64.b64encode(b"short").decode())
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt_text("x")
