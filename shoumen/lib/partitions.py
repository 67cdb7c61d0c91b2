"""Daily range partitions for high-volume tables on PostgreSQL (health reports, scans).

Elsewhere (SQLite) the table is an ordinary table and these helpers do nothing."""

import datetime
from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction

ONE_DAY = datetime.timedelta(days=1)

# Partitions known to exist, per table, in this process.
_known: dict[str, set[datetime.date]] = {}


def partition_name(table: str, day: datetime.date) -> str:
    return f"{table}_p{day:%Y%m%d}"


def create_partitioned_by_day(schema_editor, model, column: str) -> None:
    """Create ``model``'s table partitioned by ``column`` (a date), with a default partition.

    PostgreSQL needs every unique key to include the partition key, so the primary key is
    (id, column); the id comes from a sequence because PostgreSQL 15 has no identity
    columns on partitioned tables. Constraints, indexes and foreign keys are Django's own."""
    if schema_editor.connection.vendor != "postgresql":
        schema_editor.create_model(model)
        return
    qn = schema_editor.quote_name
    table = model._meta.db_table
    sequence = f"{table}_id_seq"
    columns = []
    for field in model._meta.local_concrete_fields:
        params = field.db_parameters(connection=schema_editor.connection)
        definition = f"{qn(field.column)} {params['type']}"
        if field.primary_key:
            definition += f" DEFAULT nextval('{sequence}')"
        if not field.null:
            definition += " NOT NULL"
        if params.get("check"):
            definition += f" CHECK ({params['check']})"
        columns.append(definition)
    pk = model._meta.pk.column
    schema_editor.execute(f"CREATE SEQUENCE {qn(sequence)}")
    schema_editor.execute(
        f"CREATE TABLE {qn(table)} ({', '.join(columns)}, "
        f"PRIMARY KEY ({qn(pk)}, {qn(column)})) PARTITION BY RANGE ({qn(column)})"
    )
    schema_editor.execute(f"ALTER SEQUENCE {qn(sequence)} OWNED BY {qn(table)}.{qn(pk)}")
    schema_editor.execute(f"CREATE TABLE {qn(table + '_default')} PARTITION OF {qn(table)} DEFAULT")
    for field in model._meta.local_concrete_fields:
        if field.remote_field and field.db_constraint:
            schema_editor.execute(
                schema_editor._create_fk_sql(model, field, "_fk_%(to_table)s_%(to_column)s")
            )
        if field.db_index and not field.primary_key:
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
    for constraint in model._meta.constraints:
        schema_editor.add_constraint(model, constraint)
    for index in model._meta.indexes:
        schema_editor.add_index(model, index)


def _existing(table: str) -> set[datetime.date]:
    if table not in _known:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT child.relname FROM pg_inherits "
                "JOIN pg_class parent ON parent.oid = pg_inherits.inhparent "
                "JOIN pg_class child ON child.oid = pg_inherits.inhrelid "
                "WHERE parent.relname = %s",
                [table],
            )
            prefix = f"{table}_p"
            _known[table] = {
                datetime.datetime.strptime(name[len(prefix) :], "%Y%m%d").date()  # noqa: DTZ007
                for (name,) in cursor.fetchall()
                if name.startswith(prefix)
            }
    return _known[table]


def ensure_day_partitions(model, days: Iterable[datetime.date]) -> None:
    """Make sure each day has its own partition (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    existing = _existing(table)
    qn = connection.ops.quote_name
    for day in sorted(set(days) - existing):
        try:
            # A savepoint: if the default partition already holds rows for this day, or
            # another process made the partition first, carry on with what is there.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {qn(partition_name(table, day))} "
                    f"PARTITION OF {qn(table)} "
                    f"FOR VALUES FROM ('{day:%Y-%m-%d}') TO ('{day + ONE_DAY:%Y-%m-%d}')"
                )
        except DatabaseError:
            pass  # not retried by this process; the rows go to the default partition
        existing.add(day)


def forget_partitions() -> None:
    """Drop the per-process cache (tests that recreate tables)."""
    _known.clear()
