"""Plain SQL for the few reads that run on every request, where compiling the ORM query
costs more than running it; values still pass through Django's field converters (on
SQLite, times come back naive without them)."""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field, Q
from django.db.models.expressions import RawSQL


def row_converter(fields: Sequence[Field]) -> Callable[[Sequence[Any]], list[Any]]:
    """A function turning a row of the ``fields``' columns, as the driver returned it, into
    the values the ORM would have given."""
    return _converter(tuple(fields), connection.vendor)


@cache
def _converter(fields: tuple[Field, ...], _vendor: str):
    steps = []
    for field in fields:
        column = field.get_col(field.model._meta.db_table)
        steps.append(
            (column, connection.ops.get_db_converters(column) + field.get_db_converters(connection))
        )

    def convert(row: Sequence[Any]) -> list[Any]:
        values = []
        for value, (column, converters) in zip(row, steps, strict=True):
            for converter in converters:
                value = converter(value, column, connection)
            values.append(value)
        return values

    return convert


def in_values(field: str, values, sql_type: str) -> Q:
    """``field IN values``; on PostgreSQL as one array parameter, since the driver splits a
    query with hundreds of placeholders slowly (and cannot cache its plan)."""
    values = list(values)
    if connection.vendor == "postgresql":
        array = RawSQL(f"SELECT unnest(%s::{sql_type}[])", (values,))  # noqa: S611 (a type name)
        return Q(**{f"{field}__in": array})
    return Q(**{f"{field}__in": values})
