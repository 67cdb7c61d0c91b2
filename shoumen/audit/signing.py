"""Signed block heads, and the heads file that keeps them outside the database.

A head is one JSON line: block number, block hash, the events sealed so far, when, the key
id and the Ed25519 signature of ``shoumen-audit-head:<number>:<hash>``. Anyone holding the
public key (``shoumen audit head`` prints it) can check a recorded line on their own."""

import base64
import binascii
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings

from shoumen.audit.models import AuditBlock


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def _private_key(seed: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(seed)


def signing_key() -> Ed25519PrivateKey:
    return _private_key(settings.SHOUMEN_AUDIT_SIGNING_KEY)


def public_key_raw() -> bytes:
    return signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_text() -> str:
    return _b64(public_key_raw())


def key_id() -> str:
    return hashlib.sha256(public_key_raw()).hexdigest()[:16]


def _message(number: int, block_hash: str) -> bytes:
    return f"shoumen-audit-head:{number}:{block_hash}".encode()


def sign_head(number: int, block_hash: str) -> str:
    return _b64(signing_key().sign(_message(number, block_hash)))


def head_signature_valid(number: int, block_hash: str, signature: str) -> bool:
    try:
        signing_key().public_key().verify(_unb64(signature), _message(number, block_hash))
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def head_line(block: AuditBlock) -> str:
    """The block's signed head as one line of the heads file."""
    return json.dumps(
        {
            "block": block.number,
            "hash": block.hash,
            "events_through": block.high_event_id,
            "sealed_at": block.sealed_at.isoformat(timespec="seconds"),
            "key_id": block.key_id,
            "signature": block.signature,
        },
        ensure_ascii=True,
        separators=(",", ":"),
    )


def heads_file() -> Path:
    return Path(settings.SHOUMEN_AUDIT_HEADS_FILE)


def heads_append(blocks: list[AuditBlock], path: Path | None = None) -> None:
    """Append the blocks' heads to the heads file and flush them to disk."""
    if not blocks:
        return
    path = path or heads_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(head_line(b) + "\n" for b in blocks)
    with path.open("a", encoding="ascii") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())


@dataclass(frozen=True)
class RecordedHead:
    line: int
    number: int | None
    hash: str
    signature: str


def heads_read(path: Path) -> list[RecordedHead]:
    """Every non-empty line of a heads file; a line that is not a head has number None."""
    heads = []
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line_no, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                head = RecordedHead(
                    line_no, int(data["block"]), str(data["hash"]), str(data["signature"])
                )
            except (ValueError, KeyError, TypeError):
                head = RecordedHead(line_no, None, "", "")
            heads.append(head)
    return heads
