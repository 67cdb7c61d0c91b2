"""The one way Shoumen writes .xlsx: a streaming (write-only) workbook whose cells are
numbers, dates and booleans when the value really is one, and text otherwise.

No cell is ever a formula. openpyxl turns a str starting with "=" into a formula and
"#REF!" into an error cell; a resident's note or a visitor's name typed as
``=HYPERLINK(...)`` must reach the reader as the text that was typed. Text that a
spreadsheet would read as a formula when edited (a leading ``=``, ``+``, ``-``, ``@``, tab
or carriage return) also carries Excel's quote prefix, so it stays text after editing.
Control characters that the file format cannot hold are dropped.

Ledger sheets look alike: an optional title row merged across the columns, a bold
centred header row, column widths, frozen panes below the header, and text-formatted
columns for the values whose every digit matters (ID numbers, phones, doors).
"""

import csv
import datetime
import decimal
import io
import math
import re
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FORMAT = "@"
# Text a spreadsheet reads as a formula (or as the start of one) when it is typed or
# opened from CSV; OWASP's list for CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The longest text a cell holds (Excel's limit; openpyxl cuts there too).
MAX_CELL_CHARS = 32767
MAX_SHEET_TITLE = 31
DEFAULT_SHEET_TITLE = "Sheet1"

_INVALID_TITLE = re.compile(r"[\\*?:/\[\]]")
# A plain signed number ("-1", "+86", "-0.5") is what it looks like, not a formula.
_SIGNED_NUMBER = re.compile(r"[+-]\d+(?:[.,]\d+)?")
_ERROR_CODES = frozenset(ERROR_CODES)

_TITLE_FONT = Font(bold=True, size=14)
_TITLE_ALIGNMENT = Alignment(horizontal="center", vertical="center")
_HEADER_FONT = Font(bold=True)
_HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


def clean_text(value: str) -> str:
    """``value`` without the control characters an .xlsx cannot hold (tab and line breaks
    stay), cut at the length a cell holds."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def cell_value(value: Any) -> Any:
    """What goes into a cell: ``None`` for nothing, the value itself for a real number,
    date, time or boolean, and otherwise its text (cleaned)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float | decimal.Decimal):
        # NaN and infinity are not numbers a spreadsheet can store.
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, datetime.time):
        return value.replace(tzinfo=None) if value.tzinfo else value
    text = clean_text(str(value))
    return text or None


def sheet_title(title: Any) -> str:
    """A sheet name a workbook accepts: no ``\\ * ? : / [ ]``, at most 31 characters."""
    text = _INVALID_TITLE.sub("_", clean_text(str(title or ""))).strip().strip("'")
    return text[:MAX_SHEET_TITLE] or DEFAULT_SHEET_TITLE


def csv_safe(value: Any) -> Any:
    """A value for a CSV that Excel opens: text that would start a formula gets a leading
    apostrophe; plain signed numbers ("-1") stay as they are."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _SIGNED_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def write_csv(header: Sequence[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads Chinese), CRLF lines, formula-safe cells."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(str(h)) for h in header])
    writer.writerows([csv_safe(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


class LedgerSheet:
    """One sheet of a ``LedgerWorkbook``; rows are appended in order and streamed."""

    def __init__(
        self,
        ws: WriteOnlyWorksheet,
        *,
        headers: Sequence[Any],
        widths: Sequence[float | None],
        title: str | None,
        text_columns: Collection[int],
    ):
        self._ws = ws
        self.headers = [str(h) for h in headers]
        self.text_columns = frozenset(text_columns)
        columns = max(len(self.headers), len(widths), 1)
        for index, width in enumerate(widths, start=1):
            if width:
                ws.column_dimensions[get_column_letter(index)].width = width
        for index in sorted(self.text_columns):
            # New cells typed into the column are text too.
            ws.column_dimensions[get_column_letter(index + 1)].number_format = TEXT_FORMAT
        header_row = 1
        if title is not None:
            header_row = 2
            if columns > 1:
                ws.merged_cells.add(f"A1:{get_column_letter(columns)}1")
        if self.headers:
            ws.freeze_panes = f"A{header_row + 1}"
        if title is not None:
            cell = self._text(title)
            cell.font = _TITLE_FONT
            cell.alignment = _TITLE_ALIGNMENT
            ws.append([cell])
        if self.headers:
            header = []
            for label in self.headers:
                cell = self._text(label)
                cell.font = _HEADER_FONT
                cell.alignment = _HEADER_ALIGNMENT
                header.append(cell)
            ws.append(header)
        self.rows = 0

    def _text(self, value: Any, *, text_format: bool = False) -> WriteOnlyCell:
        """A text cell, whatever its text: openpyxl is told it is a string after the
        value is set, because setting the value makes "=..." a formula."""
        text = "" if value is None else clean_text(str(value))
        cell = WriteOnlyCell(self._ws, value=text)
        cell.data_type = "s"
        if text_format:
            cell.number_format = TEXT_FORMAT
        if looks_like_formula(text):
            cell.quotePrefix = True
        return cell

    def append(self, values: Iterable[Any]) -> None:
        row: list[Any] = []
        for index, raw in enumerate(values):
            value = cell_value(raw)
            if value is None:
                row.append(None)  # an empty cell is not written at all
            elif index in self.text_columns:
                row.append(self._text(value, text_format=True))
            elif isinstance(value, str) and (
                value.startswith(FORMULA_STARTS) or value in _ERROR_CODES
            ):
                row.append(self._text(value))
            else:
                row.append(value)
        self._ws.append(row)
        self.rows += 1

    def extend(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.append(values)

    def append_blank_text_rows(self, count: int) -> None:
        """Empty rows whose text columns are already formatted as text: the rows a
        template leaves to be typed in."""
        width = max(self.text_columns, default=-1) + 1
        for _ in range(count):
            row: list[Any] = [None] * width
            for index in self.text_columns:
                cell = WriteOnlyCell(self._ws, value=None)
                cell.number_format = TEXT_FORMAT
                row[index] = cell
            self._ws.append(row)
            self.rows += 1


class LedgerWorkbook:
    """A streaming workbook of ledger sheets. Make each sheet with ``sheet()`` (its
    layout is fixed then), append its rows, and call ``save()`` once."""

    def __init__(self) -> None:
        self._wb = Workbook(write_only=True)

    def sheet(
        self,
        name: Any,
        *,
        headers: Sequence[Any] = (),
        widths: Sequence[float | None] = (),
        title: Any = None,
        text_columns: Collection[int] = (),
    ) -> LedgerSheet:
        """A sheet named ``name`` (made valid) with an optional ``title`` row merged across
        the columns, the ``headers`` row, column ``widths`` and ``text_columns`` (0-based)
        written and formatted as text."""
        ws = self._wb.create_sheet(sheet_title(name))
        return LedgerSheet(
            ws,
            headers=headers,
            widths=widths,
            title=None if title is None else str(title),
            text_columns=text_columns,
        )

    def save(self) -> bytes:
        out = io.BytesIO()
        self._wb.save(out)
        return out.getvalue()


def write_ledger(
    *,
    sheet_name: Any,
    headers: Sequence[Any],
    rows: Iterable[Iterable[Any]],
    widths: Sequence[float | None] = (),
    title: Any = None,
    text_columns: Collection[int] = (),
) -> bytes:
    """A one-sheet ledger as .xlsx bytes."""
    workbook = LedgerWorkbook()
    workbook.sheet(
        sheet_name, headers=headers, widths=widths, title=title, text_columns=text_columns
    ).extend(rows)
    return workbook.save()
