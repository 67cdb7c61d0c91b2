"""The limits an uploaded spreadsheet is checked against, and the errors that say which
one it broke. The limits are settings (``SHOUMEN_IMPORT_*``)."""

from dataclasses import dataclass, fields

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MB = 1024 * 1024
ERR_FILE_TOO_BIG = _("The file is larger than %(max)s; split the ledger into smaller files.")
ERR_FILE_UNCOMPRESSED = _(
    "Unpacked, this workbook would be larger than %(max)s; it cannot be read safely."
)
ERR_FILE_COMPRESSION = _(
    "This workbook is packed far more tightly than a real spreadsheet; it cannot be read safely."
)
ERR_FILE_MEMBERS = _("This workbook is made of more than %(max)d parts; it cannot be read safely.")
ERR_FILE_DAMAGED = _("The file is damaged: its parts do not unpack to what it declares.")
ERR_FILE_ROWS = _("The sheet has more than %(max)d rows; split the ledger into smaller files.")
ERR_FILE_COLUMNS = _("The sheet has more than %(max)d columns; a ledger has far fewer.")
ERR_FILE_CELLS = _("The sheet has more than %(max)d cells; split the ledger into smaller files.")
ERR_FILE_CELL_LENGTH = _("A cell holds more than %(max)d characters; shorten it and upload again.")
ERR_FILE_MERGED = _(
    "The sheet has more than %(max)d merged cells; split the ledger into smaller files."
)
ERR_FILE_TEXT = _("The sheet holds more than %(max)s of text; split the ledger into smaller files.")


class UnreadableFile(ValueError):
    """The file is not a spreadsheet or CSV we can read; ``code`` says why, and
    ``message`` (when set) says it to the user."""

    def __init__(self, code: str, detail: str = "", message: Promise | str | None = None):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.message = message


class FileRefused(UnreadableFile):
    """The file breaks a limit checked before parsing."""

    def __init__(self, code: str, message: Promise | str):
        super().__init__(code, "", message)


@dataclass(frozen=True)
class Limits:
    """What an uploaded ledger may hold. The defaults let a 100,000-row ledger through
    with room to spare and keep reading any accepted file under 1 GB."""

    max_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 300 * MB
    max_compression_ratio: int = 100
    max_zip_members: int = 1000
    max_rows: int = 200_000
    max_columns: int = 500
    max_cells: int = 3_000_000
    max_cell_chars: int = 5_000
    max_text_bytes: int = 100 * MB

    @classmethod
    def current(cls) -> "Limits":
        """The limits the settings give (``SHOUMEN_IMPORT_MAX_BYTES`` and so on)."""
        defaults = cls()
        return cls(
            **{
                f.name: int(
                    getattr(settings, f"SHOUMEN_IMPORT_{f.name.upper()}", getattr(defaults, f.name))
                )
                for f in fields(cls)
            }
        )


def size_text(value: int) -> str:
    return f"{value / MB:g} MB"


def refuse_rows(limits: Limits) -> FileRefused:
    return FileRefused("rows", ERR_FILE_ROWS % {"max": limits.max_rows})


def refuse_columns(limits: Limits) -> FileRefused:
    return FileRefused("columns", ERR_FILE_COLUMNS % {"max": limits.max_columns})


def refuse_cells(limits: Limits) -> FileRefused:
    return FileRefused("cells", ERR_FILE_CELLS % {"max": limits.max_cells})


def refuse_cell_length(limits: Limits) -> FileRefused:
    return FileRefused("cell_length", ERR_FILE_CELL_LENGTH % {"max": limits.max_cell_chars})


def refuse_merged(limits: Limits) -> FileRefused:
    """Merged ranges are counted against the rows limit: a ledger merges at most a few
    cells per row, and each range costs the reader far more than a cell."""
    return FileRefused("merged", ERR_FILE_MERGED % {"max": limits.max_rows})


def refuse_text(limits: Limits) -> FileRefused:
    return FileRefused("text", ERR_FILE_TEXT % {"max": size_text(limits.max_text_bytes)})


def check_area(rows: int, columns: int, limits: Limits) -> None:
    """A sheet of ``rows`` × ``columns`` (as the reader lays it out) within the limits."""
    if rows > limits.max_rows:
        raise refuse_rows(limits)
    if columns > limits.max_columns:
        raise refuse_columns(limits)
    if rows * columns > limits.max_cells:
        raise refuse_cells(limits)
