import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from shoumen.alerts.models import Alert, AlertStatus, Cause, Outcome
from shoumen.alerts.services import alert_resolve
from shoumen.audit.models import AuditEvent
from shoumen.lib.partitions import forget_partitions, partition_name
from shoumen.observation.models import HealthReport, Observation, ReportCount, Slot
from shoumen.observation.retention import health_data_purge, health_report_partitions_ensure
from shoumen.observation.services import observation_complete
from tests.alerts.helpers import at, observe, report

pytestmark = pytest.mark.django_db

EARLY = datetime.date(2026, 9, 1)
LATER = datetime.date(2026, 10, 25)  # 30 days before NOW's date is 2026-10-21


def purge(now):
    with time_machine.travel(now, tick=False):
        return health_data_purge(now=now)


@pytest.fixture
def finished(world):
    """单明's observation from September, completed on 09-07, with a fever on 09-02."""
    with time_machine.travel(at(8, day=EARLY), tick=False):
        obs = observe(
            world, world.shan, risk_area="某市某区", reason="risk_area", arrival_date=EARLY
        )
        report(world, world.shan, day=EARLY, temperature=Decimal("37.5"))
        report(world, world.shan, day=EARLY, slot=Slot.AFTERNOON)
        fever = Alert.objects.get(cause=Cause.FEVER)
        alert_resolve(actor=world.grid_worker, alert=fever, outcome=Outcome.RECOVERED)
    with time_machine.travel(at(9, day=EARLY + datetime.timedelta(days=6)), tick=False):
        observation_complete(actor=None, observation=obs)
    return obs


NOW = at(3, day=datetime.date(2026, 11, 20))


def test_a_finished_observation_loses_its_personal_details(world, finished):
    result = purge(NOW)
    finished.refresh_from_db()
    assert finished.person is None
    assert finished.risk_area == "" and finished.reason_note == ""
    assert finished.purged_at == NOW
    assert result.observations == 1
    alert = Alert.objects.get(cause=Cause.FEVER)
    assert alert.person is None and alert.details == {}
    assert alert.status == AlertStatus.RESOLVED


def test_reports_are_deleted_and_counted(world, finished):
    purge(NOW)
    assert not HealthReport.objects.exists()
    count = ReportCount.objects.get(date=EARLY)
    assert (count.grid, count.reports, count.fevers) == (world.grid_a, 2, 1)


def test_counts_add_up_over_runs(world, finished):
    ReportCount.objects.create(grid=world.grid_a, date=EARLY, reports=3, fevers=0)
    purge(NOW)
    count = ReportCount.objects.get(date=EARLY)
    assert (count.reports, count.fevers) == (5, 1)


def test_recent_and_active_data_stay(world, finished):
    with time_machine.travel(at(8, day=LATER), tick=False):
        report(world, world.zeng, day=LATER)  # routine check-in, within the period
    with time_machine.travel(at(8, day=datetime.date(2026, 10, 15)), tick=False):
        active = observe(world, world.neighbour, period_days=60)
        report(world, world.neighbour, day=datetime.date(2026, 10, 15))  # old, but active
    purge(NOW)
    assert set(HealthReport.objects.values_list("person__name", flat=True)) == {"曾丽", "王刚"}
    active.refresh_from_db()
    assert active.person == world.neighbour


def test_a_recently_finished_observation_is_kept(world, finished):
    result = purge(datetime.datetime(2026, 10, 1, 3, tzinfo=NOW.tzinfo))
    finished.refresh_from_db()
    assert finished.person == world.shan
    assert result.observations == 0


def test_each_run_is_audited_once_with_counts(world, finished):
    purge(NOW)
    event = AuditEvent.objects.get(action="health_data.purge")
    assert event.changes["observations"] == 1
    assert event.changes["reports"] == 2
    assert event.changes["retention_days"] == 30
    assert "单明" not in str(event.changes)


def test_the_retention_period_is_a_setting(world, finished, settings):
    settings.HEALTH_DATA_RETENTION_DAYS = 90
    assert purge(NOW).observations == 0
    assert Observation.objects.get(pk=finished.pk).person == world.shan


def _partitions_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child.relname FROM pg_inherits "
            "JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
            "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
            "WHERE parent.relname = %s",
            [table],
        )
        return {name for (name,) in cursor.fetchall()}


def test_partitions_are_made_for_the_coming_week():
    first = datetime.date(2026, 11, 20)
    week = [first + datetime.timedelta(days=i) for i in range(7)]
    forget_partitions()  # what other tests made was rolled back with them
    assert health_report_partitions_ensure(day=first) == week
    if connection.vendor == "postgresql":
        table = HealthReport._meta.db_table
        assert {partition_name(table, day) for day in week} <= _partitions_of(table)
