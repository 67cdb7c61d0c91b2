"""Field encryption (AES-GCM) and keyed blind indexes (HMAC-SHA256) for sensitive values.

Both keys are derived from SHOUMEN_DATA_KEY with HKDF so that the encryption key and the
index key are never the same bytes.
"""

import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE_BYTES = 12
_VERSION = b"\x01"


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@cache
def _keys(master: bytes) -> tuple[AESGCM, bytes]:
    return (
        AESGCM(_derive(master, b"shoumen field encryption v1")),
        _derive(master, b"shoumen blind index v1"),
    )


def _cipher() -> AESGCM:
    return _keys(settings.SHOUMEN_DATA_KEY)[0]


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """Encrypt ``data``; ``context`` (e.g. the field name) is bound as associated data."""
    nonce = os.urandom(_NONCE_BYTES)
    return _VERSION + nonce + _cipher().encrypt(nonce, data, context.encode())


def decrypt_bytes(token: bytes | memoryview, *, context: str) -> bytes:
    token = bytes(token)
    if token[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, sealed = token[1 : 1 + _NONCE_BYTES], token[1 + _NONCE_BYTES :]
    return _cipher().decrypt(nonce, sealed, context.encode())


def encrypt(plaintext: str, *, context: str) -> bytes:
    return encrypt_bytes(plaintext.encode(), context=context)


def decrypt(token: bytes | memoryview, *, context: str) -> str:
    return decrypt_bytes(token, context=context).decode()


def blind_index(value: str, *, context: str) -> str:
    """Deterministic keyed digest for exact lookups of an encrypted value."""
    key = _keys(settings.SHOUMEN_DATA_KEY)[1]
    message = context.encode() + b"\x00" + value.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
