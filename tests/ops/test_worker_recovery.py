"""A worker killed mid-task leaves no task RUNNING for ever: its lock died with it, so the
next worker (at its start, or the schedule's minute job) puts the task back on the queue,
and a task whose worker lives is never taken back.

The rule is tested in this process (SQLite and PostgreSQL); real processes killed with
SIGKILL on PostgreSQL, where the test database is one other processes can open."""

import logging
import os
import threading
import time
import uuid
from collections import Counter

import pytest
from django.core.management import CommandError, call_command, get_commands
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shoumen.ledgers import import_jobs
from shoumen.ledgers.import_jobs import import_job_check, import_job_create, import_job_run
from shoumen.ledgers.importing import writing
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.ops import workers
from shoumen.ops.management.commands import db_worker
from shoumen.ops.scheduler import AdvisoryLock, FileLock
from shoumen.ops.workers import (
    tasks_recover_orphans,
    worker_lock,
    worker_lock_held,
    worker_lock_path,
    worker_predecessor_wait,
    worker_session_name,
)
from shoumen.registry.models import Person
from tests.ledgers.ledgers import csv_bytes, resident_id
from tests.ops.background import (  # noqa: F401
    RUNS_TABLE,
    Process,
    needs_postgresql,
    runs_table,
    slow_run,
    tick,
)

# The module's own, before the tests here patch it.
CONFIRM_DEFAULT = workers.CONFIRM_SECONDS
WORKER = ("db_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload", "--skip-checks")


@pytest.fixture(autouse=True)
def var_dir(settings, tmp_path):
    """Lock files (SQLite) in a directory of the test's own."""
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture(autouse=True)
def confirm_at_once(monkeypatch):
    """The two looks of a recovery without the half minute between them."""
    monkeypatch.setattr(workers, "CONFIRM_SECONDS", 0)


@pytest.fixture
def live_worker():
    """Worker ids whose lock this test holds, as a running worker holds its own."""
    locks = []

    def hold(worker_id: str) -> str:
        lock = worker_lock(worker_id)
        assert lock.acquire()
        locks.append(lock)
        return worker_id

    yield hold
    for lock in locks:
        lock.release()


def task_with(status: str, *worker_ids: str) -> DBTaskResult:
    result = tick.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = status
    row.worker_ids = list(worker_ids)
    row.started_at = timezone.now() if worker_ids else None
    row.save()
    return row


# The rule, in this process -------------------------------------------------------------


def test_the_worker_command_is_the_one_that_holds_a_lock():
    assert get_commands()["db_worker"] == "shoumen.ops"


@pytest.mark.django_db
def test_a_running_task_of_a_dead_worker_goes_back_to_the_queue(caplog):
    caplog.set_level(logging.WARNING, logger="shoumen.ops.workers")
    orphan = task_with("RUNNING", "gone")

    assert tasks_recover_orphans() == 1

    orphan.refresh_from_db()
    assert (orphan.status, orphan.started_at, orphan.worker_ids) == ("READY", None, ["gone"])
    assert str(orphan.pk) in caplog.text and tick.module_path in caplog.text
    # Ready for the next worker.
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()


@pytest.mark.django_db
def test_a_running_task_of_a_live_worker_is_left_alone(live_worker):
    busy = task_with("RUNNING", "gone-before", live_worker("alive"))

    assert tasks_recover_orphans() == 0

    busy.refresh_from_db()
    assert (busy.status, busy.worker_ids) == ("RUNNING", ["gone-before", "alive"])
    assert busy.started_at is not None


@pytest.mark.django_db
def test_only_the_last_worker_of_a_task_counts(live_worker):
    taken_over_and_died = task_with("RUNNING", live_worker("alive"), "gone")

    assert tasks_recover_orphans() == 1

    taken_over_and_died.refresh_from_db()
    assert taken_over_and_died.status == "READY"


@pytest.mark.django_db
def test_finished_and_waiting_tasks_are_untouched():
    rows = [task_with(status, "gone") for status in ("SUCCESSFUL", "FAILED")] + [task_with("READY")]

    assert tasks_recover_orphans() == 0

    assert [DBTaskResult.objects.get(pk=row.pk).status for row in rows] == [
        "SUCCESSFUL",
        "FAILED",
        "READY",
    ]


@pytest.mark.django_db
def test_a_lock_dropped_by_its_worker_frees_its_tasks():
    lock = worker_lock("leaving")
    assert lock.acquire()
    task = task_with("RUNNING", "leaving")
    assert tasks_recover_orphans() == 0

    lock.release()

    assert tasks_recover_orphans() == 1
    task.refresh_from_db()
    assert task.status == "READY"


def test_a_recovery_confirms_for_longer_than_a_worker_takes_to_retake_its_lock():
    # Two rounds of the keeper: a lock lost just after one check is back after the next.
    assert CONFIRM_DEFAULT > 2 * workers.KEEP_SECONDS


@pytest.mark.django_db
def test_a_task_seen_orphaned_once_only_is_left_alone(monkeypatch):
    """A live worker whose lock vanished (the database restarted) and which took it again
    before the second look keeps its task."""
    task = task_with("RUNNING", "blipped")
    retaken = []

    def worker_retakes_its_lock(seconds):
        lock = worker_lock("blipped")
        assert lock.acquire()
        retaken.append(lock)

    monkeypatch.setattr(workers, "_pause", worker_retakes_its_lock)
    try:
        assert tasks_recover_orphans() == 0
    finally:
        for lock in retaken:
            lock.release()

    assert retaken
    task.refresh_from_db()
    assert task.status == "RUNNING"


@pytest.mark.django_db
def test_a_worker_started_again_takes_back_its_own_tasks_without_waiting(monkeypatch, live_worker):
    task = task_with("RUNNING", live_worker("node-2"))
    monkeypatch.setattr(workers, "_pause", lambda seconds: pytest.fail("waited"))

    assert tasks_recover_orphans(restarted="node-2") == 1

    task.refresh_from_db()
    assert task.status == "READY"


@pytest.mark.django_db
def test_a_worker_that_cannot_take_back_its_predecessors_tasks_exits(monkeypatch):
    attempts = []

    def failing(**kwargs):
        attempts.append(kwargs)
        raise RuntimeError("database gone")

    monkeypatch.setattr(db_worker, "tasks_recover_orphans", failing)
    monkeypatch.setattr(db_worker, "RETRY_PAUSES", (0.0, 0.0))
    with pytest.raises(CommandError, match="could not recover its predecessor's tasks"):
        call_command("db_worker", "--worker-id", "unlucky", "--batch", "--no-startup-delay")
    assert attempts == [{"restarted": "unlucky"}] * 3


@pytest.mark.django_db
def test_a_worker_starting_while_a_recovery_probes_its_lock_file_still_starts():
    if connection.vendor == "postgresql":
        pytest.skip("lock files are the SQLite set-up's")
    probe = FileLock(worker_lock_path("starting"))
    assert probe.acquire()  # what _file_lock_held holds for an instant
    threading.Timer(0.2, probe.release).start()

    with worker_lock_held("starting") as lock:
        assert lock.held()
    # Left behind, unlocked: it reads as a dead worker's.
    assert worker_lock_path("starting").exists()
    assert not workers._file_lock_held("starting")


@pytest.mark.django_db
def test_a_worker_started_again_under_its_id_takes_back_its_predecessors_tasks(live_worker):
    task = task_with("RUNNING", live_worker("node-1"))

    assert tasks_recover_orphans() == 0  # to the others, node-1 lives
    assert tasks_recover_orphans(restarted="node-1") == 1  # node-1 itself runs nothing yet

    task.refresh_from_db()
    assert task.status == "READY"


@needs_postgresql
@pytest.mark.django_db
def test_a_statement_of_a_dead_worker_still_running_keeps_its_task():
    task = task_with("RUNNING", "gone")
    # A session named as the dead worker's were, its lock gone: what a statement sent
    # before the kill leaves, until it ends.
    lingering = AdvisoryLock(application_name=worker_session_name("gone", instance="1-000000"))
    lingering._connection = lingering._connect()
    try:
        assert tasks_recover_orphans() == 0
    finally:
        lingering.release()

    wait_until(lambda: tasks_recover_orphans() == 1, 30)  # once its backend has ended
    task.refresh_from_db()
    assert task.status == "READY"


@needs_postgresql
@pytest.mark.django_db
def test_a_predecessor_with_this_processs_pid_is_waited_for_up_to_a_limit(monkeypatch, caplog):
    """In a container a worker started again has its predecessor's PID: their sessions
    differ by the instance tag. A session that outlives the limit no longer holds it up."""
    caplog.set_level(logging.WARNING, logger="shoumen.ops.workers")
    monkeypatch.setattr(workers, "PREDECESSOR_WAIT_SECONDS", 0.5)
    same_pid = f"{os.getpid()}-000000"
    assert worker_session_name("boxed", instance=same_pid) != worker_session_name("boxed")
    lingering = AdvisoryLock(application_name=worker_session_name("boxed", instance=same_pid))
    lingering._connection = lingering._connect()
    try:
        started = time.monotonic()
        worker_predecessor_wait("boxed")
        waited = time.monotonic() - started
    finally:
        lingering.release()

    assert 0.5 <= waited < 10
    assert "waits for its predecessor's statements" in caplog.text
    assert "going on" in caplog.text


@pytest.mark.django_db
def test_a_worker_id_is_held_by_one_worker_at_a_time(live_worker):
    live_worker("taken")
    assert not worker_lock("taken").acquire()
    with pytest.raises(CommandError, match="held by a running worker"):
        call_command("db_worker", "--worker-id", "taken", "--batch", "--no-startup-delay")


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_runs_the_tasks_of_a_dead_one():
    orphan = task_with("RUNNING", "gone")

    call_command("db_worker", "--worker-id", "heir", "--batch", "--no-startup-delay", "--no-reload")

    orphan.refresh_from_db()
    assert (orphan.status, orphan.worker_ids) == ("SUCCESSFUL", ["gone", "heir"])
    # It let go of its lock when it stopped.
    after = worker_lock("heir")
    assert after.acquire()
    after.release()


# A ledger import run again after its worker died ----------------------------------------


class Killed(BaseException):
    """What a task sees of kill -9: nothing after this point runs; the database drops the
    transaction that was open."""


def killed(*args, **kwargs):
    raise Killed


@pytest.fixture
def confirmed_import(world, settings):
    """A checked one-person ledger, confirmed: the task that imports it is on the queue."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    ledger = [[1, "张三", "男", resident_id("19800101", 1, male=True), "", "5号楼", "2", "302"]]
    job = import_job_create(
        actor=world.community_staff,
        org_unit=world.grid_a,
        filename="台账.csv",
        data=csv_bytes([[*row, "户主", ""] for row in ledger]),
    )
    job = import_job_check(actor=world.community_staff, job=job)
    assert job.status == ImportStatus.CHECKED
    # As import_job_confirm leaves it, without running the task here.
    job.status, job.confirmed_by = ImportStatus.IMPORTING, world.community_staff
    job.save(update_fields=["status", "confirmed_by"])
    return job


def test_an_import_killed_mid_commit_and_run_again_writes_its_rows_once(
    confirmed_import, monkeypatch
):
    before = Person.objects.count()
    monkeypatch.setattr(writing, "_write_audit_events", killed)
    with pytest.raises(Killed):
        import_job_run(confirmed_import.pk)
    assert Person.objects.count() == before  # the transaction went with the process
    monkeypatch.undo()

    import_job_run(confirmed_import.pk)  # the next worker

    job = ImportJob.objects.get(pk=confirmed_import.pk)
    assert (job.status, job.counts["new"]) == (ImportStatus.DONE, 1)
    assert Person.objects.count() == before + 1


def test_an_import_killed_after_its_commit_and_run_again_adds_nothing(
    confirmed_import, monkeypatch
):
    before = Person.objects.count()
    monkeypatch.setattr(import_jobs, "_finish", killed)
    with pytest.raises(Killed):
        import_job_run(confirmed_import.pk)
    assert Person.objects.count() == before + 1
    assert ImportJob.objects.get(pk=confirmed_import.pk).status == ImportStatus.IMPORTING
    monkeypatch.undo()

    import_job_run(confirmed_import.pk)  # the next worker

    job = ImportJob.objects.get(pk=confirmed_import.pk)
    assert Person.objects.count() == before + 1
    # Done; its counts are those of the second run, which found the person already there.
    assert job.status == ImportStatus.DONE
    assert (job.counts["new"], job.counts["unchanged"]) == (0, 1)


# Real processes, killed ----------------------------------------------------------------


def runs() -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, pid FROM {RUNS_TABLE}")  # noqa: S608
        return cursor.fetchall()


def wait_until(condition, timeout: float, *workers: Process) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "\n".join(w.output() for w in workers)
        time.sleep(0.05)


def worker(tmp_path, name: str, log: str = "") -> Process:
    process = Process(tmp_path / f"{log or name}.log", *WORKER, "--worker-id", name)
    try:
        process.wait_for("Starting worker", timeout=60)
    except AssertionError:
        process.stop()
        raise
    return process


def sessions_named(name: str, query: str = "") -> int:
    """The sessions whose application_name is LIKE ``name``, running ``query``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s"
            " AND query LIKE %s",
            [name, f"%{query}%"],
        )
        return cursor.fetchone()[0]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("runs_table")
def test_a_task_whose_worker_was_killed_runs_again_to_the_end_once(tmp_path):
    until = tmp_path / "end"
    worker_id = f"node-{uuid.uuid4().hex[:8]}"
    doomed = worker(tmp_path, worker_id, "doomed")
    name = worker_session_name(worker_id, instance=f"{doomed.pid}-%")
    heir = None
    try:
        with transaction.atomic():
            task_id = slow_run.enqueue(1, str(until), 10).id
        task = DBTaskResult.objects.filter(pk=task_id)
        wait_until(lambda: sessions_named(name, "pg_sleep"), 30, doomed)
        doomed.kill()  # SIGKILL in the middle of a statement: no chance to mark anything
        lock_gone = worker_lock(worker_id)
        wait_until(lock_gone.acquire, 30, doomed)
        lock_gone.release()
        # Its lock went with it, but its statement runs on in PostgreSQL: not yet.
        assert tasks_recover_orphans() == 0
        assert task.get().status == "RUNNING"
        wait_until(lambda: not sessions_named(name), 30, doomed)
        until.touch()  # the next run goes to its end

        # Started again under its id, as systemd does: it takes its own tasks back at once.
        heir = worker(tmp_path, worker_id, "heir")
        wait_until(lambda: task.get().status in ("SUCCESSFUL", "FAILED"), 30, heir)
        time.sleep(0.5)  # time enough for a third run to show, were there one
    finally:
        statuses = [process.stop() for process in (doomed, heir) if process is not None]

    row = task.get()
    assert row.status == "SUCCESSFUL", heir.output()
    assert row.worker_ids == [worker_id, worker_id]
    assert Counter(pid for _, pid in runs()) == {doomed.pid: 1, heir.pid: 1}
    assert f"task {task_id} ({slow_run.module_path}) of dead worker" in heir.output()
    assert statuses[1] == 0


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("runs_table")
def test_a_task_of_a_live_busy_worker_is_never_taken_back(tmp_path):
    until = tmp_path / "end"
    busy = worker(tmp_path, f"busy-{uuid.uuid4().hex[:8]}")
    other = None
    try:
        with transaction.atomic():
            task_id = slow_run.enqueue(1, str(until)).id
        task = DBTaskResult.objects.filter(pk=task_id)
        wait_until(lambda: runs(), 30, busy)
        other = worker(tmp_path, f"other-{uuid.uuid4().hex[:8]}")  # recovers as it starts
        assert tasks_recover_orphans() == 0  # and as the schedule's job does
        assert task.get().status == "RUNNING"
        until.touch()
        wait_until(lambda: task.get().status in ("SUCCESSFUL", "FAILED"), 30, busy, other)
    finally:
        statuses = [process.stop() for process in (busy, other) if process is not None]

    row = task.get()
    assert (row.status, row.worker_ids) == ("SUCCESSFUL", [busy.path.stem])
    assert runs() == [(1, busy.pid)]
    assert "dead worker" not in other.output()
    assert statuses == [0, 0]
