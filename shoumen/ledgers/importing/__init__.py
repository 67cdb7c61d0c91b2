"""Importing a resident ledger (台账): read → normalise → validate every row → plan (new,
updated, unchanged, bad) → commit atomically with bulk writes.

Rows are validated by the registry's own ``validated_person_values`` and stored by its
``apply_person_values``, so an imported person is stored exactly as a typed one. Nothing
is written when any row is bad, unless the caller asks to skip bad rows; then the good
rows are written and the bad ones go to an error report holding the original columns.

Persons are matched by the blind index of their ID number, or without one by name + birth
date + household; households by building + unit + door number (or address + unit + door).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.ledgers.importing import tuning
from shoumen.ledgers.importing.checking import (
    ERR_DATE_UNREADABLE,
    ERR_GRID_REQUIRED,
    ERR_GRID_UNKNOWN,
    ERR_HEAD_TWICE,
    ERR_ID_AS_NUMBER,
    ERR_ID_TWICE,
    ERR_PERSON_TWICE,
    ERR_SEX_UNKNOWN,
    RowError,
)
from shoumen.ledgers.importing.planning import _plan, _Planner
from shoumen.ledgers.importing.preview import (
    preview_moves,
    preview_new_buildings,
    preview_updates,
)
from shoumen.ledgers.importing.reading import (
    ERR_FILE_ENCODING,
    ERR_FILE_FORMAT,
    ERR_FILE_HEADER,
    ERR_FILE_SHEET,
    ERR_GRID_COLUMN,
    ERR_MAPPING_TWICE,
    ERR_NAME_COLUMN,
    ERR_UNIT_LEVEL,
    FIELD_LABELS,
    REASON_HEADER,
    LedgerError,
    ProgressCallback,
    cell_text,
    community_of,
    effective_mapping,
    load_table,
    mapping_remember,
    parse_date,
    remembered_mapping,
)
from shoumen.ledgers.importing.workbooks import (
    TEMPLATE_HEADERS,
    error_report_xlsx,
    ledger_template_xlsx,
)
from shoumen.ledgers.importing.writing import _commit
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny
from shoumen.places.models import OrgUnit

__all__ = [
    "ERR_DATE_UNREADABLE",
    "ERR_FILE_ENCODING",
    "ERR_FILE_FORMAT",
    "ERR_FILE_HEADER",
    "ERR_FILE_SHEET",
    "ERR_GRID_COLUMN",
    "ERR_GRID_REQUIRED",
    "ERR_GRID_UNKNOWN",
    "ERR_HEAD_TWICE",
    "ERR_ID_AS_NUMBER",
    "ERR_ID_TWICE",
    "ERR_MAPPING_TWICE",
    "ERR_NAME_COLUMN",
    "ERR_PERSON_TWICE",
    "ERR_SEX_UNKNOWN",
    "ERR_UNIT_LEVEL",
    "FIELD_LABELS",
    "REASON_HEADER",
    "TEMPLATE_HEADERS",
    "ImportResult",
    "LedgerError",
    "RowError",
    "cell_text",
    "community_of",
    "effective_mapping",
    "ledger_import",
    "ledger_template_xlsx",
    "load_table",
    "mapping_remember",
    "parse_date",
    "remembered_mapping",
]


@dataclass
class ImportResult:
    sheet: str
    headers: list[str]
    mapping: dict[str, str]
    counts: dict[str, int]
    errors: list[RowError]
    committed: bool
    error_report: bytes | None = None
    sheets: list[str] = field(default_factory=list)
    # The preview: updated persons field by field, household moves, new buildings per grid.
    updates: list[dict[str, Any]] = field(default_factory=list)
    moves: list[dict[str, Any]] = field(default_factory=list)
    new_buildings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def bad(self) -> int:
        return self.counts["bad"]


# ---------------------------------------------------------------- the service


def ledger_import(
    *,
    actor,
    org_unit: OrgUnit,
    data: bytes,
    filename: str,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    on_progress: ProgressCallback | None = None,
    system_label: str = "",
    allow_moves: bool | Collection[int] = False,
) -> ImportResult:
    """Check a ledger and, unless ``dry_run``, import it in one transaction.

    Without ``skip_bad_rows`` a file with any bad row writes nothing (``committed`` is
    False); with it, the good rows are written and ``error_report`` holds the bad ones.
    File-level problems raise LedgerError. ``actor`` None with a ``system_label`` is an
    operator at the command line, who may import anywhere (audited under that label).

    A matched person whose row names another household moves there only when
    ``allow_moves`` is True or holds the person's id (the preview lists the moves); else
    they stay in their household and their other changes apply."""
    if actor is None and system_label:
        pass
    elif not can(actor, Perm.EDIT_REGISTRY, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)
    with tuning.collector_paused():
        return _ledger_import(
            actor=actor,
            org_unit=org_unit,
            data=data,
            filename=filename,
            sheet=sheet,
            mapping=mapping,
            dry_run=dry_run,
            skip_bad_rows=skip_bad_rows,
            on_progress=on_progress,
            system_label=system_label,
            allow_moves=allow_moves,
        )


def _ledger_import(
    *,
    actor,
    org_unit: OrgUnit,
    data: bytes,
    filename: str,
    sheet: str | None,
    mapping: Mapping[str, str] | None,
    dry_run: bool,
    skip_bad_rows: bool,
    on_progress: ProgressCallback | None,
    system_label: str,
    allow_moves: bool | Collection[int],
) -> ImportResult:
    known = remembered_mapping(org_unit) if mapping is None else mapping
    table = load_table(data, filename, sheet=sheet, known=known)
    used = effective_mapping(table, mapping, org_unit)
    planner = _Planner(
        actor=actor, org_unit=org_unit, table=table, mapping=used, system_label=system_label
    )
    rows = _plan(planner, on_progress)
    counts = dict.fromkeys(("new", "updated", "unchanged", "bad"), 0)
    for row in rows:
        counts[row.kind] += 1
    errors = [e for row in rows for e in row.errors]
    result = ImportResult(
        sheet=table.sheet,
        headers=table.headers,
        mapping=used,
        counts=counts,
        errors=errors,
        committed=False,
        sheets=table.sheets,
        updates=preview_updates(rows),
        moves=preview_moves(planner, rows),
        new_buildings=preview_new_buildings(planner, rows),
    )
    if counts["bad"]:
        result.error_report = error_report_xlsx(table, rows)
    if dry_run or (counts["bad"] and not skip_bad_rows):
        return result
    large = connection.vendor == "postgresql" and counts["new"] >= tuning.ANALYZE_ROWS
    with transaction.atomic():
        if large:
            tuning.defer_gin_updates()
        _commit(planner, rows, filename=filename, counts=counts, allow_moves=allow_moves)
        if large:
            tuning.merge_gin_pending()
        if (
            connection.vendor == "postgresql"
            and counts["new"] + counts["updated"] >= tuning.ANALYZE_ROWS
        ):
            # Fresh statistics before the deferred foreign keys are checked at commit and
            # before the next query: planned for "empty" tables, each check scans the table
            # (minutes for 100,000 rows). Only the key columns of persons: the full analyse
            # is left to autovacuum (seconds more per 100,000 rows here).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE registry_household, "
                    "registry_person (id, household_id, grid_id, id_number_index)"
                )
    result.committed = True
    return result
