"""`shoumen import-ledger`: the same import from the command line, with a non-zero exit
when bad rows stop it."""

import importlib
import io
import re

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from shoumen.audit.models import AuditEvent
from shoumen.registry.models import Person
from tests.ledgers.ledgers import csv_bytes, resident_id, xlsx

ERR_BAD_ROWS = importlib.import_module(
    "shoumen.ledgers.management.commands.import-ledger"
).ERR_BAD_ROWS

ZHANG = resident_id("19800101", 1, male=True)
BAD = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")
GOOD = [1, "张三", "男", ZHANG, "13800001111", "5号楼", "2", "302", "户主", ""]
WRONG = [2, "王五", "男", BAD, "", "5号楼", "2", "303", "户主", ""]


def ledger(tmp_path, rows, name="台账.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows) if name.endswith(".xlsx") else csv_bytes(rows, encoding="gbk"))
    return path


def run(*args):
    out = io.StringIO()
    call_command("import-ledger", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_command_imports_a_ledger_into_a_grid(world, tmp_path):
    out = run(ledger(tmp_path, [GOOD]), "--org-unit", "G1")
    assert "Imported." in out
    assert Person.objects.filter(name="张三").exists()
    summary = AuditEvent.objects.get(action="ledger.import")
    assert summary.actor_label == "import-ledger command"


def test_command_reads_a_gbk_csv(world, tmp_path):
    run(ledger(tmp_path, [GOOD], name="台账.csv"), "--org-unit", "G1")
    assert Person.objects.filter(name="张三").exists()


def test_command_dry_run_writes_nothing(world, tmp_path):
    before = Person.objects.count()
    out = run(ledger(tmp_path, [GOOD]), "--org-unit", "G1", "--dry-run")
    assert "Checked only" in out
    assert Person.objects.count() == before


def test_command_with_a_bad_row_exits_non_zero_and_writes_nothing(world, tmp_path):
    before = Person.objects.count()
    with pytest.raises(CommandError, match=re.escape(str(ERR_BAD_ROWS % {"count": 1}))):
        run(ledger(tmp_path, [GOOD, WRONG]), "--org-unit", "G1")
    assert Person.objects.count() == before


def test_command_skips_bad_rows_and_writes_the_error_report(world, tmp_path):
    report = tmp_path / "errors.xlsx"
    out = run(
        ledger(tmp_path, [GOOD, WRONG]),
        "--org-unit",
        "G1",
        "--skip-bad-rows",
        "--errors-out",
        report,
    )
    assert "Imported." in out
    assert Person.objects.filter(name="张三").exists()
    rows = list(load_workbook(io.BytesIO(report.read_bytes())).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["王五"]


def test_command_names_an_unknown_org_unit(world, tmp_path):
    with pytest.raises(CommandError, match="NOPE"):
        run(ledger(tmp_path, [GOOD]), "--org-unit", "NOPE")


def test_command_names_an_unknown_sheet(world, tmp_path):
    with pytest.raises(CommandError, match="四月"):
        run(ledger(tmp_path, [GOOD]), "--org-unit", "G1", "--sheet", "四月")


ZENG_TO_302 = [1, "曾丽", "女", "110105195001010020", "", "5号楼", "2", "302", "户主", ""]


def test_command_lists_a_household_move_and_does_not_make_it_without_allow_moves(world, tmp_path):
    before = world.person("曾丽").household_id
    out = run(ledger(tmp_path, [ZENG_TO_302]), "--org-unit", "G1")
    assert "--allow-moves" in out and "曾丽" in out
    assert world.person("曾丽").household_id == before


def test_command_with_allow_moves_moves_the_resident(world, tmp_path):
    before = world.person("曾丽").household_id
    out = run(ledger(tmp_path, [ZENG_TO_302]), "--org-unit", "G1", "--allow-moves")
    assert "曾丽" in out
    moved = world.person("曾丽")
    assert moved.household_id != before
    assert moved.household.door_number == "302"
