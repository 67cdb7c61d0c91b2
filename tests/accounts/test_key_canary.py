"""A wrong data key or pass signing key is caught by `shoumen check --database default`
and when the web process starts, not by errors on person pages."""

import base64
import os
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.core.checks import Tags, run_checks

from shoumen.accounts import keys
from shoumen.accounts.keys import (
    CANARY_CONTEXT,
    CANARY_TEXT,
    ERR_DATA_KEY,
    KeyCheckMiddleware,
    KeyMismatch,
    key_problems,
)
from shoumen.accounts.models import KeyCanary
from shoumen.lib.crypto import decrypt

OTHER_KEY = b"w" * 32


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _key_errors():
    return [
        e
        for e in run_checks(tags=[Tags.database], databases=["default"])
        if e.id.startswith("shoumen.")
    ]


@pytest.fixture
def not_started(monkeypatch):
    """The process as it is before its middleware loads."""
    monkeypatch.setattr(keys, "_started", False)


def test_first_migrate_writes_the_key_canaries(db):
    canaries = dict(KeyCanary.objects.values_list("name", "value"))
    assert decrypt(canaries["data_key"], context=CANARY_CONTEXT) == CANARY_TEXT
    assert CANARY_TEXT.encode() not in bytes(canaries["data_key"])


def test_the_right_keys_pass_the_check(db):
    assert _key_errors() == []


def test_a_wrong_data_key_fails_the_check_with_a_message_naming_it(db, settings):
    settings.SHOUMEN_DATA_KEY = OTHER_KEY
    errors = _key_errors()
    assert [(e.id, e.msg) for e in errors] == [("shoumen.E001", ERR_DATA_KEY)]
    assert "SHOUMEN_DATA_KEY" in errors[0].msg


def test_a_wrong_pass_signing_key_fails_the_check(db, settings):
    old_public = bytes(KeyCanary.objects.get(name="pass_signing_key").value)
    settings.SHOUMEN_PASS_SIGNING_KEY = OTHER_KEY
    errors = _key_errors()
    assert [e.id for e in errors] == ["shoumen.E002"]
    assert "SHOUMEN_PASS_SIGNING_KEY" in errors[0].msg
    assert _b64(old_public) in errors[0].msg


def test_a_rotated_pass_signing_key_with_the_old_key_retired_passes(db, settings):
    old = Ed25519PrivateKey.from_private_bytes(settings.SHOUMEN_PASS_SIGNING_KEY)
    old_public = old.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    settings.SHOUMEN_PASS_SIGNING_KEY = OTHER_KEY
    settings.SHOUMEN_PASS_RETIRED_PUBLIC_KEYS = [_b64(old_public)]
    assert _key_errors() == []


def test_a_database_not_migrated_yet_has_no_key_problem(db):
    KeyCanary.objects.all().delete()
    assert key_problems() == {}


def test_the_web_process_refuses_to_start_with_a_wrong_data_key(db, settings, not_started):
    settings.SHOUMEN_DATA_KEY = OTHER_KEY
    with pytest.raises(KeyMismatch, match="SHOUMEN_DATA_KEY is not the key"):
        KeyCheckMiddleware(lambda request: None)


def test_the_first_start_writes_the_canaries(db, not_started):
    KeyCanary.objects.all().delete()
    KeyCheckMiddleware(lambda request: None)
    canary = KeyCanary.objects.get(name="data_key")
    assert decrypt(canary.value, context=CANARY_CONTEXT) == CANARY_TEXT
    assert KeyCanary.objects.filter(name="pass_signing_key").exists()


def test_the_start_checks_the_keys_once_per_process(db, not_started, django_assert_num_queries):
    KeyCheckMiddleware(lambda request: None)
    with django_assert_num_queries(0):
        KeyCheckMiddleware(lambda request: None)


def _shoumen(tmp_path, *args, data_key=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOUMEN_")}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SHOUMEN_VAR_DIR": str(tmp_path / "var"),
    }
    if data_key is not None:
        env["SHOUMEN_DATA_KEY"] = _b64(data_key) + "="
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_shoumen_check_and_the_web_process_stop_on_a_wrong_data_key(tmp_path):
    assert _shoumen(tmp_path, "-m", "shoumen.cli", "migrate", "-v0").returncode == 0
    right = _shoumen(tmp_path, "-m", "shoumen.cli", "check", "--database", "default")
    assert right.returncode == 0, right.stderr
    wrong = _shoumen(
        tmp_path, "-m", "shoumen.cli", "check", "--database", "default", data_key=OTHER_KEY
    )
    assert wrong.returncode != 0
    assert "(shoumen.E001) SHOUMEN_DATA_KEY is not the key" in wrong.stderr
    web = _shoumen(tmp_path, "-c", "import shoumen.wsgi", data_key=OTHER_KEY)
    assert web.returncode != 0
    assert "KeyMismatch: SHOUMEN_DATA_KEY is not the key" in web.stderr


def test_a_wrong_key_found_at_the_first_request_answers_one_clear_page(
    db, rf, settings, monkeypatch
):
    middleware = KeyCheckMiddleware(lambda request: None)  # started: keys were fine
    monkeypatch.setattr(keys, "_started", False)  # a database not readable at start
    settings.SHOUMEN_DATA_KEY = OTHER_KEY
    response = middleware(rf.get("/"))
    assert response.status_code == 503
    assert response.content.decode() == ERR_DATA_KEY
