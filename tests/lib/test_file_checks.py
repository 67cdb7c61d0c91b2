"""Files are checked before they are parsed: size, unpacked size, compression, parts, rows,
columns, cells, cell length and text, each refused with its own clear error, by
``check_upload`` and by ``read_table`` itself (no caller can skip the checks)."""

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from shoumen.lib.excel import _hidden_xlsx_columns, read_table
from shoumen.lib.file_checks import check_upload
from shoumen.lib.file_limits import (
    ERR_FILE_CELL_LENGTH,
    ERR_FILE_CELLS,
    ERR_FILE_COLUMNS,
    ERR_FILE_COMPRESSION,
    ERR_FILE_DAMAGED,
    ERR_FILE_MEMBERS,
    ERR_FILE_MERGED,
    ERR_FILE_ROWS,
    ERR_FILE_TEXT,
    ERR_FILE_TOO_BIG,
    ERR_FILE_UNCOMPRESSED,
    FileRefused,
    Limits,
)
from tests.lib.hostile_files import (
    ODS_EMPTY_REST,
    PREFIXED_HEAD,
    PREFIXED_TAIL,
    numbered_rows,
    ods,
    ods_cell,
    ods_row,
    text_rows,
    xlsx,
    zip_bomb,
)

ROOT = Path(__file__).resolve().parents[2]
FILES = ROOT / "tests" / "ledgers" / "files"
HEADER = ["姓名", "性别", "身份证号", "联系电话"]
PERSON = ["张三", "男", "110105198001010139", "13800001111"]
DEFAULTS = Limits()


def refused(data: bytes, filename: str, limits: Limits | None = None) -> FileRefused:
    """The refusal, the same from ``check_upload`` and from ``read_table``."""
    with pytest.raises(FileRefused) as upload:
        check_upload(data, filename, limits=limits)
    with pytest.raises(FileRefused) as reading:
        read_table(data, filename, limits=limits)
    assert (reading.value.code, str(reading.value.message)) == (
        upload.value.code,
        str(upload.value.message),
    )
    return upload.value


def small_ledger(rows: int = 20) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("居民台账")
    sheet.append(HEADER)
    for _ in range(rows):
        sheet.append(PERSON)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- what passes


def test_a_normal_ledger_passes_the_checks_and_is_read():
    data = small_ledger()
    check_upload(data, "台账.xlsx")
    assert len(read_table(data, "台账.xlsx").rows) == 20


def test_an_ods_ending_with_libreoffices_empty_rest_of_the_grid_passes():
    rows = ods_row([ods_cell(h) for h in HEADER]) + ods_row([ods_cell(v) for v in PERSON])
    data = ods(rows + ODS_EMPTY_REST)
    check_upload(data, "台账.ods")
    assert read_table(data, "台账.ods").rows[0][1][0] == "张三"


def test_an_xls_ledger_passes():
    data = (FILES / "ledger.xls").read_bytes()
    check_upload(data, "ledger.xls")
    assert read_table(data, "ledger.xls").rows


# ---------------------------------------------------------------- sizes


def test_a_file_over_the_upload_limit_is_refused():
    error = refused(small_ledger(), "a.xlsx", Limits(max_bytes=1000))
    assert error.code == "too_big"
    assert error.message == ERR_FILE_TOO_BIG % {"max": f"{1000 / 1024 / 1024:g} MB"}


def test_a_zip_bomb_is_refused_from_the_zip_directory_before_anything_is_unpacked():
    bomb = zip_bomb(packed_mb=1.5)
    assert len(bomb) < 1.7 * 1024 * 1024
    error = refused(bomb, "台账.xlsx")
    assert error.code == "uncompressed"
    assert error.message == ERR_FILE_UNCOMPRESSED % {"max": "300 MB"}


def test_a_part_packed_far_tighter_than_a_spreadsheet_is_refused():
    error = refused(zip_bomb(packed_mb=0.2), "a.xlsx")
    assert (error.code, error.message) == ("compression", ERR_FILE_COMPRESSION)


def test_a_zip_bomb_that_lies_about_its_size_is_caught_while_unpacking():
    error = refused(zip_bomb(packed_mb=0.2, declare=1000), "a.xlsx")
    assert (error.code, error.message) == ("damaged", ERR_FILE_DAMAGED)


def test_a_workbook_of_too_many_parts_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n in range(30):
            archive.writestr(f"part{n}.xml", "<a/>")
    error = refused(out.getvalue(), "a.xlsx", Limits(max_zip_members=20))
    assert (error.code, error.message) == ("members", ERR_FILE_MEMBERS % {"max": 20})


def test_a_zip_bomb_is_refused_with_bounded_memory_in_a_fresh_process():
    """The peak is the new program's own (VmHWM): on Linux ``ru_maxrss`` keeps the
    parent's peak across exec, so a large test worker would be counted too."""
    script = (
        "import json, sys;"
        "sys.path.insert(0, '.');"
        "import django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shoumen.settings');"
        "django.setup();"
        "from tests.lib.hostile_files import zip_bomb;"
        "from shoumen.lib.excel import read_table, FileRefused;"
        "bomb = zip_bomb(packed_mb=1.5)\n"
        "try:\n read_table(bomb, 'bomb.xlsx'); code = None\n"
        "except FileRefused as exc:\n code = exc.code\n"
        "status = open('/proc/self/status').read()\n"
        "peak_kb = int(status.split('VmHWM:')[1].split()[0])\n"
        "print(json.dumps({'code': code, 'peak_mb': peak_kb / 1024}))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == "uncompressed"
    assert result["peak_mb"] < 1024


# ---------------------------------------------------------------- rows, columns, cells


def test_a_million_row_sheet_is_refused_before_it_is_read():
    data = xlsx(text_rows([HEADER]) + numbered_rows(1_000_000)[200:])
    error = refused(data, "a.xlsx")
    assert (error.code, error.message) == ("rows", ERR_FILE_ROWS % {"max": 200_000})


def test_a_million_row_csv_is_refused():
    data = ("姓名,性别\n" + "张三,男\n" * 1_000_000).encode()
    error = refused(data, "a.csv")
    assert (error.code, error.message) == ("rows", ERR_FILE_ROWS % {"max": 200_000})


def test_a_20000_column_csv_gets_a_clear_error():
    line = ",".join(f"列{n}" for n in range(20_000))
    data = ("姓名,性别," + line + "\n张三,男\n").encode()
    error = refused(data, "wide.csv")
    assert (error.code, error.message) == ("columns", ERR_FILE_COLUMNS % {"max": 500})


def test_two_cells_far_apart_count_as_the_block_between_them():
    # Read as is, these two cells ask the reader for 17 billion cells.
    data = xlsx(b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>')
    assert refused(data, "a.xlsx").code == "rows"


def test_a_cell_placed_far_below_its_row_is_counted_where_it_lands():
    data = xlsx(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
        b'<c r="SF99999" t="inlineStr"><is><t>y</t></is></c></row>'
    )
    error = refused(data, "a.xlsx")
    assert (error.code, error.message) == ("cells", ERR_FILE_CELLS % {"max": 3_000_000})


def test_a_sheet_kept_at_an_unusual_path_is_checked_too():
    # The reader follows the workbook's link wherever it points...
    small = xlsx(text_rows([HEADER, PERSON]), sheet_path="xl/data/part.bin")
    assert read_table(small, "a.xlsx").rows[0][1][0] == "张三"
    # ...so the checks measure every XML part as a sheet.
    two_cells = b'<row r="1"><c r="A1"><v>1</v></c><c r="SF99999"><v>1</v></c></row>'
    data = xlsx(two_cells, sheet_path="xl/data/part.bin")
    assert refused(data, "a.xlsx").code == "cells"


def test_cells_without_references_are_counted_one_after_another():
    row = b"<row>" + b"<c><v>1</v></c>" * 600 + b"</row>"
    assert refused(xlsx(row), "a.xlsx").code == "columns"


def test_a_sheet_with_a_namespace_prefix_is_checked_too():
    data = xlsx(
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
        b'<x:row r="900000"><x:c r="A900000"><x:v>1</x:v></x:c></x:row>',
        head=PREFIXED_HEAD,
        tail=PREFIXED_TAIL,
    )
    assert refused(data, "a.xlsx").code == "rows"


def test_a_declared_dimension_beyond_the_limits_is_refused_at_once():
    head = b'<worksheet xmlns="x"><dimension ref="A1:XFD1048576"/><sheetData>'
    assert refused(xlsx(text_rows([HEADER]), head=head), "a.xlsx").code == "rows"


def test_an_ods_row_repeated_a_million_times_is_refused():
    data = ods(ods_row([ods_cell("姓名")]) + ods_row([ods_cell("张三")], repeat=1_000_000))
    assert refused(data, "a.ods").code == "rows"


def test_an_ods_cell_repeated_across_20000_columns_is_refused():
    data = ods(ods_row([ods_cell("姓名"), ods_cell("x", repeat=20_000)]))
    assert refused(data, "a.ods").code == "columns"


def test_an_xls_sheet_is_checked_after_loading_before_its_cells_are_read():
    data = (FILES / "ledger.xls").read_bytes()
    check_upload(data, "ledger.xls", limits=Limits(max_cells=20))  # size only
    with pytest.raises(FileRefused) as error:
        read_table(data, "ledger.xls", limits=Limits(max_cells=20))
    assert error.value.code == "cells"


def test_a_zip_named_xls_is_checked_as_the_workbook_it_is():
    data = xlsx(text_rows([HEADER]) + numbered_rows(300_000)[-2000:])
    assert refused(data, "a.xls").code == "rows"


# ---------------------------------------------------------------- cell length and text


def test_a_cell_longer_than_the_limit_is_refused_in_every_format():
    long = "长" * 6000
    expected = ("cell_length", ERR_FILE_CELL_LENGTH % {"max": 5000})
    error = refused(xlsx(text_rows([HEADER, ["张三", long]])), "a.xlsx")
    assert (error.code, error.message) == expected
    error = refused(f"姓名,备注\n张三,{long}\n".encode(), "a.csv")
    assert (error.code, error.message) == expected
    error = refused(ods(ods_row([ods_cell("姓名")]) + ods_row([ods_cell(long)])), "a.ods")
    assert (error.code, error.message) == expected


def test_a_csv_field_beyond_what_the_csv_reader_takes_is_a_clear_error():
    data = ('姓名,备注\n张三,"' + "x" * 200_000 + '"\n').encode()
    error = refused(data, "a.csv", Limits(max_cell_chars=1_000_000))
    assert error.code == "cell_length"


def test_entities_count_as_one_character_each():
    data = xlsx(text_rows([HEADER, ["&amp;" * 4000]]))
    check_upload(data, "a.xlsx")


def test_a_shared_string_used_by_many_cells_counts_once_per_cell():
    shared = b"<si><t>" + b"x" * 4000 + b"</t></si>"
    cells = b"".join(
        b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (n, n) for n in range(1, 30_001)
    )
    error = refused(xlsx(cells, shared=shared), "a.xlsx", Limits(max_text_bytes=100 * 1024**2))
    assert (error.code, error.message) == ("text", ERR_FILE_TEXT % {"max": "100 MB"})


# ---------------------------------------------------------------- settings


def test_read_table_takes_its_limits_from_the_settings(settings):
    settings.SHOUMEN_IMPORT_MAX_ROWS = 10
    with pytest.raises(FileRefused) as error:
        read_table(small_ledger(20), "a.xlsx")
    assert (error.value.code, error.value.message) == ("rows", ERR_FILE_ROWS % {"max": 10})
    assert Limits.current().max_rows == 10 and DEFAULTS.max_rows == 200_000


def test_empty_ods_rows_count_when_content_follows_them():
    gap = '<table:table-row table:number-rows-repeated="1000000"/>'
    data = ods(ods_row([ods_cell("姓名")]) + gap + ods_row([ods_cell("张三")]))
    assert refused(data, "a.ods").code == "rows"


def test_each_ods_sheet_is_counted_on_its_own():
    rows = "".join(ods_row([ods_cell("张三"), ods_cell("男")]) for _ in range(150))
    second = '</table:table><table:table table:name="Sheet2">'
    data = ods(ods_row([ods_cell(h) for h in HEADER[:2]]) + rows + second + rows)
    check_upload(data, "a.ods", limits=Limits(max_rows=200))
    with pytest.raises(FileRefused):
        check_upload(data, "a.ods", limits=Limits(max_rows=100))


def test_a_sheet_of_more_merged_ranges_than_rows_allowed_is_refused():
    merges = b'<mergeCell ref="A1:B1"/>' * 201
    tail = b"</sheetData><mergeCells>" + merges + b"</mergeCells></worksheet>"
    data = xlsx(text_rows([HEADER, PERSON]), tail=tail)
    check_upload(data, "a.xlsx", limits=Limits(max_rows=201))
    error = refused(data, "a.xlsx", Limits(max_rows=200))
    assert (error.code, error.message) == ("merged", ERR_FILE_MERGED % {"max": 200})


def test_hidden_columns_stop_at_the_last_column_a_sheet_has():
    # Without the stop, max="2000000000" would make a set of two billion numbers.
    head = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<cols><col min="10" max="16500" hidden="1"/></cols><sheetData>'
    )
    data = xlsx(text_rows([HEADER, PERSON]), head=head)
    assert max(_hidden_xlsx_columns(data)["Sheet1"]) == 16383
    assert read_table(data, "a.xlsx").rows[0][1] == PERSON
