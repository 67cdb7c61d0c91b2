"""Any number of `shoumen scheduler` processes: one leads, the others take over when it
dies, and a job is enqueued once for each of its times, even by two leaders at once.

The rule of once a time is tested in this process (SQLite and PostgreSQL); the processes
themselves on PostgreSQL, where the test database is one another process can open."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shoumen.ops.models import ScheduledRun
from shoumen.ops.scheduler import (
    AdvisoryLock,
    FileLock,
    Scheduler,
    job_enqueue_once,
    scheduled_runs_prune,
)
from tests.ops.background import Process, every_second, needs_postgresql, tick

SCHEDULE = "tests.ops.background.every_second"
RETRY = 1.0
AT = datetime.datetime(2026, 12, 6, 9, 0, tzinfo=datetime.UTC)


def tick_tasks():
    return DBTaskResult.objects.filter(task_path=tick.module_path)


def tick_task_ids() -> list[str]:
    return sorted(str(pk) for pk in tick_tasks().values_list("id", flat=True))


# The rule, in this process -------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_is_enqueued_once_for_each_of_its_times():
    (job,) = every_second()
    first = job_enqueue_once(job=job, scheduled_for=AT)
    again = job_enqueue_once(job=job, scheduled_for=AT)
    later = job_enqueue_once(job=job, scheduled_for=AT + datetime.timedelta(seconds=1))

    assert first is not None and later is not None
    assert again is None
    # The refused attempt's task went with its transaction: one task a time, no more.
    assert tick_task_ids() == sorted([first.task_id, later.task_id])
    assert list(ScheduledRun.objects.values_list("scheduled_for", flat=True).order_by("pk")) == [
        AT,
        AT + datetime.timedelta(seconds=1),
    ]


@pytest.mark.django_db
def test_a_job_enqueued_by_hand_records_no_time_and_may_be_enqueued_again(capsys):
    for _ in range(2):
        call_command("scheduler", "--schedule", SCHEDULE, "--enqueue", "tick")
    assert tick_tasks().count() == 2
    assert not ScheduledRun.objects.exists()
    assert capsys.readouterr().out.count("tick: enqueued ") == 2


@pytest.mark.django_db
def test_runs_older_than_three_days_are_pruned():
    now = timezone.now()
    for days in (1, 2.9, 3.1, 10):
        ScheduledRun.objects.create(
            job="tick", scheduled_for=now - datetime.timedelta(days=days), task_id="x"
        )
    assert scheduled_runs_prune(now=now) == 2
    assert ScheduledRun.objects.count() == 2
    assert not ScheduledRun.objects.filter(scheduled_for__lt=now - datetime.timedelta(days=3))


@pytest.mark.django_db
def test_a_scheduler_that_no_longer_holds_the_lock_enqueues_nothing():
    class Lost:
        def acquire(self) -> bool:
            return True

        def held(self) -> bool:
            return False

        def release(self) -> None:
            pass

    (job,) = every_second()
    Scheduler([job], lock=Lost(), retry=RETRY)._enqueue(job, scheduled_for=AT)
    assert not tick_tasks().exists()
    assert not ScheduledRun.objects.exists()


def test_one_process_holds_the_file_lock_until_it_lets_go(tmp_path):
    path = tmp_path / "scheduler.lock"
    leader, other = FileLock(path), FileLock(path)
    assert leader.acquire() and leader.held()
    assert not other.acquire() and not other.held()
    leader.release()
    assert not leader.held()
    assert other.acquire() and other.held()
    other.release()


@needs_postgresql
@pytest.mark.django_db
def test_the_advisory_lock_passes_on_when_its_session_ends():
    leader, other = AdvisoryLock(), AdvisoryLock()
    try:
        assert leader.acquire() and leader.held()
        assert not other.acquire() and not other.held()
        # The database ends the leader's session (a restart, a network cut).
        pid = leader._connection.info.backend_pid  # type: ignore[union-attr]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert not leader.held()
        assert other.acquire() and other.held()
    finally:
        leader.release()
        other.release()


# The processes, on PostgreSQL ----------------------------------------------------------


def start_pair(tmp_path) -> tuple[Process, Process, float]:
    """Two schedulers started at once; returns (leader, follower, when the leader led)."""
    arguments = (
        "scheduler",
        "--schedule",
        SCHEDULE,
        "--retry-seconds",
        str(RETRY),
        "--skip-checks",
    )
    pair = [Process(tmp_path / f"scheduler-{n}.log", *arguments) for n in (1, 2)]
    led_at: dict[Process, float] = {}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for p in pair:
            if p not in led_at and " leads" in p.output():
                led_at[p] = time.monotonic()
        following = [p for p in pair if " follows" in p.output()]
        if led_at and following:
            (leader,) = led_at
            return leader, following[0], led_at[leader]
        if any(p.popen.poll() is not None for p in pair):
            break
        time.sleep(0.05)
    for p in pair:
        p.stop()
    raise AssertionError("\n".join(p.output() for p in pair))


def enqueued_runs() -> list[ScheduledRun]:
    """The tick job's enqueued times, in order, checking that each has its one task."""
    runs = list(ScheduledRun.objects.filter(job="tick").order_by("scheduled_for"))
    assert tick_task_ids() == sorted(run.task_id for run in runs)
    return runs


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_scheduler_processes_have_one_leader_that_enqueues_each_second_once(tmp_path):
    leader, follower, led_at = start_pair(tmp_path)
    try:
        time.sleep(5)
    finally:
        stopped_at = time.monotonic()
        # Both at once: stopped first, the leader would hand the follower the lead.
        follower.terminate()
        leader.terminate()
        statuses = [follower.stop(), leader.stop()]

    assert statuses == [0, 0], leader.output() + follower.output()
    assert " leads" not in follower.output()
    times = [run.scheduled_for for run in enqueued_runs()]
    # Each second from the lead on at most once; a second more than one late is coalesced
    # into the next (a loaded machine), so a gap of two or three, and a few fewer than
    # the span.
    assert len(set(times)) == len(times), times
    span = (times[-1] - times[0]).total_seconds()
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps, default=1) <= 3, times
    assert len(times) >= span * 0.8, times
    assert len(times) <= stopped_at - led_at + 3, times  # a late start looks back once only


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_when_the_leader_dies_the_other_takes_over_without_doubling_a_time(tmp_path):
    leader, follower, _ = start_pair(tmp_path)
    try:
        time.sleep(2)
        leader.kill()
        killed_at, killed_when = time.monotonic(), timezone.now()
        took_over_at = follower.wait_for(" leads", timeout=RETRY + 10)
        time.sleep(2)
    finally:
        leader.stop()
        assert follower.stop() == 0, follower.output()

    assert took_over_at - killed_at <= RETRY + 5, follower.output()
    runs = enqueued_runs()
    times = [run.scheduled_for for run in runs]
    assert len(set(times)) == len(times)
    assert any(run.enqueued_at < killed_when for run in runs)
    assert any(run.enqueued_at > killed_when for run in runs)
    # The seconds between the kill and the takeover are
    # coalesced into one, so no gap is longer than the takeover took.
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert max(gaps) <= RETRY + 6, times
