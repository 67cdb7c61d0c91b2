"""Read every table of the raw database and look for any plaintext ID number or phone."""

from django.db import connection

from shoumen.registry.models import DocumentType
from shoumen.registry.services import person_register, person_update
from tests.personas import ID_NEIGHBOUR, ID_OUTSIDER, ID_SHAN, ID_ZENG, PHONE_SHAN

EXTRA_ID = "110105200001010016"
EXTRA_PHONE = "13900001111"


def _every_stored_value() -> str:
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_no_plaintext_id_number_or_phone_anywhere_in_the_database(world):
    person = person_register(
        actor=world.grid_worker,
        household=world.household_a,
        name="赵新",
        document_type=DocumentType.RESIDENT_ID,
        id_number=EXTRA_ID,
        phone=EXTRA_PHONE,
    )
    person_update(actor=world.grid_worker, person=person, phone="13900002222")
    stored = _every_stored_value()
    assert "赵新" in stored  # the dump really contains the registry
    for secret in (ID_SHAN, ID_ZENG, ID_NEIGHBOUR, ID_OUTSIDER, EXTRA_ID):
        assert secret not in stored
    for phone in (PHONE_SHAN, EXTRA_PHONE, "13900002222"):
        assert phone not in stored
