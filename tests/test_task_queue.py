"""The task queue runs for real: a `shoumen db_worker` process takes ledger imports and
scheduled jobs off the database queue (django-tasks-db) and records what happened.

The worker is a separate process, so it must see the test database: these tests commit
(``transaction=True``) and run on PostgreSQL, where the test database is a named database
another process can open (SQLite's test database lives in this process's memory)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult

from shoumen.accounts.models import User
from shoumen.ledgers.import_jobs import import_job_check, import_job_confirm, import_job_create
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.ledgers.tasks import import_job_task
from shoumen.registry.models import Person
from shoumen.schedule import schedule
from tests.ledgers.ledgers import resident_id, xlsx
from tests.personas import World, build_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process needs a database it can open (PostgreSQL)",
    ),
]

ZHANG = resident_id("19800101", 1, male=True)
LI = resident_id("19851231", 2, male=False)


@pytest.fixture
def committed_world() -> World:
    # Transactional tests empty the database afterwards: build the world again if needed.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    return World()


def database_url() -> str:
    """The test database, as the worker process is told it through DATABASE_URL."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def shoumen(*arguments: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run the `shoumen` command in its own process against the test database."""
    env = {k: v for k, v in os.environ.items() if k != "SHOUMEN_TASKS_BACKEND"}
    env.update(DATABASE_URL=database_url(), PYTHONPATH=str(settings.BASE_DIR))
    return subprocess.run(
        [sys.executable, "-m", "shoumen.cli", *arguments],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run_worker() -> subprocess.CompletedProcess:
    done = shoumen("db_worker", "--batch", "--no-startup-delay", "--interval", "0.1", "--no-reload")
    assert done.returncode == 0, done.stderr
    return done


def ledger() -> bytes:
    return xlsx(
        [
            [1, "张三", "男", ZHANG, "13800001111", "5号楼", "2", "302", "户主", ""],
            [2, "李四", "女", LI, "", "5号楼", "2", "302", "配偶", ""],
        ]
    )


def test_a_worker_process_checks_and_imports_a_ledger_from_the_queue(committed_world):
    w = committed_world
    job = import_job_create(
        actor=w.community_staff, org_unit=w.grid_a, filename="台账.xlsx", data=ledger()
    )

    job = import_job_check(actor=w.community_staff, job=job)
    assert job.status == ImportStatus.CHECKING and job.task_id
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    assert job.counts["new"] == 2 and job.counts["bad"] == 0, job.errors
    assert not Person.objects.filter(name__in=["张三", "李四"]).exists()  # a check writes nothing

    job = import_job_confirm(actor=w.community_staff, job=job, skip_bad_rows=False)
    assert job.status == ImportStatus.IMPORTING
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.finished_at is not None
    imported = Person.objects.filter(name__in=["张三", "李四"], grid=w.grid_a)
    assert sorted(imported.values_list("name", flat=True)) == ["张三", "李四"]
    assert DBTaskResult.objects.filter(task_path__endswith="import_job_task").count() == 2
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_background_import_that_fails_is_recorded_as_failed_and_shown_to_its_user(
    committed_world, client
):
    w = committed_world
    # A workbook that passes the upload's cheap checks but has no header row to import by:
    # the worker finds out.
    nameless = xlsx(
        [["甲", "乙", "丙"], [1, 2, 3]], headers=["一", "二", "三"], title=None, note=None
    )
    job = import_job_create(
        actor=w.community_staff, org_unit=w.grid_a, filename="台账.xlsx", data=nameless
    )
    import_job_check(actor=w.community_staff, job=job)
    run_worker()

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message and job.finished_at is not None
    client.force_login(w.community_staff)
    page = client.get(reverse("ledgers:import_job", args=[job.pk]))
    assert page.status_code == 200
    assert escape(job.message) in page.content.decode()
    assert Person.objects.filter(grid=w.grid_a).count() == 3  # the world's three, no more


def test_a_task_that_raises_is_recorded_as_failed_with_its_error(committed_world):
    missing = ImportJob.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    result = import_job_task.enqueue(missing + 1000)
    run_worker()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED"
    assert row.exception_class_path.endswith("DoesNotExist")
    assert "DoesNotExist" in row.traceback


def test_the_scheduler_process_runs_every_job_once_and_exits_zero(committed_world):
    done = shoumen("scheduler", "--now")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [job.name for job in schedule()]
    assert all(" ok " in line for line in lines)


def test_the_scheduler_process_exits_non_zero_when_it_cannot_run_a_job(committed_world):
    done = shoumen("scheduler", "--now", "nightly")
    assert done.returncode == 1
    assert "No job named 'nightly'" in done.stderr


def test_a_scheduled_job_put_on_the_queue_is_run_by_the_worker(committed_world):
    done = shoumen("scheduler", "--enqueue", "report-partitions")
    assert done.returncode == 0, done.stderr
    run_worker()
    row = DBTaskResult.objects.get(task_path__endswith="health_report_partitions_task")
    assert row.status == "SUCCESSFUL"
    assert len(row.return_value) == 7
