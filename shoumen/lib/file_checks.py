"""Uploaded spreadsheets are hostile until checked: these checks run before any parser
touches a file, cheaply enough to answer the upload request at once.

- every file: its size;
- zipped workbooks (.xlsx/.xlsm/.ods): the number of parts, their total unpacked size and
  compression ratio from the zip directory, then one streaming pass over the parts
  (``sheet_scan``): rows, columns and cells as the reader would lay them out, the longest
  cell and the text of shared strings counted per use;
- .xls: its size (the format itself stops at 65,536 × 256); ``read_table`` checks each
  sheet's area again after loading, before its cells become Python objects;
- .csv: rows, columns per line, cells and cell length, line by line.

The limits (``file_limits.Limits``) are settings, chosen so that peak memory stays
bounded for any file the upload limit lets in.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from shoumen.lib.file_limits import (
    ERR_FILE_COMPRESSION,
    ERR_FILE_DAMAGED,
    ERR_FILE_MEMBERS,
    ERR_FILE_TOO_BIG,
    ERR_FILE_UNCOMPRESSED,
    FileRefused,
    Limits,
    UnreadableFile,
    refuse_cell_length,
    refuse_cells,
    refuse_columns,
    refuse_rows,
    size_text,
)
from shoumen.lib.sheet_scan import check_parts

CSV_SUFFIXES = (".csv", ".txt")
# A part this small cannot be a bomb, whatever its ratio.
RATIO_FLOOR_BYTES = 1024 * 1024


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) > limits.max_bytes:
        raise FileRefused("too_big", ERR_FILE_TOO_BIG % {"max": size_text(limits.max_bytes)})


def check_upload(data: bytes, filename: str, *, limits: Limits | None = None) -> None:
    """Raise ``FileRefused`` (or ``UnreadableFile`` for a broken container) unless ``data``
    is within the limits. Cheap: no cell becomes a Python object, no part is unpacked into
    memory whole. ``read_table`` runs the same checks; an upload view may call this first
    to answer at once.

    The container is recognised by its content, not its name, because the reader does
    the same: a zip named ".xls" is still read as a workbook."""
    limits = limits or Limits.current()
    check_size(data, limits)
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix in CSV_SUFFIXES:
        check_csv_text(decode_text(data), limits)
    elif is_zip(data):
        check_zip(data, limits)


def is_zip(data: bytes) -> bool:
    return zipfile.is_zipfile(io.BytesIO(data))


# ---------------------------------------------------------------- CSV


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it decodes, otherwise GB18030 (a superset of GBK)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("encoding", str(exc)) from None


def csv_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        return csv.excel


def csv_rows(text: str, limits: Limits) -> Iterator[list[str]]:
    """The rows of a CSV, each checked as it is read: rows, columns per line, cell
    length. The checks cost one comparison per row, and one per cell of a long line."""
    reader = csv.reader(io.StringIO(text, newline=""), csv_dialect(text))
    longest = limits.max_cell_chars
    cells = 0
    try:
        for number, row in enumerate(reader, start=1):
            if number > limits.max_rows:
                raise refuse_rows(limits)
            if len(row) > limits.max_columns:
                raise refuse_columns(limits)
            cells += len(row)
            if cells > limits.max_cells:
                raise refuse_cells(limits)
            if any(len(cell) > longest for cell in row):
                raise refuse_cell_length(limits)
            yield row
    except csv.Error:
        # The csv module stops at a field over its own size limit (128 KiB).
        raise refuse_cell_length(limits) from None


def check_csv_text(text: str, limits: Limits) -> None:
    for _row in csv_rows(text, limits):
        pass


# ---------------------------------------------------------------- zip containers


def check_zip(data: bytes, limits: Limits) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile("format", type(exc).__name__) from None
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_zip_members:
            raise FileRefused("members", ERR_FILE_MEMBERS % {"max": limits.max_zip_members})
        total = sum(m.file_size for m in members)
        if total > limits.max_uncompressed_bytes:
            raise FileRefused(
                "uncompressed",
                ERR_FILE_UNCOMPRESSED % {"max": size_text(limits.max_uncompressed_bytes)},
            )
        for member in members:
            if (
                member.file_size > RATIO_FLOOR_BYTES
                and member.file_size > member.compress_size * limits.max_compression_ratio
            ):
                raise FileRefused("compression", ERR_FILE_COMPRESSION)
        try:
            check_parts(archive, limits)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
            raise FileRefused("damaged", ERR_FILE_DAMAGED) from None
