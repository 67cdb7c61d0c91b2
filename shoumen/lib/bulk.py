"""Bulk writes on PostgreSQL: ids from a table's sequence and rows streamed with COPY."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
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


@contextmanager
def copy_writer(model, attnames: Sequence[str]) -> Iterator[Callable[[Sequence[Any]], None]]:
    """Stream rows into the model's table with ``COPY``: yields the function that writes one
    row (Python values in ``attnames`` order). The server takes the rows in as they come,
    so rows are best worked out while they are written."""
    column = {f.attname: f.column for f in model._meta.concrete_fields}
    qn = connection.ops.quote_name
    names = ", ".join(qn(column[a]) for a in attnames)
    sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"
    # The driver's own cursor, inside Django's error wrapper (IntegrityError and the rest).
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        yield copy.write_row


def copy_rows(model, attnames: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Stream ``rows`` (Python values in ``attnames`` order) into the model's table."""
    with copy_writer(model, attnames) as write:
        for row in rows:
            write(row)
