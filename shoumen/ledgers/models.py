from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shoumen.places.models import OrgUnit


class ColumnMapping(models.Model):
    """The column mapping a community last confirmed: header text -> field key. The next
    ledger from the same community starts from it."""

    community = models.OneToOneField(
        OrgUnit, verbose_name=_("community"), on_delete=models.CASCADE, related_name="+"
    )
    mapping = models.JSONField(_("mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return str(self.community)


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Done")
    REJECTED = "rejected", _("Not imported: the file has bad rows")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One uploaded ledger, from upload through preview to the committed import.

    The file is kept in the database, encrypted with the data key, so that any worker can
    read it; the error report of the last run is kept the same way. Both are deleted when
    the import is done or has failed, or after SHOUMEN_IMPORT_FILE_DAYS; the job stays with
    its counts."""

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    # What the file is (a registered import kind: residents, class rosters...).
    kind = models.CharField(_("kind"), max_length=32, default="residents")
    # The kind's own choices made at upload (e.g. whether unknown classes are created).
    options = models.JSONField(default=dict, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    data = models.BinaryField(null=True, editable=False)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # {"new": n, "updated": n, "unchanged": n, "bad": n}
    counts = models.JSONField(default=dict, blank=True)
    # The first errors, for the page: [{"sheet", "row", "column", "value", "reason"}]
    errors = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=list, blank=True)
    sheets = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    error_report = models.BinaryField(null=True, editable=False)
    # What the import would change: {"updates": [...], "moves": [...], "new_buildings": {...}}
    preview = models.JSONField(default=dict, blank=True)
    # The persons whose household moves were ticked on the preview (ids).
    allowed_moves = models.JSONField(default=list, blank=True)
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ledger import")
        verbose_name_plural = _("ledger imports")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return self.filename

    @property
    def row_count(self) -> int:
        return sum(self.counts.values()) if self.counts else 0

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.CHECKING, ImportStatus.IMPORTING}

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
