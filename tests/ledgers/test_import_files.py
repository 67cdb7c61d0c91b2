"""Uploaded ledgers at rest and in the request: the stored upload and error report are
encrypted with the data key and deleted (audited) when the import is done or has failed,
or after SHOUMEN_IMPORT_FILE_DAYS; the upload request never parses the file, and refuses
at once what the cheap checks refuse, storing nothing."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shoumen.audit.models import AuditEvent
from shoumen.ledgers.import_files import (
    DATA_CONTEXT,
    REPORT_CONTEXT,
    import_files_expire,
    unseal,
)
from shoumen.ledgers.import_jobs import import_job_check, import_job_create
from shoumen.ledgers.importing import reading
from shoumen.ledgers.models import ImportJob, ImportStatus
from shoumen.ledgers.tasks import import_files_expire_task
from shoumen.lib.file_limits import ERR_FILE_COLUMNS, ERR_FILE_COMPRESSION, Limits
from tests.ledgers.ledgers import csv_bytes, resident_id, xlsx

ZHANG = resident_id("19800101", 1, male=True)
BAD = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
PHONE = "13800001111"
ROWS = [
    [1, "张三", "男", ZHANG, PHONE, "5号楼", "2", "302", "户主", ""],
    [2, "王五", "男", BAD, "", "5号楼", "2", "303", "户主", ""],
]


def upload(client, world, data, *, name="台账.xlsx"):
    return client.post(
        reverse("ledgers:import_start"),
        {"org_unit": world.grid_a.pk, "file": SimpleUploadedFile(name, data)},
    )


def create(world, data=None, name="台账.csv"):
    job = import_job_create(
        actor=world.community_staff,
        org_unit=world.grid_a,
        filename=name,
        data=data if data is not None else csv_bytes(ROWS),
    )
    return import_job_check(actor=world.community_staff, job=job)


def stored(job_id):
    return ImportJob.objects.values_list("data", "error_report").get(pk=job_id)


def test_the_stored_upload_and_error_report_are_encrypted(world):
    data = csv_bytes(ROWS)
    job = create(world, data)
    assert job.status == ImportStatus.CHECKED
    raw_data, raw_report = (bytes(v) for v in stored(job.pk))
    for secret in (ZHANG, BAD, PHONE):
        for column in (raw_data, raw_report):
            assert secret.encode() not in column
            assert secret.encode().hex() not in column.hex()
    assert unseal(raw_data, context=DATA_CONTEXT) == data
    report = unseal(raw_report, context=REPORT_CONTEXT)
    assert report is not None and report.startswith(b"PK")


def test_the_files_are_deleted_and_audited_when_the_import_is_done(world):
    job = create(world, csv_bytes(ROWS[:1]))
    client_job = ImportJob.objects.get(pk=job.pk)
    from shoumen.ledgers.import_jobs import import_job_confirm

    import_job_confirm(actor=world.community_staff, job=client_job, skip_bad_rows=False)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert stored(job.pk) == (None, None)
    assert job.file_deleted_at is not None
    assert job.counts["new"] == 1  # the job stays with its counts
    event = AuditEvent.objects.get(action="ledger.import.file_delete")
    assert event.target_id == str(job.pk)


def test_a_failed_import_deletes_its_file(world):
    job = create(world, xlsx([[1, 2]], headers=["a", "b"]), name="台账.xlsx")
    assert job.status == ImportStatus.FAILED
    assert stored(job.pk) == (None, None)
    assert AuditEvent.objects.filter(action="ledger.import.file_delete").count() == 1


def test_files_are_deleted_after_import_file_days_by_the_scheduled_job(world, settings):
    settings.SHOUMEN_IMPORT_FILE_DAYS = 7
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        old = create(world)
    with time_machine.travel(start + datetime.timedelta(days=5), tick=False):
        recent = create(world)
    with time_machine.travel(start + datetime.timedelta(days=7, hours=1), tick=False):
        assert import_files_expire_task.call() == 1
        assert import_files_expire() == 0  # nothing left to delete: not audited twice
    assert stored(old.pk) == (None, None)
    assert stored(recent.pk)[0] is not None
    events = AuditEvent.objects.filter(action="ledger.import.file_delete")
    assert [e.target_id for e in events] == [str(old.pk)]
    old.refresh_from_db()
    assert old.counts and old.file_deleted_at is not None


def test_a_deleted_file_cannot_be_checked_again(world, client, login):
    job = create(world)
    import_files_expire(now=timezone.now() + datetime.timedelta(days=30))
    client = login(world.community_staff)
    response = client.post(
        reverse("ledgers:import_confirm", args=[job.pk]), {"confirm": "1", "skip_bad_rows": "on"}
    )
    assert response.status_code == 400
    assert ImportJob.objects.get(pk=job.pk).status == ImportStatus.CHECKED


def test_the_upload_request_stores_the_file_and_leaves_reading_to_the_worker(
    world, login, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def no_parsing(*args, **kwargs):
        raise AssertionError("the request parsed the file")

    monkeypatch.setattr(reading, "read_table", no_parsing)
    client = login(world.community_staff)
    response = upload(client, world, xlsx(ROWS))
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKING and job.task_id
    assert job.headers == [] and job.counts == {}
    page = client.get(reverse("ledgers:import_job", args=[job.pk])).content.decode()
    assert 'data-testid="import-progress"' in page and "hx-get" in page


def zip_bomb() -> bytes:
    """An .xlsx-shaped zip whose one sheet unpacks to 20 MB of zeros (about 20 KB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_at_upload_and_nothing_is_stored(world, login):
    client = login(world.community_staff)
    response = upload(client, world, zip_bomb())
    assert response.status_code == 400
    assert str(ERR_FILE_COMPRESSION) in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_csv_with_20000_columns_is_refused_at_upload(world, login):
    client = login(world.community_staff)
    wide = ",".join(f"c{i}" for i in range(20_000)).encode() + b"\n" + b"1," * 19_999 + b"1\n"
    response = upload(client, world, wide, name="wide.csv")
    assert response.status_code == 400
    message = str(ERR_FILE_COLUMNS % {"max": Limits.current().max_columns})
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["台账.csv", "台账.xlsx"])
def test_no_stored_column_holds_an_uploaded_id_or_phone_however_decoded(world, name):
    """Every column of every table, binary ones decoded as text, as hex and unpacked when
    zipped (an .xlsx), holds none of the uploaded ID numbers and phones."""
    data = xlsx(ROWS) if name.endswith(".xlsx") else csv_bytes(ROWS)
    job = create(world, data, name=name)
    assert job.counts["bad"] == 1
    dump = every_stored_value()
    for secret in (ZHANG, BAD, PHONE):
        assert secret not in dump


def every_stored_value() -> str:
    from django.db import connection

    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.extend(_decoded(bytes(value)))
                    elif value is not None:
                        chunks.append(str(value))
                        if isinstance(value, str) and value.startswith("\\x"):
                            chunks.extend(_decoded(bytes.fromhex(value[2:])))
    return "\n".join(chunks)


def _decoded(value: bytes) -> list[str]:
    out = [value.decode("latin-1"), value.decode("utf-8", "replace"), value.hex()]
    if zipfile.is_zipfile(io.BytesIO(value)):
        with zipfile.ZipFile(io.BytesIO(value)) as archive:
            out += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return out
