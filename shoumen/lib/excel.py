"""Reading spreadsheets typed by many hands: .xlsx/.xls/.ods through python-calamine and
.csv in UTF-8 or GBK/GB18030.

``read_table`` finds the table in a workbook: it skips hidden and instruction sheets, title
and note rows above the header, blank rows and hidden columns, and fills cells merged
down a column (a building written once for all its rows) into every row they cover.
Headers are recognised through ``HEADER_ALIASES``; what it does not recognise stays
available, so that the user can map it by hand.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from shoumen.lib.file_checks import (
    check_size,
    check_upload,
    check_zip,
    csv_rows,
    decode_text,
    is_zip,
)
from shoumen.lib.file_limits import FileRefused, Limits, UnreadableFile, check_area
from shoumen.lib.sheet_scan import SHEET_MAX_COLUMNS
from shoumen.lib.text import strip_all_spaces, to_halfwidth

__all__ = [
    "FileRefused",
    "Limits",
    "Table",
    "UnreadableFile",
    "check_upload",
    "decode_text",
    "guess_field",
    "header_key",
    "is_blank",
    "read_table",
]

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
CSV_SUFFIXES = (".csv", ".txt")
SUPPORTED_SUFFIXES = SPREADSHEET_SUFFIXES + CSV_SUFFIXES

# How far down a sheet the header row may sit below title and note rows.
HEADER_SEARCH_ROWS = 30
# A header row names at least this many known columns.
HEADER_MIN_MATCHES = 2

# Field key -> header texts seen in real ledgers (compared after ``header_key``).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "No"),
    "name": ("姓名", "居民姓名", "人员姓名", "名字"),
    "sex": ("性别",),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "证件号码",
        "证件号",
        "身份证",
    ),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日"),
    "phone": ("联系电话", "手机号", "手机号码", "联系方式", "电话", "电话号码", "手机"),
    "building": ("楼栋", "楼号", "楼栋号", "楼"),
    "unit": ("单元", "单元号"),
    "door_number": ("门牌号", "房号", "室", "房间号", "门牌"),
    "address": ("地址", "住址", "现住址", "居住地址"),
    "head_name": ("户主", "户主姓名"),
    "relation": ("与户主关系", "与户主的关系", "关系"),
    "grid": ("网格", "所属网格", "网格名称"),
    "tags": ("人员类别", "标签", "人员类型", "类别"),
    "notes": ("备注", "说明"),
}

# Sheets that explain how to fill in a template are never data.
INSTRUCTION_SHEET_WORDS = ("说明", "填写说明", "填表说明", "instructions", "readme")

_BRACKETS = re.compile(r"[（(【\[].*?[）)】\]]")


def header_key(text: Any) -> str:
    """A header cell compared loosely: half-width, no spaces, no required-marks or notes in
    brackets ("身份证号（必填）*" -> "身份证号")."""
    value = strip_all_spaces(to_halfwidth(str(text or "")))
    value = _BRACKETS.sub("", value).strip("*:：#")
    return value.lower()


_ALIAS_INDEX = {
    header_key(alias): key for key, aliases in HEADER_ALIASES.items() for alias in aliases
}


def guess_field(header: Any) -> str | None:
    return _ALIAS_INDEX.get(header_key(header))


@dataclass
class Table:
    """A table found in a sheet. ``rows`` hold (Excel row number, cells) with the cells
    aligned to ``headers``; hidden columns are already gone."""

    sheet: str
    header_row: int  # as Excel shows it, 1-based
    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)

    def guessed_mapping(self) -> dict[str, str]:
        """Header text -> field key for the headers we recognise (first one wins)."""
        mapping: dict[str, str] = {}
        taken: set[str] = set()
        for header in self.headers:
            key = guess_field(header)
            if key and key not in taken and header not in mapping:
                mapping[header] = key
                taken.add(key)
        return mapping


def _suffix(filename: str) -> str:
    return PurePosixPath(filename.lower()).suffix


def _csv_grid(data: bytes, limits: Limits) -> list[list[Any]]:
    return list(csv_rows(decode_text(data), limits))


def _hidden_xlsx_columns(data: bytes) -> dict[str, set[int]]:
    """Sheet name -> 0-based indexes of hidden columns (xlsx only; calamine does not say)."""
    hidden: dict[str, set[int]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = {
                m.group(1): m.group(2)
                for m in re.finditer(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
            }
            targets |= {
                m.group(2): m.group(1)
                for m in re.finditer(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
            }
            for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
                attrs = m.group(1)
                name = re.search(r'\bname="([^"]*)"', attrs)
                rid = re.search(r'\br:id="([^"]*)"', attrs) or re.search(r'\bid="([^"]*)"', attrs)
                if not name or not rid or rid.group(1) not in targets:
                    continue
                target = targets[rid.group(1)].lstrip("/")
                path = target if target.startswith("xl/") else f"xl/{target}"
                with archive.open(path) as sheet_file:
                    head = sheet_file.read(64 * 1024).decode("utf-8", "replace")
                head = head.split("<sheetData", 1)[0]
                columns: set[int] = set()
                for col in re.finditer(r"<(?:\w+:)?col\b([^>]*)/?>", head):
                    col_attrs = col.group(1)
                    if not re.search(r'\bhidden="(1|true)"', col_attrs):
                        continue
                    low = re.search(r'\bmin="(\d+)"', col_attrs)
                    high = re.search(r'\bmax="(\d+)"', col_attrs)
                    if low and high:
                        # A sheet has at most 16,384 columns, whatever the file says.
                        last = min(int(high.group(1)), SHEET_MAX_COLUMNS)
                        columns |= set(range(int(low.group(1)) - 1, last))
                sheet_name = _xml_unescape(name.group(1))
                hidden[sheet_name] = columns
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    return hidden


def _xml_unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'")):
        text = text.replace(entity, char)
    return text.replace("&amp;", "&")


def _fill_merged(grid: list[list[Any]], ranges: Iterable | None) -> None:
    """Copy the value of each merged range's top-left cell into the cells it covers."""
    for (r0, c0), (r1, c1) in ranges or ():
        if r0 >= len(grid):
            continue
        row0 = grid[r0]
        value = row0[c0] if c0 < len(row0) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            for c in range(c0, min(c1, len(row) - 1) + 1):
                if (r, c) != (r0, c0) and row[c] in ("", None):
                    row[c] = value


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not strip_all_spaces(value))


def _find_header(grid: list[list[Any]], known: Mapping[str, str] | None = None) -> int | None:
    """The index of the first row within reach that names enough known columns."""
    extra = {header_key(h) for h in (known or {})}
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        keys = [header_key(cell) for cell in row if isinstance(cell, str) and cell.strip()]
        matches = sum(1 for k in keys if k in _ALIAS_INDEX or k in extra)
        if matches >= HEADER_MIN_MATCHES:
            return index
    return None


def _is_instruction_sheet(name: str) -> bool:
    lowered = name.strip().lower()
    return any(word in lowered for word in INSTRUCTION_SHEET_WORDS)


def _table_from_grid(
    sheet: str,
    grid: list[list[Any]],
    hidden_columns: set[int],
    known: Mapping[str, str] | None = None,
) -> Table | None:
    header_index = _find_header(grid, known)
    if header_index is None:
        return None
    header_cells = grid[header_index]
    keep: list[int] = []
    headers: list[str] = []
    seen: dict[str, int] = {}
    for column, cell in enumerate(header_cells):
        if column in hidden_columns:
            continue
        text = " ".join(to_halfwidth(str(cell if cell is not None else "")).split())
        if not text:
            continue
        # Two columns with the same header stay apart: "备注", "备注 (2)".
        seen[text] = seen.get(text, 0) + 1
        if seen[text] > 1:
            text = f"{text} ({seen[text]})"
        keep.append(column)
        headers.append(text)
    rows: list[tuple[int, list[Any]]] = []
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        cells = [row[c] if c < len(row) else "" for c in keep]
        if all(is_blank(v) for v in cells):
            continue
        rows.append((index + 1, cells))
    return Table(sheet=sheet, header_row=header_index + 1, headers=headers, rows=rows)


def read_table(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    known_headers: Mapping[str, str] | None = None,
    limits: Limits | None = None,
) -> Table:
    """The ledger table in ``data``. Without ``sheet``, the first visible sheet that is not
    an instructions sheet and has a recognisable header row. ``known_headers`` are headers a
    user mapped before, so that they count when looking for the header row.

    The file is checked against ``limits`` (the settings by default) before any parser
    touches it, and each sheet's area again before its cells become Python objects.

    Raises FileRefused (a limit; ``message`` says which) or UnreadableFile with code
    "format", "encoding", "sheet" (no such sheet) or "header" (no header row found)."""
    limits = limits or Limits.current()
    check_size(data, limits)
    suffix = _suffix(filename)
    if suffix in CSV_SUFFIXES:
        # The CSV checks run on each line as it is read: one pass, not two.
        table = _table_from_grid("CSV", _csv_grid(data, limits), set(), known_headers)
        if table is None:
            raise UnreadableFile("header")
        table.sheets = ["CSV"]
        return table
    if suffix not in SPREADSHEET_SUFFIXES:
        raise UnreadableFile("format", suffix)
    if is_zip(data):
        check_zip(data, limits)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise UnreadableFile("format", type(exc).__name__) from None
    try:
        return _read_workbook(workbook, data, suffix, sheet, known_headers, limits)
    finally:
        workbook.close()


def _read_workbook(
    workbook: CalamineWorkbook,
    data: bytes,
    suffix: str,
    sheet: str | None,
    known_headers: Mapping[str, str] | None,
    limits: Limits,
) -> Table:
    visible = [
        m.name
        for m in workbook.sheets_metadata
        if m.visible == SheetVisibleEnum.Visible and m.name in workbook.sheet_names
    ] or list(workbook.sheet_names)
    hidden_columns = _hidden_xlsx_columns(data) if suffix in (".xlsx", ".xlsm") else {}
    if sheet is not None:
        if sheet not in workbook.sheet_names:
            raise UnreadableFile("sheet", sheet)
        candidates = [sheet]
    else:
        candidates = [n for n in visible if not _is_instruction_sheet(n)] or visible
    for name in candidates:
        grid = _sheet_grid(workbook, name, limits)
        table = _table_from_grid(name, grid, hidden_columns.get(name, set()), known_headers)
        del grid  # one sheet's cells in memory at a time
        if table is not None:
            table.sheets = visible
            return table
    raise UnreadableFile("header")


def _sheet_grid(workbook: CalamineWorkbook, name: str, limits: Limits) -> list[list[Any]]:
    """The cells of a sheet from A1, merged cells filled; its area is checked before its
    cells become Python objects (for .xls, the first check of its size)."""
    try:
        calamine_sheet = workbook.get_sheet_by_name(name)
        end = calamine_sheet.end
        rows = max(calamine_sheet.height, end[0] + 1 if end else 0)
        columns = max(calamine_sheet.width, end[1] + 1 if end else 0)
    except Exception as exc:  # a broken sheet is a file we cannot read
        raise UnreadableFile("format", type(exc).__name__) from None
    check_area(rows, columns, limits)
    try:
        grid = calamine_sheet.to_python(skip_empty_area=False)
        merged = calamine_sheet.merged_cell_ranges
    except Exception as exc:
        raise UnreadableFile("format", type(exc).__name__) from None
    _fill_merged(grid, merged)
    return grid
