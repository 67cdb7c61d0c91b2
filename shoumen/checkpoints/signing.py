"""Pass tokens: an Ed25519-signed payload a checkpoint phone can verify offline.

A token is ``SM1.<key id>.<payload>.<signature>`` (URL-safe base64 without padding). The
payload is compact JSON: pass id, person id, community id, valid until, version."""

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

PREFIX = "SM1"


class ForgedToken(ValueError):
    """Not a pass token, or one whose signature does not verify."""


@dataclass(frozen=True)
class PassClaims:
    pass_id: int
    person_id: int
    community_id: int
    valid_until: datetime.date
    version: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:8]


@cache
def _signing_key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    return _signing_key(settings.SHOUMEN_PASS_SIGNING_KEY)


def public_raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_keys() -> dict[str, str]:
    """Every public key a token may be signed with, by key id (base64): the current one
    and the retired ones still accepted."""
    return {kid: _b64(public_raw(key)) for kid, key in _verifiers().items()}


def _verifiers() -> dict[str, Ed25519PublicKey]:
    return _verifiers_for(
        settings.SHOUMEN_PASS_SIGNING_KEY, tuple(settings.SHOUMEN_PASS_RETIRED_PUBLIC_KEYS)
    )


@cache
def _verifiers_for(seed: bytes, retired: tuple[str, ...]) -> dict[str, Ed25519PublicKey]:
    raws = [public_raw(_signing_key(seed).public_key())] + [_unb64(k) for k in retired]
    return {key_id(raw): Ed25519PublicKey.from_public_bytes(raw) for raw in raws}


def sign(claims: PassClaims) -> str:
    payload = json.dumps(
        [
            claims.pass_id,
            claims.person_id,
            claims.community_id,
            claims.valid_until.isoformat(),
            claims.version,
        ],
        separators=(",", ":"),
    ).encode()
    key = signing_key()
    kid = key_id(public_raw(key.public_key()))
    body = f"{PREFIX}.{kid}.{_b64(payload)}"
    return f"{body}.{_b64(key.sign(body.encode()))}"


def verify(token: str) -> PassClaims:
    """The claims of a genuine token, or ForgedToken. Expiry and revocation are the caller's."""
    try:
        prefix, kid, payload, signature = token.strip().split(".")
    except ValueError:
        raise ForgedToken(token) from None
    public = _verifiers().get(kid)
    if prefix != PREFIX or public is None:
        raise ForgedToken(token)
    try:
        public.verify(_unb64(signature), f"{prefix}.{kid}.{payload}".encode())
        pass_id, person_id, community_id, valid_until, version = json.loads(_unb64(payload))
        return PassClaims(
            int(pass_id),
            int(person_id),
            int(community_id),
            datetime.date.fromisoformat(valid_until),
            int(version),
        )
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        raise ForgedToken(token) from None
