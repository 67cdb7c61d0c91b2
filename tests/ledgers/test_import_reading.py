"""Finding the table in files as they are handed in: title and note rows, merged cells,
hidden columns, instruction sheets, header variants, CSV encodings, .xls."""

import datetime
from pathlib import Path

import pytest

from shoumen.ledgers.importing import (
    ERR_FILE_FORMAT,
    ERR_FILE_HEADER,
    ERR_FILE_SHEET,
    LedgerError,
    load_table,
    parse_date,
)
from shoumen.lib.excel import decode_text, guess_field, header_key, read_table
from tests.ledgers.ledgers import HEADERS, csv_bytes, resident_id, xlsx

FILES = Path(__file__).parent / "files"
ZHANG = resident_id("19800101", 1, male=True)
LI = resident_id("19820202", 2, male=False)
ROWS = [
    [1, "张三", "男", ZHANG, "13800001111", "5号楼", "2", "302", "户主", ""],
    [2, "李四", "女", LI, "", "5号楼", "2", "302", "配偶", "老台账"],
]


def test_header_row_is_found_below_title_and_note_rows():
    table = read_table(xlsx(ROWS), "台账.xlsx")
    assert table.sheet == "居民台账"
    assert table.header_row == 3
    assert table.headers == HEADERS
    assert [number for number, _ in table.rows] == [4, 5]
    assert table.rows[0][1][1] == "张三"


def test_header_row_on_the_first_line_without_title():
    table = read_table(xlsx(ROWS, title=None, note=None), "a.xlsx")
    assert table.header_row == 1
    assert [number for number, _ in table.rows] == [2, 3]


def test_blank_rows_between_data_rows_are_skipped_but_row_numbers_stay_true():
    rows = [ROWS[0], [None] * len(HEADERS), ["", " ", "", "", "", "", "", "", "", ""], ROWS[1]]
    table = read_table(xlsx(rows), "a.xlsx")
    assert [number for number, _ in table.rows] == [4, 7]


def test_instructions_sheet_before_the_data_is_not_data():
    table = read_table(xlsx(ROWS, instructions_first=True), "a.xlsx")
    assert table.sheet == "居民台账"
    assert len(table.rows) == 2


def test_a_sheet_can_be_chosen_by_name():
    table = read_table(xlsx(ROWS, sheet="三月"), "a.xlsx", sheet="三月")
    assert table.sheet == "三月"


def test_an_unknown_sheet_is_a_clear_error():
    with pytest.raises(LedgerError) as caught:
        load_table(xlsx(ROWS), "a.xlsx", sheet="四月")
    assert caught.value.message == ERR_FILE_SHEET % {"sheet": "四月"}


def test_hidden_columns_are_left_out():
    headers = [*HEADERS, "旧电话"]
    rows = [[*row, "13900000000"] for row in ROWS]
    table = read_table(xlsx(rows, headers=headers, hidden_columns={"K": []}), "a.xlsx")
    assert "旧电话" not in table.headers
    assert all(len(cells) == len(HEADERS) for _, cells in table.rows)


def test_cells_merged_down_a_column_fill_every_row_they_cover():
    rows = [ROWS[0], [*ROWS[1][:5], None, *ROWS[1][6:]]]
    table = read_table(xlsx(rows, merge_down=[(6, 0, 1)]), "a.xlsx")
    assert [cells[5] for _, cells in table.rows] == ["5号楼", "5号楼"]


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("证件号码", "id_number"),
        ("身份证号（必填）*", "id_number"),
        ("手机号", "phone"),
        ("联系方式", "phone"),
        ("楼号", "building"),
        ("房号", "door_number"),
        ("室", "door_number"),
        ("户主姓名", "head_name"),
        ("所属网格", "grid"),
        ("人员类别", "tags"),
        ("标签", "tags"),
        ("　姓 名　", "name"),
        ("备注", "notes"),
        ("序号", "seq"),
        ("籍贯", None),
    ],
)
def test_header_variants_are_recognised(header, field):
    assert guess_field(header) == field


def test_header_key_ignores_width_spaces_and_marks():
    assert header_key("＊身份证号 (18位)") == header_key("身份证号")


def test_gbk_csv_is_read():
    data = csv_bytes(ROWS, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    table = read_table(data, "台账.csv")
    assert table.headers == HEADERS
    assert table.rows[1][1][1] == "李四"
    assert table.rows[1][1][9] == "老台账"


def test_utf8_csv_with_bom_is_read():
    data = b"\xef\xbb\xbf" + csv_bytes(ROWS)
    table = read_table(data, "a.csv")
    assert table.headers[0] == "序号"
    assert [number for number, _ in table.rows] == [2, 3]


def test_gb18030_text_outside_gbk_decodes():
    assert decode_text("𠀀姓名".encode("gb18030")) == "𠀀姓名"


def test_xls_file_is_read():
    table = read_table((FILES / "ledger.xls").read_bytes(), "ledger.xls")
    assert table.header_row == 3
    assert [cells[3] for _, cells in table.rows] == [ZHANG, LI]


def test_a_file_that_is_not_a_spreadsheet_is_a_clear_error():
    with pytest.raises(LedgerError) as caught:
        load_table(b"PK\x03\x04 not really a zip", "a.xlsx", sheet=None)
    assert caught.value.message == ERR_FILE_FORMAT


def test_an_unknown_suffix_is_a_clear_error():
    with pytest.raises(LedgerError) as caught:
        load_table(b"hello", "a.docx", sheet=None)
    assert caught.value.message == ERR_FILE_FORMAT


def test_a_table_without_a_header_row_is_a_clear_error():
    with pytest.raises(LedgerError) as caught:
        load_table(xlsx([[1, 2, 3]], headers=["a", "b", "c"]), "a.xlsx", sheet=None)
    assert caught.value.message == ERR_FILE_HEADER


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1990-01-31", datetime.date(1990, 1, 31)),
        ("1990/1/31", datetime.date(1990, 1, 31)),
        ("1990.01.31", datetime.date(1990, 1, 31)),
        ("1990年1月31日", datetime.date(1990, 1, 31)),
        ("19900131", datetime.date(1990, 1, 31)),
        (datetime.datetime(1990, 1, 31, 0, 0), datetime.date(1990, 1, 31)),
        ("", None),
    ],
)
def test_dates_are_read_in_the_usual_forms(cell, expected):
    assert parse_date(cell) == expected
