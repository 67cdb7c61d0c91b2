"""Many `shoumen scheduler` processes, one leader, each job once for each of its times.

Leadership is a lock the database or the operating system holds for a process and drops
when it dies: on PostgreSQL a session advisory lock on a connection of its own, on SQLite
(one machine) an exclusive lock on a file in VAR_DIR. The others try again every
``SHOUMEN_SCHEDULER_RETRY_SECONDS`` and one takes over once the leader is gone.

A lock alone cannot promise "once": a leader whose connection dropped may not know yet.
So each time a job is due, the leader enqueues its task in the same transaction as a
``ScheduledRun`` row keyed by job and time; a second attempt at that key is refused by the
database and enqueues nothing.
"""

import fcntl
import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import psycopg
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.executors.base import BaseExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone

from shoumen.ops.models import ScheduledRun
from shoumen.schedule import Job

log = logging.getLogger("shoumen.schedule")

# A leader that starts (or takes over) enqueues the last time of each job in this window
# that nobody enqueued; a time later than this is left to the next one.
MISFIRE_GRACE_SECONDS = 300
# Rows older than this are of no use to the unique key (no leader looks back that far).
KEEP_RUNS = timedelta(days=3)
PRUNE_EVERY_SECONDS = 3600
# The advisory lock's key, two int4 (PostgreSQL's two-key form): b"shou", b"sche". Advisory
# locks are per database, so two deployments on one server do not share a leader.
LOCK_KEY = (0x73686F75, 0x73636865)


def retry_seconds() -> float:
    return float(settings.SHOUMEN_SCHEDULER_RETRY_SECONDS)


def process_name() -> str:
    """Which process this is, for the logs: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


class LeaderLock(Protocol):
    """A lock the database or the operating system drops when its process dies (also a
    worker's proof of life, ``shoumen.ops.workers``)."""

    def acquire(self) -> bool: ...
    def held(self) -> bool: ...
    def release(self) -> None: ...


class AdvisoryLock:
    """``pg_try_advisory_lock`` on a connection of its own, outside Django's pool: the lock
    lives exactly as long as that session, and PostgreSQL drops it when the process dies
    or its machine falls silent (keepalives, both ends, notice within about half a minute
    instead of the system's two hours). The session must reach PostgreSQL itself, or a
    pooler in session mode: in transaction mode the lock would stay with a pooled server
    connection."""

    # The server's keepalives end a vanished leader's session, and with it the lock; its
    # user timeout (PostgreSQL 12 on) ends it too when the server's own sends go unanswered
    # for 30 s (keepalives are not sent while data waits to be acknowledged).
    SERVER_KEEPALIVES = (
        "-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3"
        " -c tcp_user_timeout=30000"
    )

    def __init__(
        self,
        alias: str = "default",
        *,
        key: tuple[int, int] = LOCK_KEY,
        application_name: str = "shoumen scheduler",
    ) -> None:
        self.alias = alias
        self.key = key  # two non-negative int4: pg_locks shows them as oids
        self.application_name = application_name
        self._connection: psycopg.Connection | None = None

    def _connect(self) -> psycopg.Connection:
        params = dict(connections[self.alias].get_connection_params())
        for django_only in ("cursor_factory", "context"):
            params.pop(django_only, None)
        params.setdefault("connect_timeout", 5)
        params.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
        params["options"] = f"{params.get('options', '')} {self.SERVER_KEEPALIVES}".strip()
        params["application_name"] = self.application_name
        return psycopg.connect(**params, autocommit=True)

    def acquire(self) -> bool:
        try:
            if self._connection is None or self._connection.closed:
                self._connection = self._connect()
            row = self._connection.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key)
            return bool(row.fetchone()[0])  # type: ignore[index]
        except psycopg.Error as error:
            log.warning(
                "%s lock: the database did not answer (%s)",
                self.application_name,
                type(error).__name__,
            )
            self.release()
            return False

    def held(self) -> bool:
        """Whether this session still holds the lock (asked of the database: a session
        that ended took the lock with it). Called from the scheduler's thread too."""
        session = self._connection
        if session is None or session.closed:
            return False
        try:
            row = session.execute(
                "SELECT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid() AND classid = %s AND objid = %s AND objsubid = 2)",
                self.key,
            )
            return bool(row.fetchone()[0])  # type: ignore[index]
        except psycopg.Error:
            return False

    def release(self) -> None:
        """Close the session, which drops the lock with it."""
        session, self._connection = self._connection, None
        if session is not None:
            session.close()


class FileLock:
    """An exclusive ``flock`` on a file: one leader among the processes of one machine (the
    SQLite set-up); the kernel drops it when the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    def acquire(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        return True

    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the flock
            self._file = None


def leader_lock() -> LeaderLock:
    if connections["default"].vendor == "postgresql":
        return AdvisoryLock()
    return FileLock(Path(settings.VAR_DIR) / "scheduler.lock")


def job_enqueue_once(*, job: Job, scheduled_for: datetime) -> ScheduledRun | None:
    """Enqueue ``job`` for its time ``scheduled_for`` unless that time was enqueued already;
    the run's row and the task commit together or not at all."""
    try:
        with transaction.atomic():
            result = job.enqueue()
            return ScheduledRun.objects.create(
                job=job.name, scheduled_for=scheduled_for, task_id=str(result.id)
            )
    except IntegrityError:
        log.info(
            "scheduled job %s for %s was enqueued already; skipped",
            job.name,
            timezone.localtime(scheduled_for).isoformat(),
        )
        return None


def scheduled_runs_prune(*, now: datetime | None = None) -> int:
    """Delete the runs older than ``KEEP_RUNS``; returns how many."""
    before = (now or timezone.now()) - KEEP_RUNS
    deleted, _ = ScheduledRun.objects.filter(scheduled_for__lt=before).delete()
    return deleted


class _EnqueueAtItsTime(BaseExecutor):
    """Runs a due job in the scheduler's thread and hands it the time it was due, which
    APScheduler's own executors do not pass on (and the unique key needs). Enqueuing is a
    short insert, so nothing waits on it for long."""

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        events = []
        for run_time in run_times:  # one: jobs coalesce
            late = timezone.now() - run_time
            if job.misfire_grace_time is not None and late.total_seconds() > job.misfire_grace_time:
                log.warning("scheduled job %s missed its time by %s", job.id, late)
                events.append(JobExecutionEvent(EVENT_JOB_MISSED, job.id, "default", run_time))
                continue
            try:
                job.func(*job.args, **{**job.kwargs, "scheduled_for": run_time})
            except Exception as error:
                log.exception("scheduled job %s could not be enqueued", job.id)
                events.append(
                    JobExecutionEvent(EVENT_JOB_ERROR, job.id, "default", run_time, exception=error)
                )
            else:
                events.append(JobExecutionEvent(EVENT_JOB_EXECUTED, job.id, "default", run_time))
        self._run_job_success(job.id, events)


class Scheduler:
    """Follow until this process holds the lock, then enqueue the jobs at their times
    while it holds it; back to following when it loses it. ``stop`` ends it."""

    def __init__(
        self,
        jobs: list[Job],
        *,
        lock: LeaderLock | None = None,
        retry: float | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.jobs = jobs
        self.lock = lock or leader_lock()
        self.retry = retry if retry is not None else retry_seconds()
        self.stop = stop or threading.Event()
        self.name = process_name()
        self._pruned_at = -float(PRUNE_EVERY_SECONDS)

    def run(self) -> None:
        log.info("scheduler %s starts with %d jobs", self.name, len(self.jobs))
        following = False
        try:
            while not self.stop.is_set():
                if self.lock.acquire():
                    log.info("scheduler %s leads", self.name)
                    self._lead()
                    following = False
                    if not self.stop.is_set():
                        log.warning("scheduler %s lost the lead", self.name)
                    continue
                if not following:
                    log.info(
                        "scheduler %s follows; it tries for the lead every %g s",
                        self.name,
                        self.retry,
                    )
                    following = True
                self.stop.wait(self.retry)
        finally:
            self.lock.release()
            log.info("scheduler %s stopped", self.name)

    def _lead(self) -> None:
        scheduler = BackgroundScheduler(
            timezone=ZoneInfo(settings.TIME_ZONE),
            executors={"default": _EnqueueAtItsTime()},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
            },
        )
        # Start from the grace window's beginning: a time the last leader did not live to
        # enqueue is enqueued now, once (coalesced), and one it did is refused by the key.
        since = timezone.localtime() - timedelta(seconds=MISFIRE_GRACE_SECONDS)
        for job in self.jobs:
            trigger = job.trigger()
            scheduler.add_job(
                self._enqueue,
                trigger,
                args=[job],
                kwargs={"scheduled_for": None},  # the executor gives each run its time
                id=job.name,
                name=job.name,
                next_run_time=trigger.get_next_fire_time(None, since),
            )
        scheduler.start()
        try:
            while self.lock.held():
                self._prune_when_due()
                if self.stop.wait(self.retry):
                    break
        finally:
            scheduler.shutdown(wait=True)
            self.lock.release()

    def _enqueue(self, job: Job, *, scheduled_for: datetime | None) -> None:
        if scheduled_for is None:
            raise TypeError("a scheduled job is enqueued for a time")
        if not self.lock.held():
            log.warning("scheduler %s no longer leads; %s not enqueued", self.name, job.name)
            return
        close_old_connections()  # one dropped by the database is not reused
        try:
            job_enqueue_once(job=job, scheduled_for=scheduled_for)
        finally:
            close_old_connections()

    def _prune_when_due(self) -> None:
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        self._pruned_at = time.monotonic()
        close_old_connections()
        try:
            deleted = scheduled_runs_prune()
        except Exception:
            log.exception("scheduler %s could not prune old runs", self.name)
        else:
            if deleted:
                log.info("scheduler %s pruned %d old runs", self.name, deleted)
        finally:
            close_old_connections()
