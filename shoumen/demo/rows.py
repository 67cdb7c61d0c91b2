"""Writing many new model instances at once, faster than ``bulk_create``: primary keys are
drawn up front (PostgreSQL: from the sequence; SQLite: after the table's largest, the demo
load holding the write lock), then the rows go in with ``COPY`` or one ``executemany``.
The instances get their primary keys, so that rows written later can point at them."""

import json
from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from shoumen.lib.bulk import copy_writer, next_ids


def _sqlite_ids(model, count: int) -> list[int]:
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (a table name)
        last = cursor.fetchone()[0]
    return list(range(last + 1, last + 1 + count))


def rows_create(model, objs: Sequence[models.Model]) -> None:
    """Insert ``objs`` (new instances of ``model``) and set their primary keys."""
    if not objs:
        return
    fields = list(model._meta.concrete_fields)
    for obj in objs:
        # Foreign keys to instances saved since they were assigned (as bulk_create does).
        obj._prepare_related_fields_for_save(operation_name="rows_create")  # type: ignore[attr-defined]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    if connection.vendor == "postgresql":
        ids = next_ids(model, len(objs))
    else:
        ids = _sqlite_ids(model, len(objs))
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
    attnames = [f.attname for f in fields]
    if connection.vendor == "postgresql":
        jsons = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
        with copy_writer(model, attnames) as write:
            for obj in objs:
                row = [getattr(obj, a) for a in attnames]
                for i in jsons:
                    row[i] = json.dumps(row[i])
                write(row)
        return
    qn = connection.ops.quote_name
    table, columns = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    # The connection itself, not the proxy that looks it up for every value.
    conn = connections[DEFAULT_DB_ALIAS]
    preps = [(f.attname, f.get_db_prep_save) for f in fields]
    values = [[prep(getattr(obj, a), conn) for a, prep in preps] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
