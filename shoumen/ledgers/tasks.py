"""Background work of the ledgers app."""

from django_tasks import task

from shoumen.ledgers.import_jobs import import_job_run


@task()
def import_job_task(job_id: int) -> None:
    """Check or import an uploaded ledger too large to handle within the request."""
    import_job_run(job_id)
