"""Refusals write nothing: the row counts of every table a write could touch (the
project's own tables and the task queue), taken in one query before and after.

    with nothing_written():
        response = client.post(url, data)
    assert response.status_code == 403
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import connection

# Apps whose tables a request may write: the project's own and the task queue.
WRITTEN_APPS = ("shoumen.", "django_tasks_db")
# Settings kept as one row that is made with its defaults the first time it is read (by
# any page that shows a due time), refused request or not.
MADE_ON_FIRST_READ = {"alerts_alertrules"}


def _tables() -> list[str]:
    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_config.name.startswith(WRITTEN_APPS)
        and model._meta.db_table not in MADE_ON_FIRST_READ
    }
    return sorted(tables)


def row_counts(tables: list[str] | None = None) -> dict[str, int]:
    tables = tables or _tables()
    qn = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def changed_counts(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """The tables whose count moved: table -> (before, after)."""
    return {t: (n, after[t]) for t, n in before.items() if after[t] != n}


@contextmanager
def nothing_written() -> Iterator[None]:
    before = row_counts()
    yield
    changed = changed_counts(before, row_counts())
    assert not changed, f"rows were written (table: before, after): {changed}"
