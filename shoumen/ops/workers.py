"""A `shoumen db_worker` that dies mid-task does not leave its task RUNNING for ever.

Each worker holds, for as long as it lives, a lock named by its worker id, taken before it
claims any task: on PostgreSQL a session advisory lock on a connection of its own (the
scheduler's ``AdvisoryLock``, in a key space of its own), on SQLite (one machine) an
exclusive ``flock`` on a file per worker under VAR_DIR/workers/. The database or the kernel
drops it when the process dies (kill -9, out of memory) or its machine falls silent (the
server's keepalives end the session within about half a minute).

A RUNNING task whose last worker's lock nobody holds was therefore orphaned: its worker died
before marking it finished. On PostgreSQL one more thing must be over: a statement the dead
worker had sent (a long import's commit) runs on until the server next speaks to the client,
and may still commit. A worker names its sessions (``application_name``), so a task waits
while a session of its dead worker is left. ``tasks_recover_orphans`` puts orphans back to
READY, and another worker runs them again; every task here is safe to run again
(``shoumen.schedule``). It runs when a worker starts and every minute from the schedule;
a task must be seen orphaned twice, ``CONFIRM_SECONDS`` apart, as a live worker's lock is
briefly gone after a database restart or a network blip, until it takes it again.

A worker started again under the same id (``--worker-id $(hostname)``) holds the lock its
dead predecessor held, so only it can tell that predecessor's tasks for orphans: when it
starts, it waits for the predecessor's sessions to end and takes its tasks back.

A task claimed by a worker of the version before these locks is indistinguishable from an
orphan: stop the old workers (SIGTERM: each finishes its task first) before starting the
first new worker or scheduler.
"""

import contextlib
import fcntl
import hashlib
import logging
import os
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import connections, transaction
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from shoumen.ops.scheduler import AdvisoryLock, FileLock, LeaderLock

log = logging.getLogger("shoumen.ops.workers")

# The first int4 of a worker's advisory lock key, b"work"; the scheduler's is b"shou".
LOCK_NAMESPACE = 0x776F726B
# How often a worker checks that its lock is still held, and takes it again when it is not
# (after the database restarted, say).
KEEP_SECONDS = 10.0
# How long a task must be seen orphaned, in two looks, before the schedule's recovery puts
# it back: longer than a live worker takes to notice its lock gone (a database restart, a
# network blip) and take it again.
CONFIRM_SECONDS = 2 * KEEP_SECONDS + 1
# How long a starting worker waits for its predecessor's statements before it goes on.
PREDECESSOR_WAIT_SECONDS = 120.0
# How long a starting worker tries for its lock file while a recovery probes it (SQLite).
FILE_LOCK_TRY_SECONDS = 1.0
# This process, in its sessions' names: its PID is not enough, as a worker started again
# in a container has its predecessor's PID.
INSTANCE = f"{os.getpid()}-{secrets.token_hex(3)}"


class WorkerLockTaken(Exception):
    """Another live worker holds this worker id's lock, or the database did not answer."""


def _digest(worker_id: str) -> bytes:
    return hashlib.sha256(worker_id.encode()).digest()


def worker_lock_key(worker_id: str) -> tuple[int, int]:
    """The advisory lock key of ``worker_id``: the namespace and 31 bits of its hash
    (non-negative, as pg_locks shows an int4 key as an oid)."""
    return LOCK_NAMESPACE, int.from_bytes(_digest(worker_id)[:4], "big") & 0x7FFFFFFF


def worker_lock_path(worker_id: str) -> Path:
    """The lock file of ``worker_id`` (its hash: a worker id may hold any character)."""
    return Path(settings.VAR_DIR) / "workers" / f"{_digest(worker_id).hex()[:32]}.lock"


def _hash(worker_id: str) -> str:
    return f"{worker_lock_key(worker_id)[1]:08x}"


def worker_session_name(worker_id: str, instance: str | None = None) -> str:
    """The application_name of the sessions a worker's process works in (its lock's is
    another): the worker's hash and the process (its PID and a random tag, ``INSTANCE``),
    as one started again under the same id must tell its predecessor's sessions from its
    own, even with the same PID."""
    return f"shoumen worker {_hash(worker_id)} {instance or INSTANCE}"


def _postgresql(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def worker_lock(worker_id: str, alias: str = "default") -> LeaderLock:
    """The lock a live worker holds; not yet taken."""
    if _postgresql(alias):
        return AdvisoryLock(
            alias,
            key=worker_lock_key(worker_id),
            application_name=f"shoumen worker lock {_hash(worker_id)}",
        )
    return FileLock(worker_lock_path(worker_id))


@contextlib.contextmanager
def worker_lock_held(worker_id: str, alias: str = "default") -> Iterator[LeaderLock]:
    """Hold the worker's lock while the block runs, taking it again if it was lost (the
    database restarted); raises WorkerLockTaken when it cannot be taken at the start."""
    lock = worker_lock(worker_id, alias)
    if not _acquire(lock):
        raise WorkerLockTaken(
            f"the lock of worker id {worker_id!r} is held by a running worker,"
            " or the database did not answer"
        )
    stop = threading.Event()
    keeper = threading.Thread(
        target=_keep, args=(lock, worker_id, stop), name="worker-lock", daemon=True
    )
    keeper.start()
    try:
        yield lock
    finally:
        stop.set()
        keeper.join(timeout=KEEP_SECONDS)
        # The lock file stays: unlocked, it reads as a dead worker's, and deleting it
        # would race a recovery probing it.
        lock.release()


def _acquire(lock: LeaderLock) -> bool:
    """Take the lock; a lock file is tried for a moment, as a recovery probing whether its
    worker lives holds it for an instant (``_file_lock_held``)."""
    if not isinstance(lock, FileLock):
        return lock.acquire()
    deadline = time.monotonic() + FILE_LOCK_TRY_SECONDS
    while not lock.acquire():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


@contextlib.contextmanager
def worker_sessions_named(worker_id: str, alias: str = "default") -> Iterator[None]:
    """Name the sessions this process opens from here on (PostgreSQL) after the worker, so
    that recovery sees one left running after the worker died; with the server's
    keepalives, as the lock's session, so that those of a machine lost end as its lock."""
    if not _postgresql(alias):
        yield
        return
    options = connections[alias].settings_dict.setdefault("OPTIONS", {})
    before = {key: options[key] for key in ("application_name", "options") if key in options}
    options["application_name"] = worker_session_name(worker_id)
    options["options"] = f"{before.get('options', '')} {AdvisoryLock.SERVER_KEEPALIVES}".strip()
    try:
        yield
    finally:
        options.pop("application_name", None)
        options.pop("options", None)
        options.update(before)


def worker_predecessor_wait(worker_id: str, alias: str = "default") -> None:
    """Wait until no session of an earlier process under ``worker_id`` is left (PostgreSQL):
    its last statement may still be committing the task this worker will take back.

    Gives up after ``PREDECESSOR_WAIT_SECONDS`` (logged): the server's keepalives and
    ``tcp_user_timeout`` end the session of a vanished client well before, so a session
    left longer is stuck elsewhere, and the worker goes on."""
    if not _postgresql(alias):
        return
    told = False
    deadline = time.monotonic() + PREDECESSOR_WAIT_SECONDS
    while True:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name LIKE %s AND application_name <> %s",
                [f"shoumen worker {_hash(worker_id)} %", worker_session_name(worker_id)],
            )
            (left,) = cursor.fetchone()
        if not left:
            return
        if not told:
            log.warning("worker %s waits for its predecessor's statements to end", worker_id)
            told = True
        if time.monotonic() >= deadline:
            log.error(
                "worker %s waited %d s for its predecessor's statements; going on",
                worker_id,
                PREDECESSOR_WAIT_SECONDS,
            )
            return
        time.sleep(1)


def _keep(lock: LeaderLock, worker_id: str, stop: threading.Event) -> None:
    while not stop.wait(KEEP_SECONDS):
        if lock.held():
            continue
        log.warning("worker %s lost its lock; taking it again", worker_id)
        lock.release()
        if lock.acquire():
            log.info("worker %s holds its lock again", worker_id)


def _live_workers(alias: str) -> tuple[set[int], set[str]]:
    """The second keys of the worker locks held in this database now, and the hashes of
    the workers with a session open in it (PostgreSQL)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND objsubid = 2 AND classid = %s"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_NAMESPACE],
        )
        keys = {row[0] for row in cursor.fetchall()}
        # Now, not as this transaction first saw the sessions (PostgreSQL keeps that view).
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT DISTINCT split_part(application_name, ' ', 3) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE 'shoumen worker %%'"
            " AND application_name NOT LIKE 'shoumen worker lock %%'"
        )
        return keys, {row[0] for row in cursor.fetchall()}


def _file_lock_held(worker_id: str) -> bool:
    """Whether a live process holds ``worker_id``'s lock file (SQLite, one machine)."""
    path = worker_lock_path(worker_id)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return False  # never taken
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        return False  # closing the handle drops the probe's lock


def _orphans(alias: str, restarted: str, *, lock: bool) -> list[DBTaskResult]:
    """The RUNNING tasks whose last worker is dead now; with ``lock``, their rows locked
    (FOR UPDATE SKIP LOCKED) for the caller's transaction."""
    query = DBTaskResult.objects.using(alias).running().only("id", "task_path", "worker_ids")
    running = list(query.select_for_update(skip_locked=True) if lock else query)
    if not running:
        return []
    postgresql = _postgresql(alias)
    live_keys, live_sessions = _live_workers(alias) if postgresql else (set(), set())

    def alive(worker_id: str) -> bool:
        if worker_id == restarted:
            return False
        if postgresql:
            return worker_lock_key(worker_id)[1] in live_keys or _hash(worker_id) in live_sessions
        return _file_lock_held(worker_id)

    return [task for task in running if not task.worker_ids or not alive(task.worker_ids[-1])]


def _last_worker(task: DBTaskResult) -> str:
    return task.worker_ids[-1] if task.worker_ids else ""


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def tasks_recover_orphans(alias: str = "default", *, restarted: str = "") -> int:
    """Put the RUNNING tasks whose last worker is dead (its lock held by nobody) back to
    READY for another worker; returns how many. Their ``worker_ids`` stay, as history.

    A task is put back only if it is seen orphaned in two looks ``CONFIRM_SECONDS`` apart:
    a live worker's lock vanishes with its session when the database restarts or the
    network blips, and the worker takes it again within ``KEEP_SECONDS``; one look in that
    window would run its task a second time beside it. So a recovery that finds orphans
    takes half a minute.

    The second look locks the rows (FOR UPDATE SKIP LOCKED) for the transaction, so two
    recoverers do not both reset one task, and a row a worker is writing right now is left
    for the next round. A worker takes its lock before it claims, so a task it claimed is
    never taken back while it lives; nor, on PostgreSQL, while a session it opened is left.

    ``restarted`` is the id of the worker calling as it starts, after
    ``worker_predecessor_wait``: it runs nothing yet, so the tasks of its id are orphans,
    put back at once; the other dead workers' tasks it finds are confirmed as above."""
    candidates = _orphans(alias, restarted, lock=False)
    if not candidates:
        return 0
    if any(_last_worker(task) != restarted or not restarted for task in candidates):
        _pause(CONFIRM_SECONDS)
    seen = {task.pk for task in candidates}
    with transaction.atomic(using=alias):
        orphans = [task for task in _orphans(alias, restarted, lock=True) if task.pk in seen]
        if not orphans:
            return 0
        recovered = (
            DBTaskResult.objects.using(alias)
            .filter(pk__in=[task.pk for task in orphans], status=TaskResultStatus.RUNNING)
            .update(status=TaskResultStatus.READY, started_at=None)
        )
    for task in orphans:
        # The id and the task's path only: its arguments may hold personal data.
        log.warning(
            "task %s (%s) of dead worker %s is back on the queue",
            task.pk,
            task.task_path,
            _last_worker(task) or "-",
        )
    return recovered
