"""Bulk writes on PostgreSQL: ids from a table's sequence and rows streamed with COPY."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def next_ids(model, count: int) -> list[int]:
    """``count`` new primary keys from the table's id sequence."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def copy_rows(model, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Stream ``rows`` (values in ``columns`` order, as Python values) into the table."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
    # The driver's own cursor, inside Django's error wrapper (IntegrityError and the rest).
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
