"""`shoumen scheduler --now` runs every scheduled job once, in order, and exits non-zero
when any failed; each job leaves its effect in the database and a log line."""

import datetime
import logging

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks import task

from shoumen.alerts.models import Alert, AlertStatus, Cause, EscalationLevel, Notification
from shoumen.alerts.services import alert_raise
from shoumen.lib.partitions import forget_partitions, partition_name
from shoumen.observation.models import HealthReport, Observation, ObservationStatus
from shoumen.observation.services import observation_complete
from shoumen.ops.management.commands import scheduler as scheduler_command
from shoumen.schedule import Job, schedule
from tests.alerts.helpers import DAY, at, observe

pytestmark = pytest.mark.django_db

NOW = at(10, 5, day=DAY)
LONG_AGO = datetime.date(2026, 9, 1)


@task()
def failing_task() -> None:
    raise RuntimeError("the job broke")


@pytest.fixture
def due_work(world):
    """Something for every job to do at NOW."""
    # Retention: 李强's observation finished in September.
    with time_machine.travel(at(8, day=LONG_AGO), tick=False):
        old = observe(world, world.person("李强"), period_days=5)
    with time_machine.travel(at(9, day=LONG_AGO + datetime.timedelta(days=5)), tick=False):
        observation_complete(actor=None, observation=old)
    # Completion: 单明's five days ended last week.
    with time_machine.travel(at(8, day=DAY - datetime.timedelta(days=10)), tick=False):
        ended = observe(world, world.shan, period_days=5)
    # Non-reporting: 曾丽 is observed since 08:00 and sent no morning report.
    with time_machine.travel(at(8), tick=False):
        observe(world, world.zeng)
    # Escalation: 王刚's fever alert was due at 09:00 and nobody acknowledged it.
    with time_machine.travel(at(7), tick=False):
        fever, _ = alert_raise(person=world.neighbour, cause=Cause.FEVER, details={}, now=at(7))
    return {"old": old, "ended": ended, "fever": fever}


def run_now(*names: str):
    with time_machine.travel(NOW, tick=False):
        forget_partitions()
        call_command("scheduler", "--now", *names)


def test_scheduler_now_runs_every_job_once_in_order(world, due_work, capsys, caplog):
    caplog.set_level(logging.INFO, logger="shoumen.schedule")
    run_now()

    lines = capsys.readouterr().out.splitlines()
    names = [job.name for job in schedule()]
    assert [line.split()[0] for line in lines] == names
    assert all(" ok " in line for line in lines)
    ran = [r.getMessage().split()[2] for r in caplog.records if " ran in " in r.getMessage()]
    assert ran == names

    # alerts-evaluate: 曾丽's missing morning report
    assert Alert.objects.filter(person=world.zeng, cause=Cause.NON_REPORTING).exists()
    # alerts-escalate: the overdue fever alert went up to the community
    due_work["fever"].refresh_from_db()
    assert due_work["fever"].level == EscalationLevel.COMMUNITY
    assert due_work["fever"].status == AlertStatus.OPEN
    # observations-complete
    assert Observation.objects.get(pk=due_work["ended"].pk).status == ObservationStatus.COMPLETED
    # health-data-retention: the September observation lost its person
    assert Observation.objects.get(pk=due_work["old"].pk).person is None
    # officials-digest: the street officer's inbox
    assert Notification.objects.filter(recipient=world.street_officer).exists()
    # report-partitions: the coming week's partitions (PostgreSQL)
    if connection.vendor == "postgresql":
        table = HealthReport._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT child.relname FROM pg_inherits "
                "JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
                "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
                "WHERE parent.relname = %s",
                [table],
            )
            made = {name for (name,) in cursor.fetchall()}
        week = [DAY + datetime.timedelta(days=i) for i in range(7)]
        assert {partition_name(table, day) for day in week} <= made


def test_scheduler_now_runs_only_the_jobs_named(world, due_work, capsys):
    run_now("observations-complete")
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [
        "observations-complete"
    ]
    assert Observation.objects.get(pk=due_work["ended"].pk).status == ObservationStatus.COMPLETED
    assert not Alert.objects.filter(cause=Cause.NON_REPORTING).exists()


def test_scheduler_now_refuses_an_unknown_job(world):
    with pytest.raises(CommandError, match="No job named 'nightly'"):
        run_now("nightly")


def test_a_failing_job_fails_the_run_after_the_others_ran(world, due_work, capsys, monkeypatch):
    broken = Job("broken", f"{__name__}.failing_task", {"minute": "0"}, "Always fails")

    def with_a_broken_job():
        jobs = schedule()
        return [jobs[0], broken, *jobs[1:]]

    monkeypatch.setattr(scheduler_command, "schedule", with_a_broken_job)
    total = len(schedule()) + 1
    with pytest.raises(CommandError, match=f"1 of {total} jobs failed: broken") as failure:
        run_now()
    assert failure.value.returncode == 1
    out = capsys.readouterr().out
    assert "FAILED RuntimeError('the job broke')" in out
    # The jobs after the broken one still ran.
    assert Observation.objects.get(pk=due_work["ended"].pk).status == ObservationStatus.COMPLETED
    assert Notification.objects.filter(recipient=world.street_officer).exists()
