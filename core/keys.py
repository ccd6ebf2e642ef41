"""The key hierarchy (GB/T 39786-2021 application and data layer; README "Security", "Keys").

    root keys (outside the database)                         purpose keys (derived, never stored)
    ─ CRYPTO_KEY_PROVIDER: a KMS-backed provider, or   ──HKDF──▶ field encryption (per root key id)
    ─ CRYPTO_KEYRING_FILE: {"current": id, "keys": {id: b64}}    audit chain MAC (per root key id)
      (and "index": id, the search index's root)                 evidence MAC (per root key id)
    ─ "legacy": FIELD_ENCRYPTION_KEY, else SECRET_KEY            search index (the "index" root, else legacy)

Every value, audit event and evidence MAC names the root key id it was made with, so a new current key
(rotation) leaves older data readable and verifiable while the old root stays in the keyring;
`manage.py rotate_field_keys` re-encrypts the personal data under the current one, after which the old
root may leave the keyring. The derivation hash follows the algorithm it serves (HKDF-SM3 for SM4 and
HMAC-SM3, HKDF-SHA256 otherwise); the legacy root keeps HKDF-SHA256 with its original labels, so values
written before the keyring existed still decrypt.

The SM suite needs a keyring (`keyring_problem`): without one, its SM4 and HMAC-SM3 keys would come from the
legacy root through HKDF-SHA256, which is not a key hierarchy an assessor accepts. In production
(DEBUG=false) that is a system check error, so `check --deploy`, `migrate` and the release step refuse to
start; with DEBUG on it is a warning, and `crypto_report` states it either way.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

LEGACY = "legacy"
KEY_ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")
SUITES = ("intl", "sm")


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, bytes]
    source: str  # "provider <path>", "file <path>", "FIELD_ENCRYPTION_KEY" or "SECRET_KEY"
    # The root of the search indexes: pinned, because an index must not change when a new root becomes
    # current (a lookup would stop finding older rows); the legacy root when the keyring names none.
    index: str = LEGACY

    def root(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError as exc:
            raise ImproperlyConfigured(f"Root key {key_id!r} is not in the keyring ({self.source}).") from exc


def suite() -> str:
    value = getattr(settings, "CRYPTO_SUITE", "intl") or "intl"
    if value not in SUITES:
        raise ImproperlyConfigured(f"CRYPTO_SUITE must be one of {SUITES}, not {value!r}.")
    return value


def _legacy_root() -> tuple[bytes, str]:
    configured = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    if configured:
        try:
            master = base64.b64decode(configured, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be base64 (32 random bytes).") from exc
        if len(master) < 32:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must hold at least 32 bytes.")
        return master, "FIELD_ENCRYPTION_KEY"
    return settings.SECRET_KEY.encode(), "SECRET_KEY"


def _parse_keyring(data: dict, source: str) -> tuple[str, dict[str, bytes], str]:
    try:
        current = str(data["current"])
        raw = dict(data["keys"])
        index = str(data.get("index") or LEGACY)
    except (KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"{source}: a keyring is {{'current': id, 'keys': {{id: base64}}}}."
        ) from exc
    keys = {}
    for key_id, value in raw.items():
        if not KEY_ID.match(key_id) or key_id == LEGACY:
            raise ImproperlyConfigured(f"{source}: key id {key_id!r} is not allowed.")
        try:
            key = base64.b64decode(value, validate=True)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{source}: key {key_id!r} is not base64.") from exc
        if len(key) < 32:
            raise ImproperlyConfigured(f"{source}: key {key_id!r} must hold at least 32 bytes.")
        keys[key_id] = key
    if current not in keys:
        raise ImproperlyConfigured(f"{source}: the current key {current!r} is not among its keys.")
    if index != LEGACY and index not in keys:
        raise ImproperlyConfigured(f"{source}: the index key {index!r} is not among its keys.")
    return current, keys, index


def _fingerprint() -> tuple:
    path = getattr(settings, "CRYPTO_KEYRING_FILE", "")
    stat = Path(path).stat() if path and Path(path).exists() else None
    mtime = (stat.st_mtime_ns, stat.st_size) if stat else 0
    material = (getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY).encode()
    return (
        getattr(settings, "CRYPTO_KEY_PROVIDER", ""),
        path,
        mtime,
        hashlib.sha256(material).hexdigest()[:16],
    )


@lru_cache(maxsize=4)
def _keyring(fingerprint: tuple) -> Keyring:
    provider_path, file_path, _mtime, _material = fingerprint
    legacy, legacy_source = _legacy_root()
    if provider_path:
        # A KMS-backed provider: a callable returning {"current": id, "keys": {id: base64}}; the keys are
        # fetched (unwrapped) at start and held in memory only.
        current, keys, index = _parse_keyring(import_string(provider_path)(), f"provider {provider_path}")
        source = f"provider {provider_path}"
    elif file_path:
        try:
            data = json.loads(Path(file_path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ImproperlyConfigured(f"CRYPTO_KEYRING_FILE {file_path} cannot be read: {exc}") from exc
        current, keys, index = _parse_keyring(data, f"file {file_path}")
        source = f"file {file_path}"
    else:
        return Keyring(current=LEGACY, keys={LEGACY: legacy}, source=legacy_source)
    return Keyring(current=current, keys={LEGACY: legacy, **keys}, source=source, index=index)


def keyring() -> Keyring:
    return _keyring(_fingerprint())


def derive(label: bytes, *, key_id: str | None = None, sm: bool = False, length: int = 32) -> bytes:
    """A purpose key under one root key. The legacy root keeps the original derivation (HKDF-SHA256,
    salt "redline") so existing values stay readable; keyring roots use HKDF-SM3 for the SM algorithms."""
    fingerprint = _fingerprint()
    return _derived(fingerprint, label, key_id or _keyring(fingerprint).current, sm, length)


@lru_cache(maxsize=64)
def _derived(fingerprint: tuple, label: bytes, key_id: str, sm: bool, length: int) -> bytes:
    # Cached per keyring: every audit event and upload derives its MAC key.
    root = _keyring(fingerprint).root(key_id)
    algorithm = hashes.SM3() if sm and key_id != LEGACY else hashes.SHA256()
    return HKDF(algorithm=algorithm, length=length, salt=b"redline", info=label).derive(root)


def new_key_b64() -> str:
    import os

    return base64.b64encode(os.urandom(32)).decode("ascii")


def index_problem() -> str:
    """Under the SM suite with a keyring, why the search index is not keyed from it (no "index" root), or
    "": its HMAC-SM3 key would still come from the legacy root through HKDF-SHA256."""
    if suite() != "sm" or keyring_problem() or keyring().index != LEGACY:
        return ""
    return (
        f'The keyring names no "index" root: the HMAC-SM3 key of the ID-number search index is derived from '
        f"{_legacy_name()} with HKDF-SHA256 instead of from a managed SM root key."
    )


def _legacy_name() -> str:
    return "FIELD_ENCRYPTION_KEY" if getattr(settings, "FIELD_ENCRYPTION_KEY", "") else "SECRET_KEY"


def keyring_problem() -> str:
    """Why the configured keys do not fit the suite (the SM suite with only the legacy root), or ""."""
    if (
        suite() != "sm"
        or getattr(settings, "CRYPTO_KEY_PROVIDER", "")
        or getattr(settings, "CRYPTO_KEYRING_FILE", "")
    ):
        return ""
    source = _legacy_name()
    return (
        f"CRYPTO_SUITE=sm without CRYPTO_KEYRING_FILE or CRYPTO_KEY_PROVIDER: the SM4 and HMAC-SM3 keys would "
        f"be derived from {source} with HKDF-SHA256 instead of from a managed SM root key."
    )


@checks.register(checks.Tags.security)
def check_sm_keyring(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problem = keyring_problem()
    if not problem:
        return []
    hint = (
        "Create a keyring (manage.py shell -c 'from core.keys import new_key_b64; print(new_key_b64())' gives "
        'a key; the file is {"current": "<id>", "keys": {"<id>": "<base64>"}}, kept outside the database) '
        "and set CRYPTO_KEYRING_FILE, or name a KMS-backed provider in CRYPTO_KEY_PROVIDER."
    )
    if settings.DEBUG:
        return [checks.Warning(problem, hint=hint, id="core.W101")]
    return [checks.Error(problem + " Refused in production (DEBUG=false).", hint=hint, id="core.E101")]


@checks.register(checks.Tags.security)
def check_sm_index_root(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    problem = index_problem()
    if not problem:
        return []
    hint = (
        'Add a new root key to the keyring and name it: {"current": …, "keys": {…, "<id>": "<base64>"}, '
        '"index": "<id>"}; then run manage.py rotate_field_keys, which rewrites the index under it (lookups '
        "find rows under either key meanwhile). Keep that root in the keyring for as long as the index exists."
    )
    return [checks.Warning(problem, hint=hint, id="core.W102")]
