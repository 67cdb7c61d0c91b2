"""The schedule table: which task runs when. ``shoumen scheduler`` reads it and, at each
time, enqueues the task on the django-tasks queue; ``shoumen db_worker`` runs it.

Times are local (``TIME_ZONE``). Every task is safe to run again or late: the rules count
a repeat once, and the daily jobs pick up whatever is due."""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Job:
    name: str
    task: str  # dotted path of a django-tasks task
    cron: dict[str, str]  # CronTrigger fields
    description: str

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=ZoneInfo(settings.TIME_ZONE), **self.cron)

    def enqueue(self):
        return import_string(self.task).enqueue()


def _at(value: str) -> dict[str, str]:
    """'16:30' as CronTrigger fields."""
    hour, minute = value.split(":")
    return {"hour": str(int(hour)), "minute": str(int(minute))}


def schedule() -> list[Job]:
    every = max(1, int(settings.SHOUMEN_ALERT_EVALUATION_MINUTES))
    return [
        Job(
            "alerts-evaluate",
            "shoumen.alerts.tasks.alerts_evaluate_task",
            {"minute": f"*/{every}"},
            "Non-reporting, lost-contact and release-check alerts",
        ),
        Job(
            "alerts-escalate",
            "shoumen.alerts.tasks.alerts_escalate_task",
            {"minute": f"*/{every}"},
            "Overdue alerts up the escalation ladder",
        ),
        Job(
            "observations-complete",
            "shoumen.observation.tasks.observations_auto_complete_task",
            {"minute": "20"},
            "Complete observations at the end of their period",
        ),
        Job(
            "report-partitions",
            "shoumen.observation.tasks.health_report_partitions_task",
            {"hour": "0", "minute": "5"},
            "Health report partitions for the next 7 days",
        ),
        Job(
            "health-data-retention",
            "shoumen.observation.tasks.health_data_purge_task",
            _at(settings.SHOUMEN_RETENTION_AT),
            "Purge personal health data past the retention period",
        ),
        Job(
            "officials-digest",
            "shoumen.alerts.tasks.digests_send_task",
            _at(settings.SHOUMEN_DIGEST_AT),
            "Daily digest for street and district officers",
        ),
    ]
