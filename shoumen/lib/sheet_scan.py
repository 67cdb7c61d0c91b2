"""One streaming pass over the parts of a zipped workbook (.xlsx/.xlsm/.ods) that counts
what the reader would build, without building it: every part is unpacked a chunk at a
time (never whole), and the sheets are measured with byte counts and regular expressions
over whole rows.

The reader lays a sheet out as one dense block from A1 to its last cell, so a file with
two cells, at A1 and at XFD1048576, would ask for billions of cells: rows and columns are
taken from the cell references themselves, not from what the file declares. A shared
string is copied into every cell that uses it, so its text is counted once per use.
"""

import html
import itertools
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterator

from shoumen.lib.file_limits import (
    MB,
    Limits,
    check_area,
    refuse_cell_length,
    refuse_cells,
    refuse_merged,
    refuse_text,
)

CHUNK_BYTES = 1 * MB
# Excel's own limit on columns; the reader ignores ODS repeats beyond it.
SHEET_MAX_COLUMNS = 16384

_XLSX_STRINGS = re.compile(r"xl/sharedstrings\.xml", re.IGNORECASE)
# SpreadsheetML may carry a namespace prefix (<x:row>); the reader accepts any.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_PREFIX_BEFORE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?\Z")
_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData[\s>/]")
_DIMENSION = re.compile(rb"<" + _P + rb'dimension\s+ref="[A-Z]*\d*:?([A-Z]+)(\d+)"')
_ROW_END = re.compile(rb"</" + _P + rb"row>")
_ANY_ROW = re.compile(rb"<" + _P + rb"row(?=[\s>/])([^>]*)>")
_ROW_NUMBER = re.compile(rb'\sr="(\d+)"')
_ANY_CELL = re.compile(rb"<" + _P + rb"c(?=[\s>/])")
_ANY_CELL_REF = re.compile(rb"<" + _P + rb'c\s[^>]*?\br="([A-Z]{1,3})(\d+)"')
_ANY_SHARED = re.compile(rb"<" + _P + rb'c\s[^>]*?\bt="s"[^>]*>\s*<' + _P + rb"v>\s*(\d+)\s*</")
_MERGE_CELL = re.compile(rb"<" + _P + rb"mergeCell(?=[\s/>])")
_SI_START = re.compile(rb"<" + _P + rb"si(?=[\s>/])")
_SI_TEXT = re.compile(rb"<" + _P + rb"t(?:\s[^>]*)?>([^<]*)</")
_TEXT_RUN = re.compile(rb">([^<]+)<")


def check_parts(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Every part unpacked once: the ODS content, the shared strings, and every other XML
    part measured as a worksheet (the reader finds sheets through the workbook's links,
    which may point anywhere; a part without rows counts nothing). Parts that are not XML
    are unpacked only to prove that they match the size the zip directory declares."""
    members = archive.infolist()
    shared = array("I")
    for info in members:
        if _XLSX_STRINGS.fullmatch(info.filename):
            shared = _shared_string_lengths(archive, info, limits)
    for info in members:
        if _XLSX_STRINGS.fullmatch(info.filename):
            continue
        chunks = _chunks(archive, info)
        first = next(chunks, b"")
        chunks = itertools.chain([first], chunks)
        if info.filename == "content.xml":
            _check_ods_content(_segments(chunks, b"table-row>", limits), limits)
        elif first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            _XlsxSheet(shared, limits).scan(_segments(chunks, b"row>", limits))
        else:
            for _chunk in chunks:
                pass


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The unpacked bytes of a part, a chunk at a time. zipfile stops at the size the
    directory declares and then checks the CRC, so a part that unpacks to more fails."""
    with archive.open(info) as part:
        while chunk := part.read(CHUNK_BYTES):
            yield chunk


def _last_end_tag(buffer: bytes, local: bytes, start: int) -> int:
    """The position just after the last ``</local>`` (any prefix) at or after ``start``."""
    end = len(buffer)
    while (found := buffer.rfind(local, start, end)) != -1:
        if _PREFIX_BEFORE.search(buffer, max(0, found - 64), found):
            return found + len(local)
        end = found
    return -1


def _segments(chunks: Iterator[bytes], local: bytes, limits: Limits) -> Iterator[bytes]:
    """The stream cut after the last end tag ``local`` of each chunk, so that every
    segment holds whole elements. One element larger than any accepted row is refused."""
    most = max(16 * MB, limits.max_columns * (limits.max_cell_chars * 4 + 256))
    buffer = b""
    for chunk in chunks:
        start = max(0, len(buffer) - 64)  # a tag may straddle two chunks
        buffer += chunk
        cut = _last_end_tag(buffer, local, start)
        if cut == -1:
            if len(buffer) > most:
                raise refuse_cell_length(limits)
            continue
        yield buffer[:cut]
        buffer = buffer[cut:]
    if buffer:
        yield buffer


def _check_long_runs(segment: bytes, limits: Limits) -> None:
    """Refuses a text run longer than a cell may hold (bytes first, then characters with
    entities counted as the character they stand for)."""
    longest = limits.max_cell_chars
    for run in re.finditer(rb">[^<]{%d,}<" % (longest + 1), segment):
        text = run.group(0)[1:-1].decode("utf-8", "replace")
        if len(html.unescape(text) if "&" in text else text) > longest:
            raise refuse_cell_length(limits)


def number_above(limit: int) -> bytes:
    """A pattern for the decimal numbers greater than ``limit`` (no leading zeros)."""
    digits = str(limit)
    above = [rb"[1-9]\d{%d,}" % len(digits)]
    for index, char in enumerate(digits):
        if char != "9":
            rest = len(digits) - index - 1
            above.append(digits[:index].encode() + b"[%d-9]" % (int(char) + 1) + rb"\d" * rest)
    return b"(?:" + b"|".join(above) + b")"


def column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _shared_string_lengths(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits
) -> array:
    """The text bytes of each shared string, in order."""
    lengths = array("I")
    total = 0
    for segment in _segments(_chunks(archive, info), b"si>", limits):
        _check_long_runs(segment, limits)
        for item in re.split(rb"</" + _P + rb"si>", segment):
            if _SI_START.search(item) is not None:
                lengths.append(sum(len(run) for run in _SI_TEXT.findall(item)))
        total = sum(lengths)
        if total > limits.max_text_bytes:
            raise refuse_text(limits)
    return lengths


class _XlsxSheet:
    """What the reader would build from one worksheet: its last row and column (from the
    cell references), its cells and the text of its shared-string cells."""

    def __init__(self, shared: array, limits: Limits):
        self.shared = shared
        self.limits = limits
        self.last_row = self.last_column = self.cells = self.text = self.merged = 0
        self.prefix = b""

    def scan(self, segments: Iterator[bytes]) -> None:
        first = True
        for segment in segments:
            if first:
                first = False
                self._head(segment)
            if not self._fast(segment):
                self._general(segment)
            _check_long_runs(segment, self.limits)
            if b"mergeCell" in segment:
                self.merged += len(_MERGE_CELL.findall(segment))
                if self.merged > self.limits.max_rows:
                    raise refuse_merged(self.limits)
            if self.cells > self.limits.max_cells:
                raise refuse_cells(self.limits)
            if self.text > self.limits.max_text_bytes:
                raise refuse_text(self.limits)
            check_area(self.last_row, self.last_column, self.limits)

    def _head(self, segment: bytes) -> None:
        data = _SHEET_DATA.search(segment)
        self.prefix = (data.group(1) or b"") if data else b""
        head = segment[: data.start()] if data else segment
        declared = _DIMENSION.search(head)
        if declared:
            check_area(int(declared.group(2)), column_number(declared.group(1)), self.limits)

    def _fast(self, segment: bytes) -> bool:
        """The common layout (every row and cell carries its reference first, one prefix):
        byte counts and two scans. False when the segment needs the general scan."""
        p = self.prefix
        cells = segment.count(b"<" + p + b"c ")
        others = segment.count(b"<" + p + b"c>") + segment.count(b"<" + p + b"c/>")
        rows = segment.count(b"<" + p + b"row ") + segment.count(b"<" + p + b"row>")
        if (
            others
            or segment.count(b"<" + p + b'c r="') != cells
            or segment.count(b"<" + p + b'row r="') != rows
            or (segment.count(b":c ") + segment.count(b":row") if not p else 0)
            or (p and (segment.count(b"<c ") or segment.count(b"<row")))
        ):
            return False
        self.cells += cells
        e = re.escape(p)
        numbers = set(re.findall(b"<" + e + rb'row r="(\d+)"', segment))
        if numbers:
            self.last_row = max(self.last_row, *map(int, numbers))
        # A cell may name a row below its own; look for one only past the last row.
        below = b"<" + e + rb'c r="[A-Z]{1,3}' + number_above(self.last_row) + b'"'
        if re.search(below, segment):
            cell_rows = set(re.findall(b"<" + e + rb'c r="[A-Z]{1,3}(\d+)"', segment))
            self.last_row = max(self.last_row, *map(int, cell_rows))
        columns = set(re.findall(b"<" + e + rb'c r="([A-Z]{1,3})\d', segment))
        if columns:
            self.last_column = max(self.last_column, *map(column_number, columns))
        shared = re.findall(rb't="s"[^>]*>\s*<' + e + rb"v>(\d+)</", segment)
        self._add_shared(shared)
        return True

    def _general(self, segment: bytes) -> None:
        """Any prefix, attributes in any order, rows and cells without references (the
        reader then counts them one after another)."""
        for row in _ROW_END.split(segment):
            start = _ANY_ROW.search(row)
            if start is None and _ANY_CELL.search(row) is None:
                continue
            number = _ROW_NUMBER.search(start.group(1)) if start else None
            self.last_row = int(number.group(1)) if number else self.last_row + 1
            column = 0
            cells = 0
            for cell in _ANY_CELL.finditer(row):
                cells += 1
                ref = _ANY_CELL_REF.match(row, cell.start())
                if ref:
                    column = column_number(ref.group(1))
                    self.last_row = max(self.last_row, int(ref.group(2)))
                else:
                    column += 1
                self.last_column = max(self.last_column, column)
                if self.last_row > self.limits.max_rows or column > self.limits.max_columns:
                    check_area(self.last_row, column, self.limits)
            self.cells += cells
        self._add_shared(_ANY_SHARED.findall(segment))

    def _add_shared(self, indexes: list[bytes]) -> None:
        shared = self.shared
        for index, uses in Counter(indexes).items():
            position = int(index)
            if position < len(shared):
                self.text += shared[position] * uses


# ---------------------------------------------------------------- ODS

_ODS_EVENT = re.compile(
    rb"(?P<table><table:table[\s>])|<table:table-row\b(?P<attrs>[^>]*?)(?P<closed>/?)>"
)
_ODS_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_CELL = re.compile(
    rb"<table:(?:covered-)?table-cell\b([^>]*?)(?:/>|>(.*?)</table:(?:covered-)?table-cell>)",
    re.DOTALL,
)
_ODS_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')


def _repeat(pattern: re.Pattern, attrs: bytes) -> int:
    found = pattern.search(attrs)
    return int(found.group(1)) if found else 1


def _check_ods_content(segments: Iterator[bytes], limits: Limits) -> None:
    """Repeated rows and cells count as the reader expands them: a repeated row with
    content is that many rows; empty rows count only when content follows them. Text is
    counted where the reader copies it (repeats); the rest is bounded by the part's size."""
    sheet = _OdsSheet(limits)
    for segment in segments:
        _check_long_runs(segment, limits)
        # Each piece ends where a row ends: its last row start owns the rest of the piece.
        for piece in segment.split(b"</table:table-row>"):
            start = piece.find(b"<table:table-row")
            if start == -1:
                continue
            simple = (
                piece.find(b"<table:table-row", start + 16) == -1
                and b"<table:table " not in piece
                and b"<table:table>" not in piece
            )
            if simple:
                end = piece.find(b">", start)
                if end != -1 and piece[end - 1 : end] != b"/":
                    sheet.row(piece[start + 16 : end], piece[end + 1 :])
                    continue
            for event in _ODS_EVENT.finditer(piece):
                if event.group("table"):
                    sheet = _OdsSheet(limits)
                elif event.group("closed"):
                    sheet.row(event.group("attrs"), b"")
                else:
                    sheet.row(event.group("attrs"), piece[event.end() :])


class _OdsSheet:
    def __init__(self, limits: Limits):
        self.limits = limits
        self.rows = self.last_row = self.last_column = self.text = 0

    def row(self, attrs: bytes, body: bytes) -> None:
        if b"repeated" in attrs or b"repeated" in body:
            repeat = _repeat(_ODS_ROWS_REPEATED, attrs)
            width, row_text = _ods_row(body)
            copied = row_text * repeat if repeat > 1 else 0
        else:
            # The common row: one of each cell; its width counts every cell.
            repeat, copied, width = 1, 0, 0
            if b"<text:p" in body or b"office:value" in body:
                width = body.count(b"<table:table-cell") + body.count(b"<table:covered-table")
        self.rows += repeat
        if width:
            self.last_row = self.rows
            self.last_column = max(self.last_column, width)
            self.text += copied
            check_area(self.last_row, self.last_column, self.limits)
            if self.text > self.limits.max_text_bytes:
                raise refuse_text(self.limits)


def _ods_row(body: bytes) -> tuple[int, int]:
    """(columns up to the last cell with content, bytes of text, repeats counted) of a
    row that repeats or holds repeated cells."""
    position = width = text = 0
    for cell in _ODS_CELL.finditer(body):
        repeat = min(_repeat(_ODS_COLUMNS_REPEATED, cell.group(1)), SHEET_MAX_COLUMNS)
        content = cell.group(2)
        if content or b"office:value" in cell.group(1):
            text += sum(len(run) for run in _TEXT_RUN.findall(content or b"")) * repeat
            width = min(position + repeat, SHEET_MAX_COLUMNS)
        position += repeat
    return width, text
