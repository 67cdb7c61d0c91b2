"""Scheduled work on key persons (see ``shoumen.schedule``)."""

from dataclasses import asdict

from django_tasks import task

from shoumen.observation.completion import observations_auto_complete
from shoumen.observation.retention import health_data_purge, health_report_partitions_ensure


@task()
def observations_auto_complete_task() -> int:
    return observations_auto_complete()


@task()
def health_data_purge_task() -> dict[str, int]:
    return asdict(health_data_purge())


@task()
def health_report_partitions_task() -> list[str]:
    return [d.isoformat() for d in health_report_partitions_ensure()]
