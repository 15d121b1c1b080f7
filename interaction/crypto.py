"""Encryption of personal data at rest, behind a swappable cipher.

``settings.INTERACTION_CIPHER`` names the cipher class (AES-256-GCM by default; SM4
in GCM mode when a national-algorithm requirement applies). Every stored value
carries the cipher's tag, so rows written under one cipher stay readable after the
setting changes to another, and ``rotate`` can rewrite them later.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers import Cipher as _Cipher
from cryptography.hazmat.primitives.ciphers import algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class DecryptionError(ValueError):
    """A stored value could not be decrypted (wrong key, or tampered with)."""


class PersonalDataCipher:
    """The interface: ``tag`` identifies the algorithm in stored values."""

    tag = ""

    def __init__(self, key: bytes):
        self.key = key

    def encrypt(self, plaintext: bytes) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def decrypt(self, data: bytes) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError


class AesGcmCipher(PersonalDataCipher):
    """AES-256-GCM with a random 96-bit nonce per value."""

    tag = "a1"

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self.key).encrypt(nonce, plaintext, None)

    def decrypt(self, data: bytes) -> bytes:
        try:
            return AESGCM(self.key).decrypt(data[:12], data[12:], None)
        except Exception as error:
            raise DecryptionError(str(error)) from error


class Sm4GcmCipher(PersonalDataCipher):
    """SM4 (GB/T 32907) in GCM mode, for deployments bound to national algorithms.
    Uses the first 16 bytes of the key (SM4 keys are 128 bits)."""

    tag = "s1"

    def encrypt(self, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        encryptor = _Cipher(algorithms.SM4(self.key[:16]), modes.GCM(nonce)).encryptor()
        body = encryptor.update(plaintext) + encryptor.finalize()
        return nonce + encryptor.tag + body

    def decrypt(self, data: bytes) -> bytes:
        nonce, tag, body = data[:12], data[12:28], data[28:]
        try:
            decryptor = _Cipher(
                algorithms.SM4(self.key[:16]), modes.GCM(nonce, tag)
            ).decryptor()
            return decryptor.update(body) + decryptor.finalize()
        except Exception as error:
            raise DecryptionError(str(error)) from error


CIPHERS = {cls.tag: cls for cls in (AesGcmCipher, Sm4GcmCipher)}


def data_key() -> bytes:
    """The 32-byte key: ``INTERACTION_DATA_KEY`` (base64), or, on a laptop where it is
    unset, one derived from ``SECRET_KEY`` (production requires a real secret key)."""
    configured = settings.INTERACTION_DATA_KEY
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError as error:
            raise ImproperlyConfigured(
                "INTERACTION_DATA_KEY must be 32 bytes in base64"
            ) from error
        if len(key) != 32:
            raise ImproperlyConfigured(
                "INTERACTION_DATA_KEY must be 32 bytes in base64"
            )
        return key
    return HKDF(
        algorithm=SHA256(), length=32, salt=None, info=b"interaction-personal-data"
    ).derive(settings.SECRET_KEY.encode())


@functools.cache
def _cipher(tag: str, key: bytes) -> PersonalDataCipher:
    return CIPHERS[tag](key)


def current_cipher() -> PersonalDataCipher:
    cls = import_string(settings.INTERACTION_CIPHER)
    return _cipher(cls.tag, data_key())


def encrypt(value: str) -> str:
    """``<tag>:<base64>``; the empty string stays empty (nothing to protect)."""
    if not value:
        return ""
    cipher = current_cipher()
    return f"{cipher.tag}:{base64.b64encode(cipher.encrypt(value.encode())).decode()}"


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    tag, _sep, body = stored.partition(":")
    if tag not in CIPHERS:
        raise DecryptionError("unknown cipher tag")
    return _cipher(tag, data_key()).decrypt(base64.b64decode(body)).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` under the data key (query codes are kept only so)."""

    return hmac.new(data_key(), value.encode(), hashlib.sha256).hexdigest()


def api_key_hash(key: str) -> str:
    """What the database keeps of an API client's key: its SHA-256, in hex."""
    return hashlib.sha256(key.encode()).hexdigest()
