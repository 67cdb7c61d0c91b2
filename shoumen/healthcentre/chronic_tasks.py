"""Scheduled work of the chronic disease registry."""

from django_tasks import task

from shoumen.healthcentre.chronic_alerts import chronic_alerts_check


@task()
def chronic_alerts_raise() -> dict:
    """Daily at 07:00: alerts for overdue follow-ups and referrals due for their check."""
    return chronic_alerts_check()
