"""Test-only tasks and schedule, and `shoumen` processes started against the test database
(PostgreSQL: a named database another process can open)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks import task

from shoumen.schedule import Job
from tests.test_task_queue import database_url

RUNS_TABLE = "test_background_task_runs"
# The processes started here open the test database by name: PostgreSQL only.
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="scheduler and worker processes need a database they can open (PostgreSQL)",
)


@task()
def tick() -> None:
    """Does nothing: the tests count how often it was put on the queue."""


@task()
def record_run(number: int) -> None:
    """Writes down that task ``number`` ran, and in which process; a short pause lets the
    other worker take its share."""
    time.sleep(0.005)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (number, pid) VALUES (%s, %s)",  # noqa: S608
            [number, os.getpid()],
        )


@task()
def slow_run(number: int, until: str, database_seconds: float = 0.0) -> None:
    """Writes down that task ``number`` started, and in which process; spends
    ``database_seconds`` in one statement (PostgreSQL's pg_sleep), then runs until the file
    ``until`` exists (a minute at most): the test says when it ends, and can kill its worker
    in the middle."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (number, pid) VALUES (%s, %s)",  # noqa: S608
            [number, os.getpid()],
        )
        if database_seconds:
            cursor.execute("SELECT pg_sleep(%s)", [database_seconds])
    deadline = time.monotonic() + 60
    while not Path(until).exists() and time.monotonic() < deadline:
        time.sleep(0.02)


def every_second() -> list[Job]:
    """The schedule of the scheduler processes under test: one job, due every second."""
    return [Job("tick", f"{__name__}.tick", {"second": "*"}, "Every second")]


@pytest.fixture
def runs_table():
    """Where each run of ``record_run`` and ``slow_run`` writes its number and process: no
    unique key, so a task run twice shows as two rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {RUNS_TABLE} (number integer NOT NULL, pid integer NOT NULL)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")


class Process:
    """A `shoumen` command running in its own process, its output going to a file."""

    def __init__(self, output: Path, *arguments: str) -> None:
        env = {k: v for k, v in os.environ.items() if k != "SHOUMEN_TASKS_BACKEND"}
        env.update(
            DATABASE_URL=database_url(),
            PYTHONPATH=str(settings.BASE_DIR),
            PYTHONUNBUFFERED="1",
        )
        self.path = output
        self._terminated = False
        self._file = output.open("w")
        self.popen = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "shoumen.cli", *arguments],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stdout=self._file,
            stderr=subprocess.STDOUT,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def wait_for(self, text: str, timeout: float) -> float:
        """Wait until ``text`` is in the output; returns when (time.monotonic)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return time.monotonic()
            if self.popen.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} within {timeout} s:\n{self.output()}")

    def kill(self) -> None:
        self.popen.kill()
        self.popen.wait(timeout=10)

    def terminate(self) -> None:
        """SIGTERM, once (a second one means "now" to a worker), as a process manager
        stops it."""
        if self.popen.poll() is None and not self._terminated:
            self.popen.send_signal(signal.SIGTERM)
            self._terminated = True

    def stop(self) -> int:
        """Terminate and wait; returns the exit status."""
        self.terminate()
        try:
            status = self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            status = self.popen.wait(timeout=10)
        self._file.close()
        return status
