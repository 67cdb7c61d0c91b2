"""A newcomer's first minutes: plain first-run messages, quiet refusals, a favicon, a port."""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
KEYS = (
    "SHOUMEN_SECRET_KEY",
    "SHOUMEN_DATA_KEY",
    "SHOUMEN_PASS_SIGNING_KEY",
    "SHOUMEN_AUDIT_SIGNING_KEY",
)


def _settings_stderr(var_dir: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in KEYS and k != "SHOUMEN_ENV"}
    env["SHOUMEN_VAR_DIR"] = str(var_dir)
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [sys.executable, "-c", "import shoumen.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stderr


def test_first_run_key_messages_are_one_plain_line_each_and_only_once(tmp_path):
    first = _settings_stderr(tmp_path).splitlines()
    keys_named = [line for line in first if "is not set; using a generated dev key" in line]
    assert len(keys_named) == len(KEYS)
    assert first == keys_named  # no "UserWarning", no source path, no code line
    assert _settings_stderr(tmp_path) == ""


@pytest.mark.django_db
def test_a_refused_request_is_logged_in_one_line(world, login):
    logger = logging.getLogger("django.request")
    (handler,) = [h for h in logger.handlers if type(h) is logging.StreamHandler]
    stream = io.StringIO()
    old = handler.setStream(stream)
    try:
        response = login(world.grid_worker).get(reverse("accounts:user_list"))
    finally:
        handler.setStream(old)
    assert response.status_code == 403
    assert stream.getvalue() == "Forbidden (Permission denied): /users/\n"
    assert logger.propagate is False  # not printed a second time by the root handler


def test_the_favicon_is_linked_from_every_page(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in html
    assert (ROOT / "static" / "favicon.svg").is_file()


def test_make_demo_serves_on_the_port_given():
    makefile = (ROOT / "Makefile").read_text()
    assert "PORT ?= 8000" in makefile
    assert "runserver 127.0.0.1:$(PORT)" in makefile
    assert "make demo PORT=" in (ROOT / "README.md").read_text()


def test_logging_keeps_the_access_log_without_query_strings_or_personal_data():
    assert settings.LOGGING["handlers"]["django.server"]["filters"] == [
        "no_query_strings",
        "no_personal_data",
    ]
