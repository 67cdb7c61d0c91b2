"""One app node as a real gunicorn process, for tests that need more than this process:
started with the environment given, its log in a file (a pipe nobody reads would stop it
once full), ready once /healthz answers, stopped with SIGTERM as a process manager does."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.pgcluster import free_port


class GunicornNode:
    def __init__(self, env: dict[str, str], log: Path, *, drop: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.log = log
        environment = {
            key: value
            for key, value in os.environ.items()
            if not any(key.startswith(prefix) for prefix in drop)
        }
        environment.update(env, PYTHONPATH=str(settings.BASE_DIR))
        with open(log, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "shoumen.wsgi:application",
                 "--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--log-level", "warning"],
                cwd=Path(settings.BASE_DIR), env=environment, stdout=out, stderr=out,
            )  # fmt: skip

    def wait(self, seconds: float = 60) -> "GunicornNode":
        """Until the node answers; a node that died or never answers is stopped first."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/healthz"), timeout=2)  # noqa: S310 (loopback)
                return self
            except urllib.error.HTTPError:
                return self  # it answers
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.log.read_text()[-3000:]) from None
                time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"node on {self.port} did not answer")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
