"""Scheduled work of the reports app (see ``shoumen.schedule``)."""

import datetime

from django_tasks import task

from shoumen.lib.dates import today
from shoumen.reports.services import figures_fill

# How many days back the nightly refill takes in data entered late.
REFILL_DAYS = 7


@task()
def figures_fill_today_task() -> dict[str, int]:
    """Today's figures so far: while this fill is fresh, boards and reports read today from
    the stored figures instead of computing it in the request."""
    return figures_fill(day=today())


@task()
def figures_fill_yesterday_task() -> dict[str, int]:
    """Yesterday's figures, once the day is over."""
    return figures_fill(day=today() - datetime.timedelta(days=1))


@task()
def figures_refill_week_task() -> dict[str, int]:
    """The figures of the REFILL_DAYS days before today computed again, so that data
    entered today for a past day (a late health report, a visit recorded afterwards)
    reaches the stored figures."""
    current = today()
    rows = 0
    for back in range(1, REFILL_DAYS + 1):
        rows += figures_fill(day=current - datetime.timedelta(days=back))["rows"]
    return {"days": REFILL_DAYS, "rows": rows}
