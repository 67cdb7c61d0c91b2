"""Are the configured keys this database's? A wrong or missing SHOUMEN_DATA_KEY otherwise
shows up only as errors on the first page that decrypts an ID number, and a changed
SHOUMEN_PASS_SIGNING_KEY as every pass refused at the gate.

Each key leaves a canary in ``KeyCanary`` on the first migrate or start: a value encrypted
with the data key, and the signing key's public half. `shoumen check --database default`
and the web process's start compare the configured keys with them."""

import base64
import contextlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, transaction
from django.http import HttpResponse

from shoumen.accounts.models import KeyCanary
from shoumen.lib.crypto import decrypt, encrypt

CANARY_TEXT = "shoumen data key canary"
CANARY_CONTEXT = "key_canary.data_key"

# For operators, in English like every start-up message (shoumen.env).
ERR_DATA_KEY = (
    "SHOUMEN_DATA_KEY is not the key this database's data was encrypted with: ID numbers "
    "and phones cannot be read. Set SHOUMEN_DATA_KEY to the key kept for this database "
    "(in dev, the one in var/data_key) and start again; do not write data with another key."
)
ERR_PASS_KEY = (
    "SHOUMEN_PASS_SIGNING_KEY is not the key that signed this database's passes, and that "  # noqa: S105
    "key's public key ({public}) is not in SHOUMEN_PASS_RETIRED_PUBLIC_KEYS: every pass "
    "issued so far would be refused as forged. Set SHOUMEN_PASS_SIGNING_KEY back, or, to "
    "rotate it, list that public key in SHOUMEN_PASS_RETIRED_PUBLIC_KEYS."
)


class KeyMismatch(ImproperlyConfigured):
    """A configured key cannot be this database's."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _pass_public_key() -> bytes:
    seed = settings.SHOUMEN_PASS_SIGNING_KEY
    public = Ed25519PrivateKey.from_private_bytes(seed).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _retired_public_keys() -> set[str]:
    return {key.strip().rstrip("=") for key in settings.SHOUMEN_PASS_RETIRED_PUBLIC_KEYS}


def _data_key_problem(value: bytes) -> str:
    try:
        ok = decrypt(value, context=CANARY_CONTEXT) == CANARY_TEXT
    except (InvalidTag, ValueError):
        ok = False
    return "" if ok else ERR_DATA_KEY


def _pass_key_problem(value: bytes) -> str:
    if value == _pass_public_key() or _b64(value) in _retired_public_keys():
        return ""
    return ERR_PASS_KEY.format(public=_b64(value))


_CHECKS = {
    KeyCanary.Name.DATA_KEY: _data_key_problem,
    KeyCanary.Name.PASS_SIGNING_KEY: _pass_key_problem,
}


def key_problems(using: str = "default") -> dict[str, str]:
    """Canary name -> message, for each configured key that does not match this database's
    canary; a key with no canary yet (a new database) has none."""
    canaries = dict(KeyCanary.objects.using(using).values_list("name", "value"))
    problems = {
        name: check(bytes(canaries[name])) for name, check in _CHECKS.items() if name in canaries
    }
    return {name: message for name, message in problems.items() if message}


def key_canaries_write(using: str = "default") -> None:
    """Leave the canaries a new database lacks; after a signing key rotation (the old public
    key listed as retired), record the new key, so that the old one may later be unlisted.
    Refuses (KeyMismatch) when a configured key does not match."""
    problems = key_problems(using)
    if problems:
        raise KeyMismatch("\n".join(problems.values()))
    public = _pass_public_key()
    with transaction.atomic(using=using):
        KeyCanary.objects.using(using).get_or_create(
            name=KeyCanary.Name.DATA_KEY,
            defaults={"value": encrypt(CANARY_TEXT, context=CANARY_CONTEXT)},
        )
        canary, created = KeyCanary.objects.using(using).get_or_create(
            name=KeyCanary.Name.PASS_SIGNING_KEY, defaults={"value": public}
        )
        if not created and bytes(canary.value) != public:
            canary.value = public
            canary.save(update_fields=["value", "updated_at"])


_started = False


def keys_verify_at_start(using: str = "default") -> None:
    """Once per process: refuse to serve with keys that are not this database's, and leave
    the canaries on a first start. A database not migrated yet is left to migrate."""
    global _started
    if _started:
        return
    try:
        key_canaries_write(using)
    except DatabaseError:
        return  # not migrated yet: `shoumen migrate` writes them
    _started = True


def mark_verified() -> None:
    """This process has just checked the keys (after a migrate): nothing to do at start."""
    global _started
    _started = True


class KeyCheckMiddleware:
    """Runs the key check when the web process loads its middleware, before any request:
    gunicorn and runserver stop with the message rather than serve 500s. A database that
    cannot be read yet at that moment is checked at the first request instead, which gets
    the message as a 503 page."""

    def __init__(self, get_response):
        # RuntimeError: a database not open to this thread yet (a test's live server).
        with contextlib.suppress(RuntimeError):
            keys_verify_at_start()
        self.get_response = get_response

    def __call__(self, request):
        # The liveness probe answers whether the process does, database or not.
        if not _started and request.path != "/healthz":
            try:
                keys_verify_at_start()
            except KeyMismatch as exc:
                return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
