"""Background work of the ledgers app."""

import contextlib

from django.utils import translation
from django_tasks import task

from shoumen.ledgers.import_files import import_files_expire
from shoumen.ledgers.import_jobs import import_job_run


@task()
def import_job_task(job_id: int, language: str = "") -> None:
    """Check or import an uploaded ledger too large to handle within the request. Row
    errors and messages are written in the language of the person who started it."""
    with translation.override(language) if language else contextlib.nullcontext():
        import_job_run(job_id)


@task()
def import_files_expire_task() -> int:
    """Delete the uploaded ledgers and error reports kept past SHOUMEN_IMPORT_FILE_DAYS."""
    return import_files_expire()
