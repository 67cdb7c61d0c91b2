from tests.test_settings import PRODUCTION_ENV, _run

AUDIT_KEY = "YXVkaXQtYXVkaXQtYXVkaXQtYXVkaXQtYXVkaXQtYXU="


def test_production_refuses_to_start_without_the_audit_signing_key():
    env = PRODUCTION_ENV | {"SHOUMEN_AUDIT_SIGNING_KEY": None}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "SHOUMEN_AUDIT_SIGNING_KEY is required" in result.stderr


def test_production_refuses_an_audit_signing_key_of_the_wrong_length():
    result = _run(PRODUCTION_ENV | {"SHOUMEN_AUDIT_SIGNING_KEY": "c2hvcnQ="}, "check")
    assert result.returncode != 0
    assert "SHOUMEN_AUDIT_SIGNING_KEY must be 32 bytes" in result.stderr


def test_production_starts_with_the_audit_signing_key_set():
    result = _run(PRODUCTION_ENV | {"SHOUMEN_AUDIT_SIGNING_KEY": AUDIT_KEY}, "check")
    assert result.returncode == 0, result.stderr
