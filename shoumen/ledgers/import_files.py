"""The files of a ledger import at rest: the upload and the error report are encrypted with
the data key (they hold full ID numbers and phones) and deleted, audited, once the import is
done or has failed, or after SHOUMEN_IMPORT_FILE_DAYS; the job stays with its counts."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shoumen.audit.services import audit_event_record
from shoumen.ledgers.models import ImportJob
from shoumen.lib import crypto

# Associated data of each column's ciphertext: a value cannot be moved to the other column.
DATA_CONTEXT = "ledgers.importjob.data"
REPORT_CONTEXT = "ledgers.importjob.error_report"
# Why the files of a job were deleted (the audit event's reason).
REASON_DONE = "import finished"
REASON_EXPIRED = "kept for SHOUMEN_IMPORT_FILE_DAYS"


def seal(data: bytes | None, *, context: str) -> bytes | None:
    """``data`` encrypted with the data key (None stays None)."""
    if data is None:
        return None
    return crypto.encrypt_bytes(data, context=context)


def unseal(token: bytes | memoryview | None, *, context: str) -> bytes | None:
    if token is None:
        return None
    return crypto.decrypt_bytes(token, context=context)


def import_job_data(job_id: int) -> bytes | None:
    """The uploaded file of a job, decrypted; None once deleted."""
    token = ImportJob.objects.values_list("data", flat=True).get(pk=job_id)
    return unseal(token, context=DATA_CONTEXT)


def import_job_report(job_id: int) -> bytes | None:
    token = ImportJob.objects.values_list("error_report", flat=True).get(pk=job_id)
    return unseal(token, context=REPORT_CONTEXT) if token else None


@transaction.atomic
def import_job_files_delete(*, job: ImportJob, reason: str, report: bool = True) -> bool:
    """Delete the stored upload (and the error report, unless ``report`` is False) of a job;
    audited. False when there was nothing left to delete."""
    columns = {"data": None, **({"error_report": None} if report else {})}
    query = ImportJob.objects.filter(pk=job.pk, data__isnull=False)
    if report:
        query = ImportJob.objects.filter(pk=job.pk).exclude(
            data__isnull=True, error_report__isnull=True
        )
    now = timezone.now()
    if not query.update(**columns, file_deleted_at=now, updated_at=now):
        return False
    audit_event_record(
        actor=None,
        actor_label="system",
        action="ledger.import.file_delete",
        target=job,
        org_path=job.org_unit.path,
        changes={"file": job.filename, "error_report": report},
        reason=reason,
    )
    job.data = None
    if report:
        job.error_report = None
    job.file_deleted_at = now
    return True


def import_files_expire(*, now: datetime.datetime | None = None) -> int:
    """Delete the files of every job older than SHOUMEN_IMPORT_FILE_DAYS (the scheduled
    job); returns how many jobs had files deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SHOUMEN_IMPORT_FILE_DAYS)
    expired = (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(data__isnull=True, error_report__isnull=True)
        .select_related("org_unit")
        .only("pk", "filename", "org_unit__path")
    )
    return sum(import_job_files_delete(job=job, reason=REASON_EXPIRED) for job in expired)
