"""The CI script fails, rather than skips, when PostgreSQL does not answer."""

import socket
import subprocess
from pathlib import Path

from django.conf import settings

CI = Path(settings.BASE_DIR) / ".ci" / "run"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ci_fails_when_postgresql_does_not_answer():
    url = f"postgres://postgres@127.0.0.1:{_closed_port()}/shoumen"
    done = subprocess.run(
        [str(CI)],
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", "SHOUMEN_CI_POSTGRES_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "PostgreSQL does not answer" in done.stderr
    # It stopped before the lint and the test runs.
    assert "tests on SQLite" not in done.stdout
