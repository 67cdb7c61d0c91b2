"""Read every table of the raw database and look for any plaintext ID number or phone:
binary columns decoded as text, as hex and unpacked when zipped (an uploaded .xlsx), so
that an uploaded ledger or its error report stored raw would be found too."""

import io
import zipfile

from django.db import connection

from shoumen.ledgers.import_jobs import import_job_check, import_job_create
from shoumen.registry.models import DocumentType
from shoumen.registry.services import person_register, person_update
from tests.ledgers.ledgers import csv_bytes, xlsx
from tests.personas import ID_NEIGHBOUR, ID_OUTSIDER, ID_SHAN, ID_ZENG, PHONE_SHAN

EXTRA_ID = "110105200001010016"
EXTRA_PHONE = "13900001111"
LEDGER_ID = "110105198001010139"
LEDGER_BAD_ID = "110105198001010130"  # wrong check digit: lands in the error report
LEDGER_PHONE = "13700004444"


def _decoded(value: bytes) -> list[str]:
    out = [value.decode("latin-1"), value.decode("utf-8", "replace"), value.hex()]
    if zipfile.is_zipfile(io.BytesIO(value)):
        with zipfile.ZipFile(io.BytesIO(value)) as archive:
            out += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return out


def _every_stored_value() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.extend(_decoded(bytes(value)))
                    elif value is not None:
                        chunks.append(str(value))
                        if isinstance(value, str) and value.startswith("\\x"):
                            chunks.extend(_decoded(bytes.fromhex(value[2:])))  # a hex dump
    return "\n".join(chunks)


def _upload_ledgers(world, settings) -> None:
    """A CSV and an .xlsx ledger uploaded and checked: each keeps its file and a report."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    rows = [
        [1, "钱一", "男", LEDGER_ID, LEDGER_PHONE, "5号楼", "2", "302", "户主", ""],
        [2, "钱二", "男", LEDGER_BAD_ID, LEDGER_PHONE, "5号楼", "2", "302", "子女", ""],
    ]
    for name, data in (("a.csv", csv_bytes(rows)), ("a.xlsx", xlsx(rows))):
        job = import_job_create(
            actor=world.community_staff, org_unit=world.grid_a, filename=name, data=data
        )
        job = import_job_check(actor=world.community_staff, job=job)
        assert job.counts["bad"] == 1


def test_no_plaintext_id_number_or_phone_anywhere_in_the_database(world, settings):
    person = person_register(
        actor=world.grid_worker,
        household=world.household_a,
        name="赵新",
        document_type=DocumentType.RESIDENT_ID,
        id_number=EXTRA_ID,
        phone=EXTRA_PHONE,
    )
    person_update(actor=world.grid_worker, person=person, phone="13900002222")
    _upload_ledgers(world, settings)
    stored = _every_stored_value()
    assert "赵新" in stored  # the dump really contains the registry
    assert "a.xlsx" in stored  # and the uploaded ledgers
    secrets = (ID_SHAN, ID_ZENG, ID_NEIGHBOUR, ID_OUTSIDER, EXTRA_ID, LEDGER_ID, LEDGER_BAD_ID)
    for secret in secrets:
        assert secret not in stored
    for phone in (PHONE_SHAN, EXTRA_PHONE, "13900002222", LEDGER_PHONE):
        assert phone not in stored
