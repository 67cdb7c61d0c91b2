"""Several `shoumen db_worker` processes share one queue and never run a task twice: a
worker claims a task in a transaction (SELECT … FOR UPDATE SKIP LOCKED, then marks it
running), so the other skips it. Run for real, on PostgreSQL, where the test database is
one other processes can open."""

import time
from collections import Counter

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from tests.ops.background import (  # noqa: F401
    RUNS_TABLE,
    Process,
    needs_postgresql,
    record_run,
    runs_table,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    needs_postgresql,
]

BATCH = 200


@pytest.mark.usefixtures("runs_table")
def test_two_worker_processes_run_each_task_of_a_batch_once_between_them(tmp_path):
    arguments = ("db_worker", "--interval", "0.05", "--no-startup-delay", "--no-reload")
    workers = [Process(tmp_path / f"worker-{n}.log", *arguments, "--skip-checks") for n in (1, 2)]
    tasks = DBTaskResult.objects.filter(task_path=record_run.module_path)
    try:
        for worker in workers:
            worker.wait_for("Starting worker", timeout=60)
        # All at once, with both workers waiting for work.
        with transaction.atomic():
            for number in range(BATCH):
                record_run.enqueue(number)
        deadline = time.monotonic() + 30
        while tasks.filter(status__in=["SUCCESSFUL", "FAILED"]).count() < BATCH:
            assert time.monotonic() < deadline, "\n".join(w.output() for w in workers)
            time.sleep(0.1)
    finally:
        for worker in workers:
            worker.terminate()
        statuses = [worker.stop() for worker in workers]

    assert statuses == [0, 0], "\n".join(w.output() for w in workers)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, pid FROM {RUNS_TABLE}")  # noqa: S608
        runs = cursor.fetchall()
    times_run = Counter(number for number, _ in runs)
    assert sorted(times_run) == list(range(BATCH))
    assert set(times_run.values()) == {1}, [n for n, times in times_run.items() if times > 1]
    # Each task was claimed by one worker (which of the two took how many is the
    # scheduler's: one descheduled for the whole batch may take none).
    assert {pid for _, pid in runs} <= {worker.pid for worker in workers}
    assert set(tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert {len(ids) for ids in tasks.values_list("worker_ids", flat=True)} == {1}
