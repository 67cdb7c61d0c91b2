"""The register file itself: layout, order, masking, formats."""

import datetime

import pytest
import time_machine

from shoumen.ledgers.export_services import FORMAT_CSV, FORMAT_XLSX, register_export
from shoumen.ledgers.exports import COLUMNS, header_labels, register_title
from shoumen.registry.household_services import building_create, household_create
from shoumen.registry.models import Relation
from shoumen.registry.services import person_set_status
from tests.ledgers.export_helpers import (
    ID_COLUMN,
    NAME_COLUMN,
    PHONE_COLUMN,
    add_households,
    child,
    csv_rows,
    xlsx_rows,
    xlsx_sheet,
    xml_text,
)
from tests.personas import ID_SHAN, ID_ZENG, PHONE_SHAN

NOON = datetime.datetime(2026, 11, 22, 4, tzinfo=datetime.UTC)  # 12:00 in Shanghai


def _export(world, unit, fmt=FORMAT_XLSX, actor=None, **kwargs):
    return register_export(actor=actor or world.community_staff, org_unit=unit, fmt=fmt, **kwargs)


@time_machine.travel(NOON, tick=False)
def test_xlsx_has_title_merged_across_and_header_frozen(world):
    sheet = xlsx_sheet(_export(world, world.community).content)
    assert sheet["A1"].value == register_title("光华社区", datetime.date(2026, 11, 22))
    assert "光华社区" in sheet["A1"].value
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:Q1"]
    assert [c.value for c in sheet[2]] == header_labels()
    assert len(header_labels()) == len(COLUMNS) == 17
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["M"].width == 22


def test_register_title_reads_as_workers_write_it_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        title = register_title("光华社区", datetime.date(2026, 11, 22))
    assert title.startswith("光华社区")
    assert "2026年11月22日" in title


def test_xlsx_rows_are_grouped_by_building_and_household_with_the_head_first(world):
    add_households(world)
    rows = xlsx_rows(_export(world, world.grid_a).content)
    assert [r[NAME_COLUMN] for r in rows] == ["张大", "张小", "赵一", "单明", "曾丽", "单小宝"]
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0][1:6] == ["光华第一网格", "3号楼", "1", "102", "张大"]
    assert rows[3][1:6] == ["光华第一网格", "5号楼", "2", "301", "单明"]


def test_community_register_lists_each_grid_in_turn(world):
    rows = xlsx_rows(_export(world, world.community).content)
    assert [(r[1], r[NAME_COLUMN]) for r in rows] == [
        ("光华第一网格", "单明"),
        ("光华第一网格", "曾丽"),
        ("光华第一网格", "单小宝"),
        ("光华第二网格", "王刚"),
    ]


def test_xlsx_masks_id_numbers_and_phones_by_default(world):
    content = _export(world, world.grid_a).content
    shan = xlsx_rows(content)[0]
    assert shan[ID_COLUMN] == world.shan.id_number_masked
    assert shan[PHONE_COLUMN] == world.shan.phone_masked
    text = xml_text(content)
    for secret in (ID_SHAN, ID_ZENG, PHONE_SHAN, ID_SHAN[6:14], PHONE_SHAN[3:7]):
        assert secret not in text


def test_id_and_phone_cells_are_stored_as_text(world):
    sheet = xlsx_sheet(_export(world, world.grid_a).content)
    id_cell, phone_cell = sheet.cell(3, ID_COLUMN + 1), sheet.cell(3, PHONE_COLUMN + 1)
    assert (id_cell.data_type, id_cell.number_format) == ("s", "@")
    assert (phone_cell.data_type, phone_cell.number_format) == ("s", "@")


def test_unmasked_export_carries_the_full_numbers(world):
    content = _export(
        world, world.grid_a, actor=world.district_officer, unmasked=True, reason="疾控核查"
    ).content
    shan = xlsx_rows(content)[0]
    assert (shan[ID_COLUMN], shan[PHONE_COLUMN]) == (ID_SHAN, PHONE_SHAN)


def test_only_residents_are_listed_unless_asked(world):
    person_set_status(
        actor=world.admin_user, person=world.zeng, status="moved_out", reason="搬走了"
    )
    names = [r[NAME_COLUMN] for r in xlsx_rows(_export(world, world.grid_a).content)]
    assert names == ["单明", "单小宝"]
    rows = xlsx_rows(_export(world, world.grid_a, include_inactive=True).content)
    assert [r[NAME_COLUMN] for r in rows] == ["单明", "曾丽", "单小宝"]
    assert rows[1][15] == str(world.zeng.get_status_display())


def test_csv_has_a_bom_the_header_and_the_same_rows_as_the_xlsx(world):
    add_households(world)
    content = _export(world, world.grid_a, fmt=FORMAT_CSV).content
    assert content.startswith(b"\xef\xbb\xbf")
    header, *rows = csv_rows(content)
    assert header == header_labels()
    from_xlsx = xlsx_rows(_export(world, world.grid_a).content)
    as_text = [["" if v is None else str(v) for v in row] for row in from_xlsx]
    assert rows == as_text


def test_csv_masks_by_default(world):
    content = _export(world, world.grid_a, fmt=FORMAT_CSV).content.decode("utf-8-sig")
    assert ID_SHAN not in content and PHONE_SHAN not in content
    assert world.shan.id_number_masked in content


def test_a_note_that_looks_like_a_formula_stays_text(world):
    child(world.admin_user, world.household_a, "钱多", notes='=HYPERLINK("http://x")')
    sheet = xlsx_sheet(_export(world, world.grid_a).content)
    notes = [row[16] for row in sheet.iter_rows(min_row=3) if row[NAME_COLUMN].value == "钱多"]
    assert notes[0].data_type == "s"
    csv_text = _export(world, world.grid_a, fmt=FORMAT_CSV).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv_text


def test_file_names_say_which_unit_and_format(world):
    assert _export(world, world.grid_a).filename.endswith(".xlsx")
    export = _export(world, world.grid_a, fmt=FORMAT_CSV)
    assert export.filename.startswith("光华第一网格") and export.filename.endswith(".csv")
    assert export.rows == 3


@pytest.mark.parametrize("fmt", [FORMAT_XLSX, FORMAT_CSV])
def test_an_empty_grid_exports_the_header_alone(world, fmt):
    export = _export(world, world.grid_b, actor=world.admin_user, fmt=fmt)
    export_g3 = register_export(actor=world.admin_user, org_unit=world.unit("G3"), fmt=fmt)
    assert export.rows == 1 and export_g3.rows == 0


def test_a_household_without_a_building_shows_its_address(world):
    rows = xlsx_rows(_export(world, world.unit("G4"), actor=world.admin_user).content)
    assert [(r[2], r[NAME_COLUMN]) for r in rows] == [("和平里北街12号", "李强")]


def test_buildings_and_doors_are_in_the_order_workers_count_them(world):
    admin = world.admin_user
    b10 = building_create(actor=admin, grid=world.grid_a, name="10号楼", units=1)
    h10 = household_create(
        actor=admin, grid=world.grid_a, building=b10, unit="1", door_number="101"
    )
    child(admin, h10, "十号楼户主", relation=Relation.HEAD)
    h1201 = household_create(
        actor=admin, grid=world.grid_a, building=world.building_a, unit="2", door_number="1201"
    )
    child(admin, h1201, "十二层户主", relation=Relation.HEAD)
    names = [r[NAME_COLUMN] for r in xlsx_rows(_export(world, world.grid_a).content)]
    assert names == ["单明", "曾丽", "单小宝", "十二层户主", "十号楼户主"]
