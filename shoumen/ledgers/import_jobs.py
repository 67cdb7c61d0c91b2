"""Ledger imports from the pages: an upload becomes an ImportJob (the file encrypted), is
checked (a dry run that counts new, updated, unchanged and bad rows and previews the
changes), can be re-checked with another column mapping or sheet, and is imported once
confirmed. Reading, checking and importing run in the task worker, never in the request;
the page shows their progress."""

from collections.abc import Collection, Mapping
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, scope_q
from shoumen.ledgers.import_files import (
    DATA_CONTEXT,
    REASON_DONE,
    REPORT_CONTEXT,
    import_job_data,
    import_job_files_delete,
    import_job_report,
    seal,
)
from shoumen.ledgers.importing import (
    ERR_UNIT_LEVEL,
    FIELD_LABELS,
    LedgerError,
    load_table,
    mapping_remember,
)
from shoumen.ledgers.importing.kinds import (
    ERR_KIND_UNKNOWN,
    RESIDENTS,
    ImportKind,
    all_kinds,
    kind_of,
)
from shoumen.ledgers.importing.reading import checked_mapping, file_error
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny
from shoumen.lib.excel import SUPPORTED_SUFFIXES, UnreadableFile, check_upload
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import DocumentType, Relation, Sex, Status, Tag

# The page lists this many problems; the error report holds them all.
PAGE_ERRORS = 200
# Progress is saved at most this often (rows) so that a large file does not write per row.
PROGRESS_EVERY = 2_000

# 请上传 .xlsx、.xls、.ods 或 .csv 文件。
ERR_SUFFIX = _("Upload an .xlsx, .xls, .ods or .csv file.")
# 文件是空的。
ERR_EMPTY = _("The file is empty.")
# 上传的文件已删除（导入完成、失败或超过保存期限），请重新上传。
ERR_FILE_GONE = _(
    "The uploaded file has been deleted (the import finished, failed or was kept too long); "
    "upload it again."
)
# 导入正在进行中，请稍候。
ERR_BUSY = _("This import is running; wait until it has finished.")
# 该台账已经导入过了。
ERR_ALREADY_DONE = _("This ledger has already been imported.")


def import_jobs_visible_to(user) -> QuerySet[ImportJob]:
    """Imports into units where the actor holds the right each kind of import needs (the
    registry's edit right for residents' ledgers)."""
    scope = models.Q(pk__in=[])
    for kind in all_kinds():
        scope |= models.Q(kind=kind.slug) & scope_q(user, kind.perm, "org_unit__path")
    return ImportJob.objects.filter(scope)


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


@transaction.atomic
def import_job_create(
    *,
    actor,
    org_unit: OrgUnit,
    filename: str,
    data: bytes,
    kind: str = RESIDENTS,
    options: Mapping[str, Any] | None = None,
) -> ImportJob:
    """Keep the upload, encrypted; reading and checking it run in the task worker
    (``import_job_check``). Only the cheap checks run here, before anything is stored (size,
    unpacked size, rows, columns, cell length: no cell is parsed), so that a zip bomb or a
    20,000-column CSV is refused at once. ``kind`` is a registered import kind; ``options``
    its own choices."""
    try:
        import_kind = kind_of(kind)
    except LookupError:
        raise ValidationError({"kind": [ERR_KIND_UNKNOWN]}) from None
    if not can(actor, import_kind.perm, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)
    if org_unit.level not in import_kind.levels:
        raise ValidationError({"org_unit": [ERR_UNIT_LEVEL]})
    name = PurePosixPath(filename.replace("\\", "/")).name[:255] or "ledger"
    if PurePosixPath(name.lower()).suffix not in SUPPORTED_SUFFIXES:
        raise ValidationError({"file": [ERR_SUFFIX]})
    if not data:
        raise ValidationError({"file": [ERR_EMPTY]})
    try:
        check_upload(data, name)
    except UnreadableFile as exc:
        raise ValidationError({"file": [file_error(exc).message]}) from None
    return ImportJob.objects.create(
        org_unit=org_unit,
        created_by=actor,
        kind=import_kind.slug,
        options=dict(options or {}),
        filename=name,
        data=seal(data, context=DATA_CONTEXT),
    )


def import_job_set_mapping(
    *, actor, job: ImportJob, mapping: Mapping[str, str], sheet: str | None = None
) -> ImportJob:
    """Check the file again with another column mapping (or sheet); the community keeps
    the mapping for its next ledger. Another sheet is read afresh, its columns guessed."""
    _require_open(actor, job)
    if sheet and sheet != job.sheet:
        job.sheet, job.headers, job.mapping = sheet, [], {}
    else:
        import_kind = kind_of(job.kind)
        try:
            job.mapping = checked_mapping(job.headers, mapping, import_kind.field_labels)
        except LedgerError as exc:
            raise ValidationError(exc.message) from None
        if import_kind.remembers_mapping:
            full = {h: job.mapping.get(h, "") for h in job.headers}
            mapping_remember(actor=actor, org_unit=job.org_unit, mapping=full)
    job.status = ImportStatus.UPLOADED
    job.save(update_fields=["sheet", "headers", "mapping", "status", "updated_at"])
    return import_job_check(actor=actor, job=job)


def import_job_check(*, actor, job: ImportJob) -> ImportJob:
    """The dry run: counts, problems and the preview, nothing written."""
    _require(actor, job)
    if job.file_deleted_at is not None:
        raise ValidationError(ERR_FILE_GONE)
    return _start(job, ImportStatus.CHECKING, actor=actor)


def import_job_confirm(
    *, actor, job: ImportJob, skip_bad_rows: bool, allowed_moves: Collection[int] = ()
) -> ImportJob:
    """Import the checked file: everything, or only the good rows when asked. Of the
    household moves the preview listed, only those in ``allowed_moves`` (person ids) are
    made; the other persons stay in their household."""
    _require_open(actor, job)
    listed = {move["person"] for move in job.preview.get("moves", [])}
    job.skip_bad_rows = skip_bad_rows
    job.allowed_moves = sorted(listed & {int(pk) for pk in allowed_moves})
    job.confirmed_by = actor
    job.save(update_fields=["skip_bad_rows", "allowed_moves", "confirmed_by", "updated_at"])
    return _start(job, ImportStatus.IMPORTING, actor=actor)


def _require(actor, job: ImportJob) -> None:
    if not can(actor, kind_of(job.kind).perm, job.org_unit):
        raise deny(ERR_OUT_OF_SCOPE)


def _require_open(actor, job: ImportJob) -> None:
    _require(actor, job)
    if job.is_running:
        raise ValidationError(ERR_BUSY)
    if job.status == ImportStatus.DONE:
        raise ValidationError(ERR_ALREADY_DONE)
    if job.file_deleted_at is not None:
        raise ValidationError(ERR_FILE_GONE)


def _start(job: ImportJob, status: str, *, actor) -> ImportJob:
    """Hand the job to the task worker: a file is never read in the web request."""
    from shoumen.ledgers.tasks import import_job_task

    job.status = status
    job.progress_done, job.progress_total = 0, 0
    job.message = ""
    job.save(update_fields=["status", "progress_done", "progress_total", "message", "updated_at"])
    result = import_job_task.enqueue(job.pk, translation.get_language() or "")
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.refresh_from_db()
    return job


def import_job_run(job_id: int) -> None:
    """Run a job's check or import (in the task worker)."""
    job = ImportJob.objects.select_related("org_unit", "created_by", "confirmed_by").get(pk=job_id)
    committing = job.status == ImportStatus.IMPORTING
    if job.status not in (ImportStatus.CHECKING, ImportStatus.IMPORTING):
        return
    actor = (job.confirmed_by if committing else None) or job.created_by

    def on_progress(done: int, total: int) -> None:
        if done == total or done % PROGRESS_EVERY < max(1, total // 50):
            ImportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        data = import_job_data(job.pk)
        if data is None:
            raise LedgerError(ERR_FILE_GONE)
        result = kind_of(job.kind).run(
            actor=actor,
            org_unit=job.org_unit,
            data=data,
            filename=job.filename,
            sheet=job.sheet or None,
            mapping=job.mapping or None,
            dry_run=not committing,
            skip_bad_rows=job.skip_bad_rows,
            on_progress=on_progress,
            allow_moves=job.allowed_moves if committing else False,
            options=job.options,
        )
        del data
    except LedgerError as exc:
        if not job.headers:
            _read_columns(job)
        # A check that failed on its columns keeps the file: the mapping fixes it.
        fixable = not committing and bool(job.headers)
        _finish(job, ImportStatus.FAILED, message=str(exc.message), keep_file=fixable)
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
    job.sheet, job.sheets, job.headers, job.mapping = (
        result.sheet,
        result.sheets,
        result.headers,
        result.mapping,
    )
    job.counts = result.counts
    job.errors = [e.as_dict() for e in result.errors[:PAGE_ERRORS]]
    job.error_report = seal(result.error_report, context=REPORT_CONTEXT)
    if not committing:
        job.preview = {
            "updates": result.updates,
            "moves": result.moves,
            "new_buildings": result.new_buildings,
        }
    _finish(job, status)


def _read_columns(job: ImportJob) -> None:
    """After a first check that failed on its columns (no name column, one field twice):
    the sheet and its headers, so that the page can offer the column mapping."""
    data = import_job_data(job.pk)
    if data is None:
        return
    import_kind = kind_of(job.kind)
    try:
        table = load_table(
            data, job.filename, sheet=job.sheet or None, known=import_kind.known_headers
        )
    except LedgerError:
        return
    job.sheet, job.sheets, job.headers = table.sheet, table.sheets, table.headers
    guessed = import_kind.guess_mapping(table)
    job.mapping = {h: k for h, k in guessed.items() if h in table.headers}


def _finish(job: ImportJob, status: str, *, message: str = "", keep_file: bool = False) -> None:
    job.status = status
    job.message = message
    job.finished_at = timezone.now()
    job.progress_done = job.progress_total = job.row_count
    job.save(
        update_fields=[
            "status",
            "message",
            "finished_at",
            "sheet",
            "sheets",
            "headers",
            "mapping",
            "counts",
            "errors",
            "error_report",
            "preview",
            "progress_done",
            "progress_total",
            "updated_at",
        ]
    )
    if status == ImportStatus.FAILED and not keep_file:
        import_job_files_delete(job=job, reason=REASON_DONE)
    elif status == ImportStatus.DONE:
        # The report of rows left out stays until the files expire: it is how they get fixed.
        import_job_files_delete(job=job, reason=REASON_DONE, report=not job.counts.get("bad"))


_CHANGE_LABELS = {"relation_to_head": "relation", "document_type": "id_number"}
_CHOICES: dict[str, type[models.TextChoices]] = {
    "sex": Sex,
    "relation_to_head": Relation,
    "status": Status,
    "document_type": DocumentType,
}


def preview_changes(job: ImportJob) -> list[dict[str, Any]]:
    """The preview's updated persons for the page: each changed field as (label, now,
    after), values in words (ID number and phone stay masked as stored)."""
    out = []
    for update in job.preview.get("updates", []):
        fields = []
        for key, (old, new) in update["changes"].items():
            label = FIELD_LABELS.get(_CHANGE_LABELS.get(key, key))
            if key == "document_type":
                label = _("Document type")
            fields.append((label or key, _in_words(key, old), _in_words(key, new)))
        out.append({"row": update["row"], "name": update["name"], "fields": fields})
    return out


def preview_moves(job: ImportJob) -> list[dict[str, Any]]:
    """The preview's household moves for the page, each with the relation to the head the
    person would have in the other household (when it changes)."""
    out = []
    for move in job.preview.get("moves", []):
        old, new = move.get("relation") or (None, None)
        relation = _in_words("relation_to_head", new) if new and new != old else ""
        out.append({**move, "relation": relation})
    return out


def _in_words(key: str, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if key in _CHOICES:
        try:
            return str(_CHOICES[key](value).label)
        except ValueError:
            return str(value)
    if key == "tags":
        return "、".join(str(Tag(t).label) for t in value)
    return str(value)


def mapping_choices(kind: str = RESIDENTS) -> list[tuple[str, str]]:
    labels = kind_of(kind).field_labels
    return [("", str(_("(not imported)")))] + [(k, str(v)) for k, v in labels.items()]


def import_kind_of(job: ImportJob) -> ImportKind:
    """The kind of file a job imports (its fields, start page, whether mappings are kept)."""
    return kind_of(job.kind)


def import_job_error_report(job: ImportJob) -> bytes | None:
    """The bad rows of the last check or import as .xlsx, if there were any."""
    return import_job_report(job.pk)
