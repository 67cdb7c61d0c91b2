"""Scheduled work of resident services."""

from django_tasks import task

from shoumen.services.overdue import services_overdue_check
from shoumen.services.standing import standing_requests_make


@task()
def services_overdue_check_task() -> dict:
    """Every 5 minutes: alerts for open requests past their time, resolved once closed."""
    return services_overdue_check()


@task()
def standing_requests_make_task() -> dict:
    """Daily at 06:00: the day's request of each standing daily delivery."""
    return standing_requests_make()
