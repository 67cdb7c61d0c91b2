"""Making a large import fast: rows prepared in worker processes, the garbage collector
paused, and PostgreSQL's GIN pending list and statistics handled in bulk."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.db import connection

from shoumen.ledgers.importing.stored_form import _stored_form
from shoumen.registry.models import (
    Person,
)

if TYPE_CHECKING:
    from shoumen.ledgers.importing.planning import _Planner
# Files with at least this many rows are checked by several processes at once.
PARALLEL_MIN_ROWS = 20_000
# After writing this many persons, PostgreSQL's statistics are refreshed.
ANALYZE_ROWS = 10_000
CHUNK_ROWS = 5_000
PARALLEL_MIN_CPUS = 4
_prepared_planner: _Planner | None = None


def _prepare(planner: _Planner, start: int, end: int, *, stored: bool = False) -> list[tuple]:
    """Read, normalise and validate rows ``start:end`` on their own (no database). Worker
    processes also work out the stored form (``stored``); in one process that waits until
    the row is known to be new."""
    out = []
    for number, cells in planner.table.rows[start:end]:
        row = planner.read_row(number, cells)
        planner.validate(row)
        form = _stored_form(row.values) if stored and not row.errors else None
        grid_id = row.grid.pk if row.grid is not None else None
        out.append((row.errors, row.values, row.given, grid_id, row.household_key, form))
    return out


def _prepare_forked(bounds: tuple[int, int]) -> list[tuple]:
    assert _prepared_planner is not None
    return _prepare(_prepared_planner, *bounds, stored=True)


def _prepared_chunks(planner: _Planner):
    """Chunks of prepared rows, in order: in worker processes (forked, so that they share
    the planner's lookups without copying) when the file is large and there are several
    CPUs, otherwise here."""
    total = len(planner.table.rows)
    bounds = [(i, min(i + CHUNK_ROWS, total)) for i in range(0, total, CHUNK_ROWS)]
    cpus = os.cpu_count() or 1
    workers = min(cpus, len(bounds))
    # On two CPUs, shipping prepared rows back costs about what the second CPU saves.
    if (
        total < PARALLEL_MIN_ROWS
        or cpus < PARALLEL_MIN_CPUS
        or "fork" not in mp.get_all_start_methods()
    ):
        for start, end in bounds:
            yield end, _prepare(planner, start, end)
        return
    global _prepared_planner
    _prepared_planner = planner
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for (_start, end), chunk in zip(
                bounds, pool.imap(_prepare_forked, bounds), strict=True
            ):
                yield end, chunk
    finally:
        _prepared_planner = None


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the import: a large file makes millions
    of objects that live until the end, and each full collection would walk them all again
    (seconds per 100,000 rows). What the import makes is freed by reference counting; the
    collector runs again afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def defer_gin_updates() -> None:
    """For this transaction only, let new persons' entries in the trigram (GIN) index of
    search text wait in its pending list, so that they are merged into the index once, in
    bulk, by ``merge_gin_pending`` (about a second less per 100,000 persons than merging
    every 4 MB). The index stays whole throughout: the pending list is part of it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '2GB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")


def merge_gin_pending() -> None:
    """Merge the pending entries into the GIN indexes of persons before the commit, so that
    searches do not scan a long pending list and no later write has to merge it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [Person._meta.db_table],
        )
