"""Field encryption behind one cipher interface, and keyed hashes to search encrypted values (R-REG-3, PIPL).

A stored value reads ``<cipher>$<base64 of nonce + ciphertext + tag>``: the cipher name travels with the
value, so a district that must use SM4 (GB/T 32907) switches ``FIELD_ENCRYPTION_CIPHER`` and old values
still decrypt. Keys: ``FIELD_ENCRYPTION_KEY`` (32 random bytes, base64) or, when unset, derived from
``SECRET_KEY`` with HKDF-SHA256; the search index uses its own derived key, never the encryption key.
"""

from __future__ import annotations

import abc
import base64
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher as _Cipher
from cryptography.hazmat.primitives.ciphers import algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """The value was altered, or was written under another key."""


class FieldCipher(abc.ABC):
    """One authenticated cipher: `encrypt(bytes) -> bytes` (nonce ‖ ciphertext ‖ tag) and back."""

    name = ""

    def __init__(self, key: bytes) -> None:
        self.key = key

    @abc.abstractmethod
    def encrypt(self, plaintext: bytes, associated_data: bytes | None = None) -> bytes: ...

    @abc.abstractmethod
    def decrypt(self, payload: bytes, associated_data: bytes | None = None) -> bytes: ...


class AesGcmCipher(FieldCipher):
    name = "aes-gcm"

    def encrypt(self, plaintext, associated_data=None):
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, plaintext, associated_data)

    def decrypt(self, payload, associated_data=None):
        try:
            return AESGCM(self.key).decrypt(payload[:NONCE_BYTES], payload[NONCE_BYTES:], associated_data)
        except InvalidTag as exc:
            raise DecryptionError("AES-GCM authentication failed") from exc


class Sm4GcmCipher(FieldCipher):
    """SM4 (GB/T 32907-2016) in GCM mode, for deployments that must use the national algorithms."""

    name = "sm4-gcm"

    def encrypt(self, plaintext, associated_data=None):
        nonce = os.urandom(NONCE_BYTES)
        encryptor = _Cipher(algorithms.SM4(self.key[:16]), modes.GCM(nonce)).encryptor()
        if associated_data:
            encryptor.authenticate_additional_data(associated_data)
        body = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + body + encryptor.tag

    def decrypt(self, payload, associated_data=None):
        nonce, body, tag = payload[:NONCE_BYTES], payload[NONCE_BYTES:-TAG_BYTES], payload[-TAG_BYTES:]
        decryptor = _Cipher(algorithms.SM4(self.key[:16]), modes.GCM(nonce, tag)).decryptor()
        if associated_data:
            decryptor.authenticate_additional_data(associated_data)
        try:
            return decryptor.update(body) + decryptor.finalize()
        except InvalidTag as exc:
            raise DecryptionError("SM4-GCM authentication failed") from exc


CIPHERS: dict[str, type[FieldCipher]] = {}


def register_cipher(cls: type[FieldCipher]) -> type[FieldCipher]:
    """Plug a cipher in (e.g. one backed by a hardware security module); usable as a class decorator."""
    CIPHERS[cls.name] = cls
    return cls


register_cipher(AesGcmCipher)
register_cipher(Sm4GcmCipher)


def _derive(label: bytes, *, key_id: str | None = None, sm: bool = False) -> bytes:
    """A purpose key from the key hierarchy (core.keys): the legacy root unless a keyring is set."""
    from core import keys

    return keys.derive(label, key_id=key_id or keys.LEGACY, sm=sm)


@lru_cache(maxsize=16)
def _cipher(name: str, key_id: str, key_fingerprint: tuple) -> FieldCipher:
    try:
        cls = CIPHERS[name]
    except KeyError as exc:
        raise ImproperlyConfigured(f"Unknown field cipher {name!r}; known: {sorted(CIPHERS)}") from exc
    return cls(_derive(b"redline field encryption", key_id=key_id, sm=name == Sm4GcmCipher.name))


def _key_fingerprint() -> tuple:
    # Part of the cache key, so a test that overrides a key or the keyring gets a fresh cipher.
    from core import keys

    return keys._fingerprint()


def field_cipher_name() -> str:
    """The cipher new values are written with: SM4-GCM whenever the SM suite is on."""
    from core import keys

    if keys.suite() == "sm":
        return Sm4GcmCipher.name
    return getattr(settings, "FIELD_ENCRYPTION_CIPHER", AesGcmCipher.name)


def cipher(name: str | None = None, key_id: str | None = None) -> FieldCipher:
    from core import keys

    return _cipher(name or field_cipher_name(), key_id or keys.keyring().current, _key_fingerprint())


def _header(name: str, key_id: str) -> str:
    from core import keys

    # Values under the legacy root keep the original "<cipher>$" form.
    return name if key_id == keys.LEGACY else f"{name}:{key_id}"


def encrypt_text(value: str, *, context: str = "") -> str:
    if value == "":
        return ""
    from core import keys

    key_id = keys.keyring().current
    current = cipher(key_id=key_id)
    payload = current.encrypt(value.encode("utf-8"), context.encode() or None)
    return f"{_header(current.name, key_id)}${base64.b64encode(payload).decode('ascii')}"


def value_header(stored: str) -> tuple[str, str]:
    """(cipher, root key id) of a stored value."""
    from core import keys

    head = stored.partition("$")[0]
    name, _sep, key_id = head.partition(":")
    return name, key_id or keys.LEGACY


def decrypt_text(stored: str, *, context: str = "") -> str:
    if not stored:
        return ""
    _head, _sep, body = stored.partition("$")
    if not body:
        raise DecryptionError("Not an encrypted value")
    name, key_id = value_header(stored)
    try:
        payload = base64.b64decode(body, validate=True)
    except ValueError as exc:
        raise DecryptionError("Corrupt encrypted value") from exc
    return cipher(name, key_id).decrypt(payload, context.encode() or None).decode("utf-8")


# --- Keyed MACs for the audit chain and the evidence hashes (HMAC-SM3 under the SM suite) -------------

MAC_ALGORITHMS = {"hmac-sha256": hashes.SHA256, "hmac-sm3": hashes.SM3}


def mac_algorithm() -> str:
    from core import keys

    return "hmac-sm3" if keys.suite() == "sm" else "hmac-sha256"


def mac(data: bytes, *, purpose: str, algorithm: str | None = None, key_id: str | None = None):
    """(algorithm, root key id, hex MAC) of `data` under the purpose's key (a new value: current key)."""
    from cryptography.hazmat.primitives import hmac as _hmac

    from core import keys

    algorithm = algorithm or mac_algorithm()
    key_id = key_id or keys.keyring().current
    key = keys.derive(b"redline mac:" + purpose.encode(), key_id=key_id, sm=algorithm == "hmac-sm3")
    signer = _hmac.HMAC(key, MAC_ALGORITHMS[algorithm]())
    signer.update(data)
    return algorithm, key_id, signer.finalize().hex()


def mac_matches(data: bytes, expected: str, *, purpose: str, algorithm: str, key_id: str) -> bool:
    return hmac.compare_digest(mac(data, purpose=purpose, algorithm=algorithm, key_id=key_id)[2], expected)


def mac_chunks(chunks, *, purpose: str, algorithm: str | None = None, key_id: str | None = None):
    """`mac` over a stream of byte blocks (an uploaded file): (algorithm, root key id, hex MAC)."""
    from cryptography.hazmat.primitives import hmac as _hmac

    from core import keys

    algorithm = algorithm or mac_algorithm()
    key_id = key_id or keys.keyring().current
    key = keys.derive(b"redline mac:" + purpose.encode(), key_id=key_id, sm=algorithm == "hmac-sm3")
    signer = _hmac.HMAC(key, MAC_ALGORITHMS[algorithm]())
    for chunk in chunks:
        signer.update(chunk)
    return algorithm, key_id, signer.finalize().hex()


def blind_index(value: str, *, purpose: str, algorithm: str | None = None, key_id: str | None = None) -> str:
    """A keyed hash of a normalised value: equal inputs give equal digests, nothing else can be learned.
    HMAC-SHA256, or HMAC-SM3 under the SM suite, under the keyring's pinned index root (`index`; the
    legacy root when it names none), so that the index does not change when a new root becomes current.
    The legacy root keeps its original derivation, so indexes written before the keyring still match."""
    if not value:
        return ""
    from core import keys

    algorithm = algorithm or mac_algorithm()
    key_id = key_id or keys.keyring().index
    if key_id == keys.LEGACY:
        label = b"redline blind index:" if algorithm == "hmac-sha256" else b"redline blind index sm3:"
        key = _derive(label + purpose.encode())
    else:
        key = keys.derive(
            b"redline blind index:" + purpose.encode(), key_id=key_id, sm=algorithm == "hmac-sm3"
        )
    from cryptography.hazmat.primitives import hmac as _hmac

    signer = _hmac.HMAC(key, MAC_ALGORITHMS[algorithm]())
    signer.update(value.encode("utf-8"))
    return signer.finalize().hex()


def blind_indexes(value: str, *, purpose: str) -> list[str]:
    """The digests of a value under every index algorithm and both index roots (the pinned one and the
    legacy one): a lookup finds rows written before the suite or the index root changed, until
    `rotate_field_keys` has rewritten them."""
    from core import keys

    roots = dict.fromkeys([keys.keyring().index, keys.LEGACY])
    return [
        blind_index(value, purpose=purpose, algorithm=name, key_id=root)
        for name in MAC_ALGORITHMS
        for root in roots
    ]


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code sees plaintext. Not searchable: pair it with a
    `blind_index` column for equality lookups."""

    def __init__(self, *args, context: str = "", **kwargs):
        self.context = context
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.context:
            kwargs["context"] = self.context
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        return decrypt_text(value, context=self.context)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        return encrypt_text(str(value), context=self.context)

    def get_lookup(self, lookup_name):
        # Ciphertexts are randomised: any lookup other than "is null" would silently match nothing.
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)
