"""Reading a ledger: the file into a table, cells into text and dates, headers mapped to
fields."""

import datetime
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from shoumen.ledgers.models import ColumnMapping
from shoumen.lib import text as lib_text
from shoumen.lib.excel import HEADER_ALIASES, Table, UnreadableFile, read_table
from shoumen.lib.ids import mask_id_number, normalize_id_number
from shoumen.lib.phones import mask_phone
from shoumen.lib.text import clean_line, strip_all_spaces, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import (
    Relation,
    Sex,
    Tag,
)

# File-level problems.
# 无法读取该文件，请上传 .xlsx、.xls、.ods 或 .csv 文件。
ERR_FILE_FORMAT = _("This file cannot be read; upload an .xlsx, .xls, .ods or .csv file.")
# 无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV。
ERR_FILE_ENCODING = _("The text encoding of this file is unknown; save the CSV as UTF-8 or GBK.")
# 没有找到表头行：表格需要一行表头，至少包含“姓名”和“身份证号”等列名。
ERR_FILE_HEADER = _(
    "No header row was found: the table needs a header row naming its columns, "
    "such as 姓名 and 身份证号."
)
# 文件中没有名为“%(sheet)s”的工作表。
ERR_FILE_SHEET = _("The file has no sheet called “%(sheet)s”.")
# 请指定哪一列是姓名。
ERR_NAME_COLUMN = _("Choose the column that holds the names (姓名).")
# 导入到%(unit)s的文件需要有“网格”列。
ERR_GRID_COLUMN = _("A ledger imported into %(unit)s needs a grid column (网格).")
# 只能导入到社区或网格。
ERR_UNIT_LEVEL = _("Import into a community or a grid.")
# 两列都被指定为“%(field)s”，请只保留一列。
ERR_MAPPING_TWICE = _("Two columns are mapped to “%(field)s”; keep only one.")

# The reason column of the error report. 原因
REASON_HEADER = _("Reason")

# ---------------------------------------------------------------- fields

FIELD_LABELS: dict[str, Any] = {
    "seq": _("Row number (ignored)"),
    "name": _("Name"),
    "sex": _("Sex"),
    "id_number": _("ID number"),
    "birth_date": _("Birth date"),
    "phone": _("Phone"),
    "building": _("Building"),
    "unit": _("Unit"),
    "door_number": _("Door number"),
    "address": _("Address"),
    "head_name": _("Head of household"),
    "relation": _("Relation to head"),
    "grid": _("Grid"),
    "tags": _("Category"),
    "notes": _("Notes"),
}
assert set(FIELD_LABELS) == set(HEADER_ALIASES)

SEX_WORDS = {
    "男": Sex.MALE,
    "男性": Sex.MALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "1": Sex.MALE,
    "女": Sex.FEMALE,
    "女性": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "2": Sex.FEMALE,
}
RELATION_WORDS = {
    Relation.HEAD: ("户主", "本人", "户主本人"),
    Relation.SPOUSE: ("配偶", "妻", "妻子", "夫", "丈夫", "爱人"),
    Relation.CHILD: ("子", "女", "儿子", "女儿", "长子", "长女", "次子", "次女", "子女"),
    Relation.PARENT: ("父亲", "母亲", "父", "母", "父母", "岳父", "岳母", "公公", "婆婆"),
    Relation.GRANDCHILD: ("孙子", "孙女", "外孙", "外孙女", "孙子女"),
    Relation.GRANDPARENT: ("祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶"),
    Relation.SIBLING: ("兄", "弟", "姐", "妹", "兄弟", "姐妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Relation.TENANT: ("租户", "租客", "租住"),
}
_RELATION_INDEX = {w: r for r, words in RELATION_WORDS.items() for w in words}
_RELATION_INDEX |= {r.value: r for r in Relation}
TAG_WORDS = {
    "慢病": Tag.CHRONIC,
    "慢性病": Tag.CHRONIC,
    "慢病患者": Tag.CHRONIC,
    "孕妇": Tag.PREGNANT,
    "孕产妇": Tag.PREGNANT,
    "残疾": Tag.DISABLED,
    "残疾人": Tag.DISABLED,
    "独居": Tag.LIVING_ALONE,
    "独居老人": Tag.LIVING_ALONE,
}
_TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
_BUILDING = re.compile(r"^(\d+)(号楼|号|栋|幢|楼|#)?$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

ProgressCallback = Callable[[int, int], None]


class LedgerError(Exception):
    """A problem with the file as a whole (not one row); ``message`` is for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# ---------------------------------------------------------------- cell values


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without ".0", dates as ISO, everything trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    # Most cells are clean already; clean_line would return them unchanged.
    if (
        text.isprintable()
        and text == text.strip()
        and "  " not in text
        and unicodedata.is_normalized("NFKC", text)
    ):
        return text
    return clean_line(text)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_date(value: Any) -> datetime.date | None:
    """A date cell or text (1990-01-31, 1990/1/31, 1990年1月31日, 19900131); None if blank.
    Raises ValueError when the cell holds something else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = strip_all_spaces(cell_text(value))
    if not text:
        return None
    match = _DATE.match(text)
    if match:
        return datetime.date(*(int(g) for g in match.groups()))
    if len(text) == 8 and text.isdigit():
        return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    raise ValueError(text)


# The longest building name the registry keeps.
BUILDING_NAME_MAX = 50


def building_key(name: str) -> str:
    """Building names compared loosely: "5", "5号", "5栋", "5#" and "5号楼" are one building."""
    text = strip_all_spaces(to_halfwidth(name))
    match = _BUILDING.match(text)
    return f"{match.group(1)}号楼" if match else text


def free_text(value: Any) -> str:
    """A cell of names, notes or addresses as people typed it (``text.free_text``)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return cell_text(value)
    return lib_text.free_text(value)


def address_key(address: str) -> str:
    """Addresses compared loosely (half-width, no spaces); stored as typed."""
    return strip_all_spaces(to_halfwidth(address))


def masked_cell(key: str | None, value: Any) -> str:
    """How a cell is shown in an error: ID numbers and phones masked, long text cut."""
    text = cell_text(value)
    if key == "id_number" and text:
        if _is_number(value):
            whole = isinstance(value, int) or (math.isfinite(value) and value.is_integer())
            return mask_id_number(str(int(value))) if whole else "****"
        return mask_id_number(normalize_id_number(text))
    if key == "phone" and text:
        digits = strip_all_spaces(to_halfwidth(text)).replace("-", "")
        return mask_phone(digits) if len(digits) > 4 else "*" * len(digits)
    return text[:50]


# ---------------------------------------------------------------- mapping


def remembered_mapping(org_unit: OrgUnit) -> dict[str, str]:
    community = community_of(org_unit)
    if community is None:
        return {}
    saved = ColumnMapping.objects.filter(community=community).first()
    return dict(saved.mapping) if saved else {}


def community_of(org_unit: OrgUnit) -> OrgUnit | None:
    if org_unit.level == Level.COMMUNITY:
        return org_unit
    if org_unit.level == Level.GRID:
        return OrgUnit.objects.get_parent(org_unit)
    return None


def mapping_remember(*, actor, org_unit: OrgUnit, mapping: Mapping[str, str]) -> None:
    """Keep a confirmed mapping for the community, merged over what it had."""
    community = community_of(org_unit)
    if community is None:
        return
    saved, _ = ColumnMapping.objects.get_or_create(community=community)
    saved.mapping = {**saved.mapping, **mapping}
    saved.updated_by = actor if getattr(actor, "pk", None) else None
    saved.save()


def effective_mapping(table: Table, given: Mapping[str, str] | None, org_unit: OrgUnit):
    """Header -> field key for this table: what the user gave, else what the community used
    before, else the guess from the header aliases. A header mapped to "" is ignored."""
    if given is not None:
        return checked_mapping(table.headers, given)
    remembered = remembered_mapping(org_unit)
    mapping = table.guessed_mapping()
    for header in table.headers:
        if header in remembered:
            if remembered[header]:
                mapping[header] = remembered[header]
            else:
                mapping.pop(header, None)
    return checked_mapping(table.headers, mapping)


def checked_mapping(
    headers: list[str], given: Mapping[str, str], labels: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """``given`` for these headers: at most one column per field of ``labels`` (the
    residents' fields by default), and a name column."""
    labels = FIELD_LABELS if labels is None else labels
    mapping = {h: k for h, k in given.items() if h in headers and k}
    counts: dict[str, int] = defaultdict(int)
    for key in mapping.values():
        counts[key] += 1
    for key, n in counts.items():
        if n > 1:
            raise LedgerError(ERR_MAPPING_TWICE % {"field": labels.get(key, key)})
    mapping = {h: k for h, k in mapping.items() if k in labels}
    if "name" not in mapping.values():
        raise LedgerError(ERR_NAME_COLUMN)
    return mapping


def file_error(exc: UnreadableFile, *, sheet: str | None = None) -> "LedgerError":
    """What to tell the user about a file that cannot be read: the reader's own message
    (a limit broken: too large, too many columns), else one per kind of problem."""
    message = getattr(exc, "message", None)
    if message:
        return LedgerError(message)
    if exc.code == "encoding":
        return LedgerError(ERR_FILE_ENCODING)
    if exc.code == "header":
        return LedgerError(ERR_FILE_HEADER)
    if exc.code == "sheet":
        return LedgerError(ERR_FILE_SHEET % {"sheet": sheet})
    return LedgerError(ERR_FILE_FORMAT)


def load_table(data: bytes, filename: str, *, sheet: str | None, known=None) -> Table:
    try:
        return read_table(data, filename, sheet=sheet or None, known_headers=known)
    except UnreadableFile as exc:
        raise file_error(exc, sheet=sheet) from None
