"""Scheduled work on alerts (see ``shoumen.schedule``)."""

from dataclasses import asdict

from django_tasks import task

from shoumen.alerts.digest import digests_send
from shoumen.alerts.escalation import alerts_escalate
from shoumen.alerts.evaluation import alerts_evaluate


@task()
def alerts_evaluate_task() -> dict[str, int]:
    result = alerts_evaluate()
    return {"opened": result.opened, "updated": result.updated}


@task()
def alerts_escalate_task() -> dict[str, int]:
    return asdict(alerts_escalate())


@task()
def digests_send_task() -> int:
    return len(digests_send())
