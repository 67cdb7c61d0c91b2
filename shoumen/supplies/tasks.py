"""The supplies' scheduled task."""

from django_tasks import task

from shoumen.supplies.campaign_services import campaigns_close_ended


@task()
def campaigns_close_ended_task() -> int:
    """Daily at 00:05: close the distribution campaigns whose last day is over."""
    return campaigns_close_ended()
