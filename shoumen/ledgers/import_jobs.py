"""Ledger imports from the pages: an upload becomes an ImportJob, is checked (a dry run
that counts new, updated, unchanged and bad rows), can be re-checked with another column
mapping or sheet, and is imported once confirmed. Small files run in the request; large
ones as a background task whose progress the page shows."""

from collections.abc import Mapping
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, scope_q
from shoumen.ledgers.importing import (
    ERR_UNIT_LEVEL,
    FIELD_LABELS,
    LedgerError,
    effective_mapping,
    ledger_import,
    load_table,
    mapping_remember,
    remembered_mapping,
)
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny
from shoumen.lib.excel import SUPPORTED_SUFFIXES
from shoumen.places.models import Level, OrgUnit

# Files up to this size are checked and imported within the request (about 2,000 rows);
# larger ones go to the task queue.
INLINE_MAX_BYTES = 200_000
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The page lists this many problems; the error report holds them all.
PAGE_ERRORS = 200
# Progress is saved at most this often (rows) so that a large file does not write per row.
PROGRESS_EVERY = 2_000

# 请上传 .xlsx、.xls、.ods 或 .csv 文件。
ERR_SUFFIX = _("Upload an .xlsx, .xls, .ods or .csv file.")
# 文件太大：最多 50 MB。
ERR_TOO_BIG = _("The file is too large: at most 50 MB.")
# 文件是空的。
ERR_EMPTY = _("The file is empty.")
# 导入正在进行中，请稍候。
ERR_BUSY = _("This import is running; wait until it has finished.")
# 该台账已经导入过了。
ERR_ALREADY_DONE = _("This ledger has already been imported.")


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Imports into units where the actor may edit the registry."""
    return ImportJob.objects.filter(scope_q(user, Perm.EDIT_REGISTRY, "org_unit__path"))


def import_job_for(user, *, pk: int) -> ImportJob:
    """One import in the actor's scope, or ImportJob.DoesNotExist (a 404 to the caller)."""
    return import_jobs_visible_to(user).select_related("org_unit").defer("data").get(pk=pk)


def import_units_for(user) -> QuerySet[OrgUnit]:
    """Communities and grids the actor may import into, in tree order."""
    return (
        OrgUnit.objects.filter(scope_q(user, Perm.EDIT_REGISTRY, "path"))
        .filter(level__in=[Level.COMMUNITY, Level.GRID])
        .order_by("path")
    )


def _runs_inline(job: ImportJob) -> bool:
    return len(job.data) <= INLINE_MAX_BYTES


@transaction.atomic
def import_job_create(*, actor, org_unit: OrgUnit, filename: str, data: bytes) -> ImportJob:
    """Keep the upload and find its table; the check runs next (``import_job_check``)."""
    if not can(actor, Perm.EDIT_REGISTRY, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)
    if org_unit.level not in (Level.COMMUNITY, Level.GRID):
        raise ValidationError({"org_unit": [ERR_UNIT_LEVEL]})
    name = PurePosixPath(filename.replace("\\", "/")).name[:255] or "ledger"
    if PurePosixPath(name.lower()).suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError({"file": [ERR_SUFFIX]})
    if not data:
        raise ValidationError({"file": [ERR_EMPTY]})
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": [ERR_TOO_BIG]})
    try:
        table = load_table(data, name, sheet=None, known=remembered_mapping(org_unit))
        mapping = effective_mapping(table, None, org_unit)
    except LedgerError as exc:
        raise ValidationError({"file": [exc.message]}) from None
    return ImportJob.objects.create(
        org_unit=org_unit,
        created_by=actor,
        filename=name,
        data=data,
        sheet=table.sheet,
        sheets=table.sheets,
        headers=table.headers,
        mapping=mapping,
    )


def import_job_set_mapping(
    *, actor, job: ImportJob, mapping: Mapping[str, str], sheet: str | None = None
) -> ImportJob:
    """Check the file again with another column mapping (or sheet); the community keeps
    the mapping for its next ledger."""
    _require(actor, job)
    if job.is_running:
        raise ValidationError(ERR_BUSY)
    if job.status == ImportStatus.DONE:
        raise ValidationError(ERR_ALREADY_DONE)
    data = bytes(ImportJob.objects.values_list("data", flat=True).get(pk=job.pk))
    try:
        table = load_table(data, job.filename, sheet=sheet or job.sheet or None, known=mapping)
        clean = effective_mapping(table, mapping, job.org_unit)
    except LedgerError as exc:
        raise ValidationError(exc.message) from None
    job.sheet, job.headers, job.mapping = table.sheet, table.headers, clean
    job.status = ImportStatus.UPLOADED
    job.save(update_fields=["sheet", "headers", "mapping", "status", "updated_at"])
    full = {h: clean.get(h, "") for h in table.headers}
    mapping_remember(actor=actor, org_unit=job.org_unit, mapping=full)
    return import_job_check(actor=actor, job=job)


def import_job_check(*, actor, job: ImportJob) -> ImportJob:
    """The dry run: counts and problems, nothing written."""
    _require(actor, job)
    return _start(job, ImportStatus.CHECKING, actor=actor)


def import_job_confirm(*, actor, job: ImportJob, skip_bad_rows: bool) -> ImportJob:
    """Import the checked file: everything, or only the good rows when asked."""
    _require(actor, job)
    if job.is_running:
        raise ValidationError(ERR_BUSY)
    if job.status == ImportStatus.DONE:
        raise ValidationError(ERR_ALREADY_DONE)
    job.skip_bad_rows = skip_bad_rows
    job.confirmed_by = actor
    job.save(update_fields=["skip_bad_rows", "confirmed_by", "updated_at"])
    return _start(job, ImportStatus.IMPORTING, actor=actor)


def _require(actor, job: ImportJob) -> None:
    if not can(actor, Perm.EDIT_REGISTRY, job.org_unit):
        raise deny(ERR_OUT_OF_SCOPE)


def _start(job: ImportJob, status: str, *, actor) -> ImportJob:
    job.status = status
    job.progress_done, job.progress_total = 0, 0
    job.message = ""
    job.save(update_fields=["status", "progress_done", "progress_total", "message", "updated_at"])
    if _runs_inline(job):
        import_job_run(job.pk)
    else:
        from shoumen.ledgers.tasks import import_job_task

        result = import_job_task.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def import_job_run(job_id: int) -> None:
    """Run a job's check or import (in the request or in a task worker)."""
    job = ImportJob.objects.select_related("org_unit", "created_by", "confirmed_by").get(pk=job_id)
    committing = job.status == ImportStatus.IMPORTING
    if job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
        return
    actor = (job.confirmed_by if committing else None) or job.created_by

    def on_progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY < max(1, total // 50):
            ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        result = ledger_import(
            actor=actor,
            org_unit=job.org_unit,
            data=bytes(job.data),
            filename=job.filename,
            sheet=job.sheet or None,
            mapping=job.mapping,
            dry_run=not committing,
            skip_bad_rows=job.skip_bad_rows,
            on_progress=on_progress,
        )
    except LedgerError as exc:
        _finish(job, ImportStatus.FAILED, message=str(exc.message))
        return
    except Exception:
        _finish(job, ImportStatus.FAILED, message=str(_("The import failed; nothing was written.")))
        raise
    if not committing:
        status = ImportStatus.CHECKED
    elif result.committed:
        status = ImportStatus.DONE
    else:
        status = ImportStatus.REJECTED
    job.counts = result.counts
    job.errors = [e.as_dict() for e in result.errors[:PAGE_ERRORS]]
    job.error_report = result.error_report
    _finish(job, status)


def _finish(job: ImportJob, status: str, *, message: str = "") -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.progress_done = job.progress_total = job.row_count
    job.save(
        update_fields=[
            "status",
            "message",
            "finished_at",
            "counts",
            "errors",
            "error_report",
            "progress_done",
            "progress_total",
            "updated_at",
        ]
    )


def mapping_choices() -> list[tuple[str, str]]:
    return [("", str(_("(not imported)")))] + [(k, str(v)) for k, v in FIELD_LABELS.items()]


def import_job_error_report(job: ImportJob) -> bytes | None:
    """The bad rows of the last check or import as .xlsx, if there were any."""
    report = ImportJob.objects.values_list("error_report", flat=True).get(pk=job.pk)
    return bytes(report) if report else None
