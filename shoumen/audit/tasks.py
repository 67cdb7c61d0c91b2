"""Scheduled audit work (see ``shoumen.schedule``)."""

from django_tasks import task

from shoumen.audit.sealing import audit_seal


@task()
def audit_seal_task() -> int:
    """Seal what is waiting; a sealer already running is left to it."""
    return audit_seal(wait=False).events
