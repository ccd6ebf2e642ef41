"""The SM suite without a keyring (GB/T 39786-2021 key management): its SM4 and HMAC-SM3 keys would be
derived from SECRET_KEY with HKDF-SHA256. Production refuses to start that way; DEBUG warns; the crypto
report says so."""

import json
from io import StringIO

import pytest
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core.keys import new_key_b64


def _messages() -> dict[str, checks.CheckMessage]:
    return {m.id: m for m in checks.run_checks(tags=[checks.Tags.security]) if m.id.startswith("core.")}


def test_production_refuses_the_sm_suite_without_a_keyring(settings):
    settings.DEBUG = False
    settings.CRYPTO_SUITE = "sm"
    settings.CRYPTO_KEYRING_FILE = ""
    settings.CRYPTO_KEY_PROVIDER = ""
    error = _messages()["core.E101"]
    assert error.level == checks.ERROR
    assert "SECRET_KEY with HKDF-SHA256" in error.msg and "CRYPTO_KEYRING_FILE" in error.hint
    with pytest.raises(SystemCheckError, match="core.E101"):
        call_command("check")


def test_with_debug_on_it_is_a_warning_naming_the_legacy_root(settings):
    settings.DEBUG = True
    settings.CRYPTO_SUITE = "sm"
    settings.CRYPTO_KEYRING_FILE = ""
    settings.CRYPTO_KEY_PROVIDER = ""
    settings.FIELD_ENCRYPTION_KEY = new_key_b64()
    messages = _messages()
    assert "core.E101" not in messages
    assert messages["core.W101"].level == checks.WARNING
    assert "FIELD_ENCRYPTION_KEY with HKDF-SHA256" in messages["core.W101"].msg


def test_a_keyring_or_the_international_suite_passes(settings, tmp_path):
    settings.DEBUG = False
    settings.CRYPTO_SUITE = "intl"
    assert not _messages()
    keyring = tmp_path / "keyring.json"
    key = new_key_b64()
    keyring.write_text(json.dumps({"current": "2026-12", "keys": {"2026-12": key}, "index": "2026-12"}))
    settings.CRYPTO_SUITE = "sm"
    settings.CRYPTO_KEYRING_FILE = str(keyring)
    assert not _messages()
    call_command("check")  # no SystemCheckError


def test_a_keyring_without_an_index_root_warns_that_the_index_key_comes_from_the_legacy_root(
    settings, tmp_path
):
    settings.DEBUG = False
    settings.CRYPTO_SUITE = "sm"
    keyring = tmp_path / "keyring-no-index.json"
    keyring.write_text(json.dumps({"current": "2026-12", "keys": {"2026-12": new_key_b64()}}))
    settings.CRYPTO_KEYRING_FILE = str(keyring)
    messages = _messages()
    assert set(messages) == {"core.W102"} and messages["core.W102"].level == checks.WARNING
    assert "HMAC-SM3" in messages["core.W102"].msg and '"index"' in messages["core.W102"].hint
    call_command("check")  # a warning: existing deployments still start


@pytest.mark.django_db
def test_the_crypto_report_states_the_missing_keyring_loudly(settings):
    settings.CRYPTO_SUITE = "sm"
    settings.CRYPTO_KEYRING_FILE = ""
    settings.CRYPTO_KEY_PROVIDER = ""
    out = StringIO()
    call_command("crypto_report", "--json", stdout=out)
    [warning] = json.loads(out.getvalue())["warnings"]
    assert "without CRYPTO_KEYRING_FILE or CRYPTO_KEY_PROVIDER" in warning
    err = StringIO()
    call_command("crypto_report", stdout=StringIO(), stderr=err)
    assert err.getvalue().startswith("WARNING: CRYPTO_SUITE=sm")
    settings.CRYPTO_SUITE = "intl"
    out = StringIO()
    call_command("crypto_report", "--json", stdout=out)
    assert json.loads(out.getvalue())["warnings"] == []
