"""Background work of the ops app."""

from django_tasks import task

from shoumen.ops.workers import tasks_recover_orphans


@task()
def tasks_recover_orphans_task() -> int:
    """Put the tasks of workers that died mid-task back on the queue (each worker also does
    when it starts); returns how many."""
    return tasks_recover_orphans()
