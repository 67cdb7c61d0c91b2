"""Whatever the cells hold, the importer answers with counts and row errors (or a clear
file-level LedgerError), never a crash."""

import contextlib
import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from shoumen.ledgers.importing import LedgerError, ledger_import
from tests.ledgers.ledgers import HEADERS, xlsx

text = st.text(max_size=40).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
id_like = st.builds(
    lambda digits, tail: digits + tail,
    st.text("0123456789０１２３４５６７８９ ", min_size=0, max_size=20),
    st.sampled_from(["", "x", "X", "ｘ", "*"]),
)
cell = st.one_of(
    st.none(),
    text,
    id_like,
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.sampled_from(["男", "女", "户主", "5号楼", "2", "301", "13812345678", "慢病、独居"]),
)
row = st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS))

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(rows=st.lists(row, min_size=1, max_size=6))
def test_fuzzed_cells_never_crash_the_importer(world, rows):
    result = ledger_import(
        actor=world.community_staff,
        org_unit=world.grid_a,
        data=xlsx(rows),
        filename="fuzz.xlsx",
        dry_run=True,
    )
    assert sum(result.counts.values()) == len(result_rows(rows))
    assert all(e.row >= 4 and e.reason for e in result.errors)


def result_rows(rows):
    return [r for r in rows if any(c not in (None, "") and str(c).strip() for c in r)]


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzzed_csv_bytes_never_crash_the_importer(world, data):
    body = ",".join(HEADERS).encode() + b"\r\n" + data
    with contextlib.suppress(LedgerError):
        result = ledger_import(
            actor=world.community_staff,
            org_unit=world.grid_a,
            data=body,
            filename="fuzz.csv",
            dry_run=True,
        )
        assert all(e.reason for e in result.errors)


@FUZZ
@given(data=st.binary(max_size=300))
def test_fuzzed_bytes_as_a_workbook_are_a_clear_error(world, data):
    with pytest.raises(LedgerError):
        ledger_import(
            actor=world.community_staff,
            org_unit=world.grid_a,
            data=data,
            filename="fuzz.xlsx",
            dry_run=True,
        )
