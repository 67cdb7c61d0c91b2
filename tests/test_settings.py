"""Start-up configuration: production refuses what is missing or insecure."""

import os
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "SHOUMEN_ENV": "production",
    "SHOUMEN_SECRET_KEY": "q" * 20 + "w" * 20 + "e" * 20 + "rtyuiop",
    "SHOUMEN_DATA_KEY": "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=",
    "SHOUMEN_PASS_SIGNING_KEY": "cGFzcy1wYXNzLXBhc3MtcGFzcy1wYXNzLXBhc3MtcGE=",
    "SHOUMEN_AUDIT_SIGNING_KEY": "YXVkaXQtYXVkaXQtYXVkaXQtYXVkaXQtYXVkaXQtYXU=",
    "SHOUMEN_ALLOWED_HOSTS": "shoumen.example.org",
    "SHOUMEN_DEMO_PASSWORD": "",
}


def _run(env_overrides, *args):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SHOUMEN_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-m", "shoumen.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SHOUMEN_SECRET_KEY", "SHOUMEN_SECRET_KEY is required"),
        ("SHOUMEN_DATA_KEY", "SHOUMEN_DATA_KEY is required"),
        ("SHOUMEN_PASS_SIGNING_KEY", "SHOUMEN_PASS_SIGNING_KEY is required"),
        ("SHOUMEN_ALLOWED_HOSTS", "SHOUMEN_ALLOWED_HOSTS is required"),
    ],
)
def test_production_refuses_to_start_without_a_key(missing, message):
    env = PRODUCTION_ENV | {missing: None}
    result = _run(env, "check")
    assert result.returncode != 0
    assert message in result.stderr


def test_production_refuses_debug():
    result = _run(PRODUCTION_ENV | {"SHOUMEN_DEBUG": "true"}, "check")
    assert result.returncode != 0
    assert "SHOUMEN_DEBUG must be off" in result.stderr


def test_production_refuses_a_short_data_key():
    result = _run(PRODUCTION_ENV | {"SHOUMEN_DATA_KEY": "c2hvcnQ="}, "check")
    assert result.returncode != 0
    assert "SHOUMEN_DATA_KEY must be 32 bytes" in result.stderr


def test_production_with_everything_set_passes_check_deploy():
    result = _run(PRODUCTION_ENV, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_a_malformed_public_page_rate_stops_start_up():
    result = _run({"SHOUMEN_PUBLIC_POST_RATE": "thirty a minute"}, "check")
    assert result.returncode != 0
    assert "SHOUMEN_PUBLIC_POST_RATE must be a rate such as 30/m" in result.stderr


def test_the_client_address_header_is_read_from_its_meta_key():
    code = "from django.conf import settings; print(settings.CLIENT_IP_META_KEY)"
    result = _run({"SHOUMEN_CLIENT_IP_HEADER": "X-Real-IP"}, "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "HTTP_X_REAL_IP", result.stderr
