"""The schedule table: which task runs when. ``shoumen scheduler`` reads it and, at each
time, enqueues the task on the django-tasks queue; ``shoumen db_worker`` runs it. Of many
scheduler processes one leads, and each time of a job is enqueued once
(``shoumen.ops.scheduler``).

Times are local (``TIME_ZONE``). Every task is safe to run again or late: the rules count
a repeat once, and the daily jobs pick up whatever is due."""

import logging
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("shoumen.schedule")


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

    def run(self) -> "JobRun":
        """Run the job here and now, not through the queue; a failure is returned, not
        raised, so the jobs after it still run."""
        started = time.perf_counter()
        try:
            result = import_string(self.task).call()
        except Exception as error:
            seconds = time.perf_counter() - started
            log.exception("scheduled job %s failed after %.2f s", self.name, seconds)
            return JobRun(self.name, ok=False, seconds=seconds, error=repr(error))
        seconds = time.perf_counter() - started
        log.info("scheduled job %s ran in %.2f s", self.name, seconds)
        return JobRun(self.name, ok=True, seconds=seconds, result=result)


@dataclass(frozen=True)
class JobRun:
    name: str
    ok: bool
    seconds: float
    result: Any = None
    error: str = ""


def run_now(jobs: list[Job]) -> list[JobRun]:
    """Run each job once, in order (``shoumen scheduler --now``)."""
    return [job.run() for job in jobs]


def _at(value: str) -> dict[str, str]:
    """'16:30' as CronTrigger fields."""
    hour, minute = value.split(":")
    return {"hour": str(int(hour)), "minute": str(int(minute))}


def _every_seconds(seconds: int) -> dict[str, str]:
    """Every ``seconds`` (under a minute: within each minute; else whole minutes)."""
    if seconds < 60:
        return {"second": f"*/{max(1, seconds)}"}
    return {"minute": f"*/{seconds // 60}"}


def _quarter_hours_after(value: str) -> dict[str, str]:
    """Every 15 minutes, starting a minute after the minute of '16:00' (:01, :16, :31, :46)."""
    first = (int(value.split(":")[1]) + 1) % 15
    return {"minute": ",".join(str(first + 15 * k) for k in range(4))}


def schedule() -> list[Job]:
    every = max(1, int(settings.SHOUMEN_ALERT_EVALUATION_MINUTES))
    return [
        Job(
            "audit-seal",
            "shoumen.audit.tasks.audit_seal_task",
            _every_seconds(int(settings.SHOUMEN_AUDIT_SEAL_SECONDS)),
            "Seal committed audit events into a signed block",
        ),
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
            "school-rules",
            "shoumen.schools.tasks.school_rules_evaluate_task",
            {"minute": f"*/{every}"},
            "School rules: class clusters, ILI, diseases, notifiable cases, high fevers",
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
            "import-files-expire",
            "shoumen.ledgers.tasks.import_files_expire_task",
            {"hour": "3", "minute": "10"},
            "Delete uploaded ledgers kept longer than SHOUMEN_IMPORT_FILE_DAYS",
        ),
        Job(
            "school-deadlines",
            "shoumen.schools.daily_tasks.school_deadlines_notify_task",
            {"minute": "*/5"},
            "Tell health officers of classes not in and daily reports not confirmed in time",
        ),
        Job(
            "daily-reports-missing",
            "shoumen.reports.daily_tasks.daily_reports_missing_notify_task",
            _quarter_hours_after(settings.SHOUMEN_DAILY_REPORT_DEADLINE),
            "Tell community staff, street and district officers of daily reports not confirmed",
        ),
        Job(
            "figures-today",
            "shoumen.reports.tasks.figures_fill_today_task",
            {"minute": "*"},
            "Today's daily figures so far, read by boards and reports while fresh",
        ),
        Job(
            "figures-yesterday",
            "shoumen.reports.tasks.figures_fill_yesterday_task",
            {"hour": "0", "minute": "20"},
            "Yesterday's daily figures of every unit, summed up the tree",
        ),
        Job(
            "figures-refill",
            "shoumen.reports.tasks.figures_refill_week_task",
            {"minute": "10,40"},
            "The daily figures of the 7 days before today again, with data entered late",
        ),
        Job(
            "duty-rest-watch",
            "shoumen.duty.rest_tasks.rest_alerts_notify_task",
            {"hour": "7-21", "minute": "5"},
            "Tell community staff of people on duty too many days without a day off",
        ),
        Job(
            "service-requests-overdue",
            "shoumen.services.tasks.services_overdue_check_task",
            {"minute": "*/5"},
            "Alerts for residents' service requests past their time, resolved once closed",
        ),
        Job(
            "standing-deliveries",
            "shoumen.services.tasks.standing_requests_make_task",
            {"hour": "6", "minute": "0"},
            "The day's request of each standing daily delivery to an isolated household",
        ),
        Job(
            "campaigns-close",
            "shoumen.supplies.tasks.campaigns_close_ended_task",
            {"hour": "0", "minute": "5"},
            "Close the distribution campaigns whose last day is over",
        ),
        Job(
            "health-contracts",
            "shoumen.healthcentre.contract_tasks.contracts_remind",
            {"hour": "6", "minute": "10"},
            "Remind family doctor teams of contracts ending soon; end the terms that are over",
        ),
        Job(
            "health-follow-ups",
            "shoumen.healthcentre.chronic_tasks.chronic_alerts_raise",
            {"hour": "7", "minute": "0"},
            "Alerts for chronic patients' overdue follow-ups and referrals due their check",
        ),
        Job(
            "tasks-recover",
            "shoumen.ops.tasks.tasks_recover_orphans_task",
            {"minute": "*"},
            "Put the tasks of workers that died mid-task back on the queue",
        ),
        Job(
            "officials-digest",
            "shoumen.alerts.tasks.digests_send_task",
            _at(settings.SHOUMEN_DIGEST_AT),
            "Daily digest for street and district officers",
        ),
    ]
