"""Importing a resident ledger (台账): read → normalise → validate every row → plan (new,
updated, unchanged, bad) → commit atomically with bulk writes.

Rows are validated by the registry's own ``validated_person_values`` and stored by its
``apply_person_values``, so an imported person is stored exactly as a typed one. Nothing
is written when any row is bad, unless the caller asks to skip bad rows; then the good
rows are written and the bad ones go to an error report holding the original columns.

Persons are matched by the blind index of their ID number, or without one by name + birth
date + household; households by building + unit + door number (or address + unit + door).
"""

import datetime
import gc
import io
import math
import multiprocessing as mp
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, scope_paths
from shoumen.audit.models import AuditEvent
from shoumen.audit.services import (
    AUDIT_ROW_COLUMNS,
    AuditChainAppender,
    audit_chain_appending,
)
from shoumen.checkpoints.services import passes_follow_residence
from shoumen.ledgers.models import ColumnMapping
from shoumen.lib import crypto
from shoumen.lib.bulk import copy_writer, next_ids, update_objects
from shoumen.lib.dates import today
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, ERR_TOO_LONG, deny
from shoumen.lib.excel import HEADER_ALIASES, Table, UnreadableFile, is_blank, read_table
from shoumen.lib.ids import mask_id_number, normalize_id_number
from shoumen.lib.phones import mask_phone
from shoumen.lib.pinyin import search_text
from shoumen.lib.text import clean_line, strip_all_spaces, strip_controls, to_halfwidth
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import (
    FLAG_TAGS,
    ID_CONTEXT,
    PHONE_CONTEXT,
    Building,
    DocumentType,
    Household,
    Person,
    Relation,
    Sex,
    Status,
    Tag,
)
from shoumen.registry.services import (
    ERR_BUILDING_OR_ADDRESS,
    ERR_DUPLICATE_OUT_OF_SCOPE,
    ERR_HEAD_TAKEN,
    ERR_NOT_ACTIVE_RECORD,
    apply_person_values,
    document_index,
    person_diff,
    person_snapshot,
    validated_person_values,
)

# ---------------------------------------------------------------- messages
# Row reasons. The Chinese meaning is next to each, for the translator.

# 身份证号被存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新录入。
ERR_ID_AS_NUMBER = _(
    "The ID number was stored as a number and its last digits are already lost: "
    "format the column as text and enter the number again."
)
# 同一身份证号在本文件中出现了多次（第 %(rows)s 行）。
ERR_ID_TWICE = _("The same ID number appears more than once in this file (rows %(rows)s).")
# 同一人（姓名、出生日期、住户相同）在本文件中出现了多次（第 %(rows)s 行）。
ERR_PERSON_TWICE = _(
    "The same person (name, birth date and household) appears more than once in this file "
    "(rows %(rows)s)."
)
# 性别请填写“男”或“女”。
ERR_SEX_UNKNOWN = _("Write the sex as 男 or 女.")
# 无法识别该日期，请按 1990-01-31 的格式填写。
ERR_DATE_UNREADABLE = _("This date cannot be read; write it like 1990-01-31.")
# 请填写所属网格。
ERR_GRID_REQUIRED = _("Enter the grid this person belongs to.")
# %(unit)s 下没有名为“%(value)s”的网格。
ERR_GRID_UNKNOWN = _("There is no grid called “%(value)s” in %(unit)s.")
# 网格“%(grid)s”中没有名为“%(value)s”的楼栋：请先添加该楼栋，或更正楼栋名称。
ERR_BUILDING_UNKNOWN = _(
    "Grid “%(grid)s” has no building called “%(value)s”: add the building first, "
    "or correct the name."
)
# 第 %(row)s 行已经是该户的户主。
ERR_HEAD_TWICE = _("Row %(row)s already names the head of this household.")

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


@dataclass
class RowError:
    sheet: str
    row: int
    column: str
    value: str  # masked
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass
class _Row:
    row: int
    cells: list[Any]
    errors: list[RowError] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    given: set[str] = field(default_factory=set)  # optional fields the row fills in
    grid: OrgUnit | None = None
    household_key: tuple | None = None
    person: Person | None = None
    kind: str = ""
    # For a valid row: the person's stored columns and audit snapshot, as a new record.
    stored: tuple[tuple, dict[str, Any]] | None = None


@dataclass
class ImportResult:
    sheet: str
    headers: list[str]
    mapping: dict[str, str]
    counts: dict[str, int]
    errors: list[RowError]
    committed: bool
    error_report: bytes | None = None
    sheets: list[str] = field(default_factory=list)

    @property
    def bad(self) -> int:
        return self.counts["bad"]


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


def building_key(name: str) -> str:
    """Building names compared loosely: "5", "5号", "5栋", "5#" and "5号楼" are one building."""
    text = strip_all_spaces(to_halfwidth(name))
    match = _BUILDING.match(text)
    return f"{match.group(1)}号楼" if match else text


def _unit_text(value: Any) -> str:
    text = cell_text(value)
    return text.removesuffix("单元").strip() if text.endswith("单元") else text


def _door_text(value: Any) -> str:
    text = cell_text(value)
    return text.removesuffix("室").strip() if text.endswith("室") else text


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
        mapping = {h: k for h, k in given.items() if h in table.headers and k}
    else:
        remembered = remembered_mapping(org_unit)
        mapping = table.guessed_mapping()
        for header in table.headers:
            if header in remembered:
                if remembered[header]:
                    mapping[header] = remembered[header]
                else:
                    mapping.pop(header, None)
    counts: dict[str, int] = defaultdict(int)
    for key in mapping.values():
        counts[key] += 1
    for key, n in counts.items():
        if n > 1:
            raise LedgerError(ERR_MAPPING_TWICE % {"field": FIELD_LABELS.get(key, key)})
    mapping = {h: k for h, k in mapping.items() if k in FIELD_LABELS}
    if "name" not in mapping.values():
        raise LedgerError(ERR_NAME_COLUMN)
    return mapping


def load_table(data: bytes, filename: str, *, sheet: str | None, known=None) -> Table:
    try:
        return read_table(data, filename, sheet=sheet or None, known_headers=known)
    except UnreadableFile as exc:
        if exc.code == "encoding":
            raise LedgerError(ERR_FILE_ENCODING) from None
        if exc.code == "header":
            raise LedgerError(ERR_FILE_HEADER) from None
        if exc.code == "sheet":
            raise LedgerError(ERR_FILE_SHEET % {"sheet": sheet}) from None
        raise LedgerError(ERR_FILE_FORMAT) from None


# ---------------------------------------------------------------- the planner


class _Planner:
    """Everything looked up once for the whole file, then each row checked against it."""

    def __init__(
        self,
        *,
        actor,
        org_unit: OrgUnit,
        table: Table,
        mapping: Mapping[str, str],
        system_label: str = "",
    ):
        self.actor = actor
        self.system_label = system_label
        self.org_unit = org_unit
        self.table = table
        self.column = {key: table.headers.index(h) for h, key in mapping.items()}
        self.header = {key: h for h, key in mapping.items()}
        self.day = today()
        self.edit_paths = (
            [""] if actor is None and system_label else scope_paths(actor, Perm.EDIT_REGISTRY)
        )
        if org_unit.level not in (Level.GRID, Level.COMMUNITY):
            raise LedgerError(ERR_UNIT_LEVEL)
        if org_unit.level == Level.GRID:
            grids = [org_unit]
        else:
            if "grid" not in self.column:
                raise LedgerError(ERR_GRID_COLUMN % {"unit": org_unit.name})
            grids = list(OrgUnit.objects.filter(path__startswith=org_unit.path, level=Level.GRID))
            grids = [g for g in grids if self._may_edit(g.path)]
        self.grids = {g.pk: g for g in grids}
        self.grid_by_text: dict[str, OrgUnit] = {}
        for g in grids:
            self.grid_by_text[clean_line(g.name)] = g
            self.grid_by_text[g.code] = g
        self.buildings: dict[tuple[int, str], int] = {}
        self.building_names: dict[int, str] = {}
        for pk, grid_id, name in Building.objects.filter(grid__in=grids).values_list(
            "pk", "grid_id", "name"
        ):
            self.buildings[(grid_id, building_key(name))] = pk
            self.building_names[pk] = name
        self.households: dict[tuple, int] = {}
        self.household_heads: dict[int, int | None] = {}
        self.household_grid: dict[int, int] = {}
        for pk, grid_id, b, unit, door, address, head in Household.objects.filter(
            grid__in=grids
        ).values_list("pk", "grid_id", "building_id", "unit", "door_number", "address", "head_id"):
            key = ("b", b, unit, door) if b else ("a", grid_id, address, unit, door)
            self.households[key] = pk
            self.household_heads[pk] = head
            self.household_grid[pk] = grid_id

    def _may_edit(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.edit_paths)

    def cell(self, cells: list[Any], key: str) -> Any:
        index = self.column.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def error(self, row: _Row, key: str | None, reason) -> None:
        column = self.header.get(key or "", "") if key else ""
        value = masked_cell(key, self.cell(row.cells, key)) if key else ""
        row.errors.append(RowError(self.table.sheet, row.row, column, value, str(reason)))

    # -- one row, on its own

    def read_row(self, number: int, cells: list[Any]) -> _Row:
        row = _Row(number, cells)
        get = lambda key: self.cell(cells, key)  # noqa: E731
        values: dict[str, Any] = {"name": cell_text(get("name"))}

        raw_id = get("id_number")
        id_text = "" if is_blank(raw_id) else cell_text(raw_id)
        if id_text and (_is_number(raw_id) or _SCIENTIFIC.match(strip_all_spaces(id_text))):
            self.error(row, "id_number", ERR_ID_AS_NUMBER)
            id_text = ""
            row.values["id_unusable"] = True
        values["document_type"] = DocumentType.RESIDENT_ID if id_text else DocumentType.NONE
        values["id_number"] = id_text

        sex_text = strip_all_spaces(cell_text(get("sex"))).lower()
        values["sex"] = ""
        if sex_text:
            if sex_text in SEX_WORDS:
                values["sex"] = SEX_WORDS[sex_text].value
                row.given.add("sex")
            else:
                self.error(row, "sex", ERR_SEX_UNKNOWN)
        try:
            values["birth_date"] = parse_date(get("birth_date"))
        except ValueError:
            values["birth_date"] = None
            self.error(row, "birth_date", ERR_DATE_UNREADABLE)
        if values["birth_date"]:
            row.given.add("birth_date")

        values["phone"] = cell_text(get("phone"))
        if values["phone"]:
            row.given.add("phone")
        relation_text = strip_all_spaces(cell_text(get("relation")))
        relation = _RELATION_INDEX.get(relation_text)
        head_name = cell_text(get("head_name"))
        if head_name and head_name == values["name"]:
            relation = Relation.HEAD
        if relation is not None:
            row.given.add("relation_to_head")
        elif relation_text:
            relation = Relation.OTHER
            row.given.add("relation_to_head")
        values["relation_to_head"] = relation or Relation.OTHER
        tags_text = cell_text(get("tags"))
        tags = {TAG_WORDS[w] for w in _TAG_SPLIT.split(tags_text) if w in TAG_WORDS}
        values["tags"] = tags
        if tags:
            row.given.add("tags")
        values["notes"] = strip_controls(str(get("notes") or "")).strip()
        if values["notes"]:
            row.given.add("notes")
        row.values = values
        self._place(row)
        return row

    def _place(self, row: _Row) -> None:
        """The row's grid and household key, or an error."""
        grid_text = cell_text(self.cell(row.cells, "grid"))
        if self.org_unit.level == Level.GRID:
            grid = self.org_unit
            if grid_text and self.grid_by_text.get(grid_text) is None:
                self.error(row, "grid", ERR_GRID_UNKNOWN % {"value": grid_text, "unit": grid.name})
                return
        elif not grid_text:
            self.error(row, "grid", ERR_GRID_REQUIRED)
            return
        else:
            found = self.grid_by_text.get(grid_text)
            if found is None:
                self.error(
                    row,
                    "grid",
                    ERR_GRID_UNKNOWN % {"value": grid_text, "unit": self.org_unit.name},
                )
                return
            grid = found
        row.grid = grid
        building_text = cell_text(self.cell(row.cells, "building"))
        address = cell_text(self.cell(row.cells, "address"))
        unit = _unit_text(self.cell(row.cells, "unit"))
        door = _door_text(self.cell(row.cells, "door_number"))
        for key, value, limit in (("unit", unit, 10), ("door_number", door, 20)):
            if len(value) > limit:
                self.error(row, key, ERR_TOO_LONG % {"max": limit})
                return
        if building_text:
            building_id = self.buildings.get((grid.pk, building_key(building_text)))
            if building_id is None:
                self.error(
                    row,
                    "building",
                    ERR_BUILDING_UNKNOWN % {"grid": grid.name, "value": building_text},
                )
                return
            row.household_key = ("b", building_id, unit, door)
        elif address:
            if len(address) > 200:
                self.error(row, "address", ERR_TOO_LONG % {"max": 200})
                return
            row.household_key = ("a", grid.pk, address, unit, door)

    def validate(self, row: _Row) -> None:
        try:
            clean = validated_person_values(row.values, day=self.day)
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                column = key
                if key in ("sex", "birth_date") and key not in self.column:
                    column = "id_number"  # the ID number says the sex and birth date
                if key == "relation_to_head":
                    column = "relation"
                for message in messages:
                    self.error(row, column, message)
            return
        row.values = clean | {"tags": set(clean["tags"])}


def _find_existing(planner: _Planner, rows: list[_Row]) -> None:
    """Match each row to a stored person: by the ID blind index, or by name + birth date +
    household for rows without an ID number."""
    by_index: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.values.get("id_number"):
            index = document_index(row.values["document_type"], row.values["id_number"])
            row.values["id_index"] = index
            by_index[index].append(row)
    fields = (
        "pk",
        "name",
        "sex",
        "birth_date",
        "document_type",
        "id_number_index",
        "phone_index",
        "phone_encrypted",
        "id_number_encrypted",
        "household_id",
        "grid_id",
        "grid__path",
        "relation_to_head",
        "status",
        "notes",
        *FLAG_TAGS.values(),
    )
    chunk = 900 if connection.vendor == "sqlite" else 10_000
    indexes = list(by_index)
    for start in range(0, len(indexes), chunk):
        part = indexes[start : start + chunk]
        if connection.vendor == "postgresql":
            # One array parameter instead of thousands of placeholders.
            found = Person.objects.extra(where=["id_number_index = ANY(%s)"], params=[part])
        else:
            found = Person.objects.filter(id_number_index__in=part)
        for person in found.select_related("grid").only(*fields):
            for row in by_index[person.id_number_index or ""]:
                row.person = person
    no_id = [r for r in rows if not r.values.get("id_number") and not r.values.get("id_unusable")]
    households = {
        planner.households[r.household_key]
        for r in no_id
        if r.household_key and r.household_key in planner.households
    }
    if not households:
        return
    names = {r.values["name"] for r in no_id}
    by_key: dict[tuple, Person] = {}
    hh = list(households)
    for start in range(0, len(hh), chunk):
        for person in (
            Person.objects.filter(
                household_id__in=hh[start : start + chunk],
                id_number_index__isnull=True,
                name__in=names,
            )
            .select_related("grid")
            .only(*fields)
        ):
            by_key.setdefault((person.name, person.household_id), person)
    for row in no_id:
        household_id = planner.households.get(row.household_key) if row.household_key else None
        candidate = by_key.get((row.values["name"], household_id))
        if candidate is None:
            continue
        birth = row.values.get("birth_date")
        if birth is None or candidate.birth_date in (None, birth):
            row.person = candidate


def _check_duplicates(planner: _Planner, rows: list[_Row]) -> None:
    groups: dict[tuple, list[_Row]] = defaultdict(list)
    for row in rows:
        if row.values.get("id_index"):
            groups[("id", row.values["id_index"])].append(row)
        elif row.household_key and not row.values.get("id_unusable"):
            groups[
                ("p", row.values.get("name"), row.values.get("birth_date"), row.household_key)
            ].append(row)
    for key, group in groups.items():
        if len(group) < 2:
            continue
        numbers = ", ".join(str(r.row) for r in group)
        message = ERR_ID_TWICE if key[0] == "id" else ERR_PERSON_TWICE
        for row in group:
            planner.error(
                row, "id_number" if key[0] == "id" else "name", message % {"rows": numbers}
            )


def _check_existing(planner: _Planner, row: _Row) -> None:
    person = row.person
    if person is None:
        if row.household_key is None:
            planner.error(row, "building", ERR_BUILDING_OR_ADDRESS)
        return
    if not planner._may_edit(person.grid.path):
        row.person = None
        planner.error(row, "id_number", ERR_DUPLICATE_OUT_OF_SCOPE)
        return
    if person.status == Status.MERGED:
        planner.error(row, "name", ERR_NOT_ACTIVE_RECORD)


def _check_heads(planner: _Planner, rows: list[_Row]) -> None:
    """At most one head per household: in the file, and against the head already stored
    (unless that person is in the file with another relation now)."""
    leaving: set[int] = {
        r.person.pk
        for r in rows
        if r.person is not None
        and not r.errors
        and "relation_to_head" in r.given
        and r.values["relation_to_head"] != Relation.HEAD
    }
    first_head: dict[tuple, _Row] = {}
    stored_heads: dict[int, int] = {}
    for row in rows:
        if row.errors or row.values.get("relation_to_head") != Relation.HEAD:
            continue
        if "relation_to_head" not in row.given and row.person is not None:
            continue
        if row.household_key is not None:
            household_id = planner.households.get(row.household_key)
        else:
            household_id = row.person.household_id if row.person else None
        key = row.household_key if household_id is None else ("id", household_id)
        if key is None:
            continue
        if key in first_head:
            planner.error(row, "relation", ERR_HEAD_TWICE % {"row": first_head[key].row})
            continue
        first_head[key] = row
        head_id = planner.household_heads.get(household_id) if household_id else None
        if (
            head_id
            and head_id != (row.person.pk if row.person else None)
            and head_id not in leaving
        ):
            stored_heads[id(row)] = head_id
    if stored_heads:
        names = dict(
            Person.objects.filter(pk__in=set(stored_heads.values())).values_list("pk", "name")
        )
        for row in rows:
            if id(row) in stored_heads:
                name = names.get(stored_heads[id(row)], "")
                planner.error(row, "relation", ERR_HEAD_TAKEN % {"name": name})


def _values_for_existing(row: _Row) -> dict[str, Any]:
    """The row's values over the stored person's: a blank optional cell keeps what is
    stored (a ledger that leaves the phone out does not erase it)."""
    person = row.person
    assert person is not None
    values = dict(row.values)
    if "sex" not in row.given and not values.get("id_number"):
        values["sex"] = person.sex
    if "birth_date" not in row.given and not values.get("id_number"):
        values["birth_date"] = person.birth_date
    if "relation_to_head" not in row.given:
        values["relation_to_head"] = person.relation_to_head
    if "tags" not in row.given:
        values["tags"] = {t for t, f in FLAG_TAGS.items() if getattr(person, f)}
    if "notes" not in row.given:
        values["notes"] = person.notes
    return values


def _classify(planner: _Planner, row: _Row) -> None:
    person = row.person
    if person is None:
        row.kind = "new"
        return
    row.values = _values_for_existing(row)
    household_id = (
        planner.households.get(row.household_key) if row.household_key else person.household_id
    )
    values = row.values
    phone = values["phone"]
    phone_same = "phone" not in row.given or person.phone_index == crypto.blind_index(
        phone, context=PHONE_CONTEXT
    )
    same = (
        person.name == values["name"]
        and person.sex == values["sex"]
        and person.birth_date == values["birth_date"]
        and phone_same
        and person.household_id == household_id
        and person.relation_to_head == values["relation_to_head"]
        and person.notes == values["notes"]
        and all(getattr(person, f) == (t in values["tags"]) for t, f in FLAG_TAGS.items())
    )
    row.kind = "unchanged" if same else "updated"


# The stored columns a new person gets from ``apply_person_values``.
STORED_ATTRS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "id_number_encrypted",
    "id_number_index",
    "id_number_last4",
    "phone_encrypted",
    "phone_index",
    "phone_last4",
    "relation_to_head",
    *FLAG_TAGS.values(),
    "notes",
    "search_text",
)
# The columns of a new person that are neither stored values nor placement.
NEW_PERSON_DEFAULTS = {
    "id": None,
    "pk": None,
    "status": Status.RESIDENT.value,
    "status_changed_on": None,
    "merged_into_id": None,
}
# Files with at least this many rows are checked by several processes at once.
PARALLEL_MIN_ROWS = 20_000
# After writing this many persons, PostgreSQL's statistics are refreshed.
ANALYZE_ROWS = 10_000
CHUNK_ROWS = 5_000
PARALLEL_MIN_CPUS = 4
_prepared_planner: "_Planner | None" = None


def _stored_form(values: Mapping[str, Any]) -> tuple[tuple, dict[str, Any]]:
    """What the registry stores for a new person with ``values``: the ``STORED_ATTRS``
    columns as ``apply_person_values`` sets them (encrypted numbers, blind indexes, search
    text), and the audit snapshot of it (``person_snapshot``; placement left out).

    Worked out here from the values without a model instance, and the masked numbers from
    the plain ones rather than by decrypting them again: 100,000 rows at once."""
    document_type = values["document_type"]
    number = values["id_number"]
    id_encrypted: bytes | None
    phone_encrypted: bytes | None
    if number:
        id_encrypted = crypto.encrypt(number, context=ID_CONTEXT)
        id_index = values.get("id_index") or document_index(document_type, number)
        id_last4, id_masked = number[-4:], mask_id_number(number)
    else:
        id_encrypted = id_index = None
        id_last4 = id_masked = ""
    phone = values["phone"]
    if phone:
        phone_encrypted = crypto.encrypt(phone, context=PHONE_CONTEXT)
        phone_index = crypto.blind_index(phone, context=PHONE_CONTEXT)
        phone_last4, phone_masked = phone[-4:], mask_phone(phone)
    else:
        phone_encrypted = phone_index = None
        phone_last4 = phone_masked = ""
    name, tags, birth_date = values["name"], values["tags"], values["birth_date"]
    stored = (
        name,
        values["sex"],
        birth_date,
        document_type,
        id_encrypted,
        id_index,
        id_last4,
        phone_encrypted,
        phone_index,
        phone_last4,
        values["relation_to_head"],
        *(tag in tags for tag in FLAG_TAGS),
        values["notes"],
        search_text(name),
    )
    snapshot = {
        "name": name,
        "sex": values["sex"],
        "birth_date": birth_date.isoformat() if birth_date else None,
        "document_type": document_type,
        "id_number": id_masked,
        "phone": phone_masked,
        "household": None,
        "grid": None,
        "relation_to_head": values["relation_to_head"],
        "status": NEW_PERSON_DEFAULTS["status"],
        "tags": sorted(tag for tag in FLAG_TAGS if tag in tags),
        "notes": values["notes"],
    }
    return stored, snapshot


def _prepare(planner: "_Planner", start: int, end: int, *, stored: bool = False) -> list[tuple]:
    """Read, normalise and validate rows ``start:end`` on their own (no database). Worker
    processes also work out the stored form (``stored``); in one process that waits until
    the row is known to be new."""
    out = []
    for number, cells in planner.table.rows[start:end]:
        row = planner.read_row(number, cells)
        if not row.errors:
            planner.validate(row)
        form = _stored_form(row.values) if stored and not row.errors else None
        grid_id = row.grid.pk if row.grid is not None else None
        out.append((row.errors, row.values, row.given, grid_id, row.household_key, form))
    return out


def _prepare_forked(bounds: tuple[int, int]) -> list[tuple]:
    assert _prepared_planner is not None
    return _prepare(_prepared_planner, *bounds, stored=True)


def _prepared_chunks(planner: "_Planner"):
    """Chunks of prepared rows, in order: in worker processes (forked, so that they share
    the planner's lookups without copying) when the file is large and there are several
    CPUs, otherwise here."""
    total = len(planner.table.rows)
    bounds = [(i, min(i + CHUNK_ROWS, total)) for i in range(0, total, CHUNK_ROWS)]
    cpus = os.cpu_count() or 1
    workers = min(cpus, len(bounds))
    # On two CPUs, shipping prepared rows back costs about what the second CPU saves.
    if (
        total < PARALLEL_MIN_ROWS
        or cpus < PARALLEL_MIN_CPUS
        or "fork" not in mp.get_all_start_methods()
    ):
        for start, end in bounds:
            yield end, _prepare(planner, start, end)
        return
    global _prepared_planner
    _prepared_planner = planner
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            for (_start, end), chunk in zip(
                bounds, pool.imap(_prepare_forked, bounds), strict=True
            ):
                yield end, chunk
    finally:
        _prepared_planner = None


def _plan(planner: _Planner, on_progress: ProgressCallback | None) -> list[_Row]:
    table = planner.table
    total = len(table.rows)
    rows: list[_Row] = []
    grids = planner.grids
    for done, chunk in _prepared_chunks(planner):
        for errors, values, given, grid_id, household_key, stored in chunk:
            number, cells = table.rows[len(rows)]
            row = _Row(number, cells, errors, values, given)
            row.grid = grids.get(grid_id) if grid_id is not None else None
            row.household_key, row.stored = household_key, stored
            rows.append(row)
        if on_progress:
            on_progress(done, total)
    _find_existing(planner, rows)
    _check_duplicates(planner, rows)
    for row in rows:
        if not row.errors:
            _check_existing(planner, row)
    _check_heads(planner, rows)
    for row in rows:
        if row.errors:
            row.kind = "bad"
        else:
            _classify(planner, row)
    if on_progress:
        on_progress(total, total)
    return rows


# ---------------------------------------------------------------- writing


# What an import may change on a matched person (attribute names).
PERSON_UPDATE_ATTNAMES = [
    "name",
    "sex",
    "birth_date",
    "document_type",
    "id_number_encrypted",
    "id_number_index",
    "id_number_last4",
    "phone_encrypted",
    "phone_index",
    "phone_last4",
    "household_id",
    "grid_id",
    "relation_to_head",
    *FLAG_TAGS.values(),
    "notes",
    "search_text",
    "updated_at",
]


HOUSEHOLD_COLUMNS = (
    "id",
    "grid_id",
    "building_id",
    "address",
    "unit",
    "door_number",
    "head_id",
    "created_at",
    "updated_at",
)
PERSON_COLUMNS = (
    "id",
    *STORED_ATTRS,
    "household_id",
    "grid_id",
    "status",
    "status_changed_on",
    "merged_into_id",
    "created_at",
    "updated_at",
)
# New persons are written this many at a time, each batch followed by its audit events,
# so that the stored forms and events of one batch only are held at once.
COMMIT_BATCH = 10_000


def _write_audit_events(chain: AuditChainAppender, specs: list[dict[str, Any]], *, copy: bool):
    if copy:
        with copy_writer(AuditEvent, AUDIT_ROW_COLUMNS) as write:
            for row in chain.rows(specs):
                write(row)
    else:
        AuditEvent.objects.bulk_create(chain.events(specs), batch_size=2000)


def _write_new_persons(
    planner: _Planner,
    new_rows: list[_Row],
    chain: AuditChainAppender,
    *,
    now: datetime.datetime,
    copy: bool,
) -> dict[int, int]:
    """Write the new persons and their audit events, a batch of persons then their events;
    returns the new heads of households (household id -> person id)."""
    ids = next_ids(Person, len(new_rows)) if copy else []
    grid_paths = {g.pk: g.path for g in planner.grids.values()}
    heads: dict[int, int] = {}
    status = NEW_PERSON_DEFAULTS["status"]
    for start in range(0, len(new_rows), COMMIT_BATCH):
        batch = new_rows[start : start + COMMIT_BATCH]
        placed: list[tuple[int | None, tuple, dict[str, Any]]] = []
        if copy:
            with copy_writer(Person, PERSON_COLUMNS) as write:
                for pk, row in zip(ids[start : start + len(batch)], batch, strict=True):
                    assert row.household_key is not None and row.grid is not None
                    columns, snapshot = row.stored or _stored_form(row.values)
                    row.stored = None  # held for this batch only
                    household_id, grid_id = planner.households[row.household_key], row.grid.pk
                    write((pk, *columns, household_id, grid_id, status, None, None, now, now))
                    snapshot["household"], snapshot["grid"] = household_id, grid_id
                    placed.append((pk, columns, snapshot))
        else:
            persons = []
            for row in batch:
                assert row.household_key is not None and row.grid is not None
                columns, snapshot = row.stored or _stored_form(row.values)
                row.stored = None
                household_id, grid_id = planner.households[row.household_key], row.grid.pk
                persons.append(
                    Person(
                        **dict(zip(STORED_ATTRS, columns, strict=True)),
                        household_id=household_id,
                        grid_id=grid_id,
                        created_at=now,
                        updated_at=now,
                    )
                )
                snapshot["household"], snapshot["grid"] = household_id, grid_id
                placed.append((None, columns, snapshot))
            Person.objects.bulk_create(persons, batch_size=2000)
            placed = [(p.pk, c, s) for p, (_pk, c, s) in zip(persons, placed, strict=True)]
        specs = []
        for person_id, columns, snapshot in placed:
            assert person_id is not None
            if snapshot["relation_to_head"] == Relation.HEAD:
                heads[snapshot["household"]] = person_id
            specs.append(
                {
                    "action": "person.import.register",
                    "target_type": "registry.person",
                    "target_id": str(person_id),
                    "target_label": columns[0][:200],
                    "org_path": grid_paths.get(snapshot["grid"], ""),
                    # person_diff({}, snapshot): every value set, from nothing.
                    "changes": {k: [None, v] for k, v in snapshot.items() if v is not None},
                }
            )
        del placed
        _write_audit_events(chain, specs, copy=copy)
    return heads


def _commit(planner: _Planner, rows: list[_Row], *, filename: str, counts) -> None:
    good = [r for r in rows if r.kind in ("new", "updated")]
    now = timezone.now()
    copy = connection.vendor == "postgresql"

    # Households that do not exist yet, one per key: [id, grid, building, address, unit,
    # door number, head].
    missing: dict[tuple, list[Any]] = {}
    for row in good:
        key = row.household_key
        if key is None or key in planner.households or key in missing:
            continue
        grid = row.grid
        assert grid is not None
        if key[0] == "b":
            missing[key] = [None, grid.pk, key[1], "", key[2], key[3], None]
        else:
            missing[key] = [None, grid.pk, None, key[2], key[3], key[4], None]
    if copy:
        for values, pk in zip(missing.values(), next_ids(Household, len(missing)), strict=True):
            values[0] = pk
    else:
        households = [
            Household(
                grid_id=grid_id,
                building_id=building_id,
                address=address,
                unit=unit,
                door_number=door,
                created_at=now,
                updated_at=now,
            )
            for _pk, grid_id, building_id, address, unit, door, _head in missing.values()
        ]
        Household.objects.bulk_create(households, batch_size=2000)
        for values, household in zip(missing.values(), households, strict=True):
            values[0] = household.pk
    for key, values in missing.items():
        planner.households[key] = values[0]
        planner.household_heads[values[0]] = None
        planner.household_grid[values[0]] = values[1]

    new_rows = [r for r in good if r.kind == "new"]
    updated: list[tuple[Person, dict[str, Any]]] = []
    for row in good:
        if row.kind != "updated":
            continue
        assert row.person is not None
        person = row.person
        before = person_snapshot(person)
        keep_phone = "phone" not in row.given
        if keep_phone:
            kept = (person.phone_encrypted, person.phone_index, person.phone_last4)
        apply_person_values(person, dict(row.values))
        if keep_phone:
            person.phone_encrypted, person.phone_index, person.phone_last4 = kept
        if row.household_key is not None:
            household_id = planner.households[row.household_key]
            if household_id != person.household_id:
                person.household_id = household_id
                person.grid_id = planner.household_grid[household_id]
        person.updated_at = now
        updated.append((person, before))

    with audit_chain_appending(
        actor=planner.actor, actor_label=planner.system_label or None
    ) as chain:
        if copy:
            # Ids are drawn up front, so that new households are written with their head;
            # foreign keys are checked at the end of the transaction.
            heads = _write_new_persons(planner, new_rows, chain, now=now, copy=True)
            for values in missing.values():
                values[6] = heads.get(values[0])
            with copy_writer(Household, HOUSEHOLD_COLUMNS) as write:
                for values in missing.values():
                    write((*values, now, now))
            for values in missing.values():
                planner.household_heads[values[0]] = values[6]
        else:
            heads = _write_new_persons(planner, new_rows, chain, now=now, copy=False)
        update_objects([p for p, _b in updated], PERSON_UPDATE_ATTNAMES)

        # Heads: a household whose head left gets none; a new head takes the household.
        head_changes: dict[int, int | None] = {}
        headed = {head: hh for hh, head in planner.household_heads.items() if head is not None}
        for person, _before in updated:
            headed_id = headed.get(person.pk)
            if headed_id is not None and (
                person.relation_to_head != Relation.HEAD or person.household_id != headed_id
            ):
                head_changes[headed_id] = None
        # (At most one head per household in a file: the order of the rows does not matter.)
        new_heads = list(heads.items())
        new_heads += [
            (p.household_id, p.pk) for p, _b in updated if p.relation_to_head == Relation.HEAD
        ]
        for household_id, head_id in new_heads:
            if planner.household_heads.get(household_id) != head_id:
                head_changes[household_id] = head_id
        if head_changes:
            households = list(Household.objects.filter(pk__in=list(head_changes)))
            for household in households:
                household.head_id = head_changes[household.pk]
                household.updated_at = now
            update_objects(households, ["head_id", "updated_at"])

        grid_paths = {g.pk: g.path for g in planner.grids.values()}
        events: list[dict[str, Any]] = [
            {
                "action": "person.import.update",
                "target": person,
                "org_path": grid_paths.get(person.grid_id, ""),
                "changes": person_diff(before, person_snapshot(person)),
            }
            for person, before in updated
        ]
        events.append(
            {
                "action": "ledger.import",
                "target": planner.org_unit,
                "org_path": planner.org_unit.path,
                "changes": {
                    "file": filename,
                    "sheet": planner.table.sheet,
                    "households_created": len(missing),
                    **counts,
                },
            }
        )
        _write_audit_events(chain, events, copy=copy)
    # After the import's own events: these append to the audit chain one by one.
    passes_follow_residence([p for p, b in updated if b["household"] != p.household_id])


# ---------------------------------------------------------------- error report


def error_report_xlsx(table: Table, rows: list[_Row]) -> bytes:
    """The bad rows with their original columns plus a reason column, ready to fix and
    import again. The ID column is text so that Excel keeps every digit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(table.sheet or "Sheet1")[:31])
    id_columns = {i for i, h in enumerate(table.headers) if h and _header_is_id(h)}
    sheet.append([*table.headers, str(REASON_HEADER)])
    for row in rows:
        if row.kind != "bad":
            continue
        out = []
        for i, value in enumerate(row.cells):
            if i in id_columns:
                cell = WriteOnlyCell(sheet, value=cell_text(value))
                cell.number_format = "@"
                out.append(cell)
            else:
                out.append(_xlsx_safe(value))
        reasons = "；".join(f"{e.column}: {e.reason}" if e.column else e.reason for e in row.errors)
        out.append(reasons)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_is_id(header: str) -> bool:
    from shoumen.lib.excel import guess_field

    return guess_field(header) == "id_number"


def _xlsx_safe(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl refuses control characters other than tab and newlines.
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    if isinstance(value, datetime.timedelta | datetime.time):
        return str(value)
    return value


# ---------------------------------------------------------------- the service


def ledger_import(
    *,
    actor,
    org_unit: OrgUnit,
    data: bytes,
    filename: str,
    sheet: str | None = None,
    mapping: Mapping[str, str] | None = None,
    dry_run: bool = False,
    skip_bad_rows: bool = False,
    on_progress: ProgressCallback | None = None,
    system_label: str = "",
) -> ImportResult:
    """Check a ledger and, unless ``dry_run``, import it in one transaction.

    Without ``skip_bad_rows`` a file with any bad row writes nothing (``committed`` is
    False); with it, the good rows are written and ``error_report`` holds the bad ones.
    File-level problems raise LedgerError. ``actor`` None with a ``system_label`` is an
    operator at the command line, who may import anywhere (audited under that label)."""
    if actor is None and system_label:
        pass
    elif not can(actor, Perm.EDIT_REGISTRY, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)
    with _collector_paused():
        return _ledger_import(
            actor=actor,
            org_unit=org_unit,
            data=data,
            filename=filename,
            sheet=sheet,
            mapping=mapping,
            dry_run=dry_run,
            skip_bad_rows=skip_bad_rows,
            on_progress=on_progress,
            system_label=system_label,
        )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the import: a large file makes millions
    of objects that live until the end, and each full collection would walk them all again
    (seconds per 100,000 rows). What the import makes is freed by reference counting; the
    collector runs again afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _ledger_import(
    *,
    actor,
    org_unit: OrgUnit,
    data: bytes,
    filename: str,
    sheet: str | None,
    mapping: Mapping[str, str] | None,
    dry_run: bool,
    skip_bad_rows: bool,
    on_progress: ProgressCallback | None,
    system_label: str,
) -> ImportResult:
    known = remembered_mapping(org_unit) if mapping is None else mapping
    table = load_table(data, filename, sheet=sheet, known=known)
    used = effective_mapping(table, mapping, org_unit)
    planner = _Planner(
        actor=actor, org_unit=org_unit, table=table, mapping=used, system_label=system_label
    )
    rows = _plan(planner, on_progress)
    counts = dict.fromkeys(("new", "updated", "unchanged", "bad"), 0)
    for row in rows:
        counts[row.kind] += 1
    errors = [e for row in rows for e in row.errors]
    result = ImportResult(
        sheet=table.sheet,
        headers=table.headers,
        mapping=used,
        counts=counts,
        errors=errors,
        committed=False,
        sheets=table.sheets,
    )
    if counts["bad"]:
        result.error_report = error_report_xlsx(table, rows)
    if dry_run or (counts["bad"] and not skip_bad_rows):
        return result
    large = connection.vendor == "postgresql" and counts["new"] >= ANALYZE_ROWS
    with transaction.atomic():
        if large:
            _defer_gin_updates()
        _commit(planner, rows, filename=filename, counts=counts)
        if large:
            _merge_gin_pending()
        if connection.vendor == "postgresql" and counts["new"] + counts["updated"] >= ANALYZE_ROWS:
            # Fresh statistics before the deferred foreign keys are checked at commit and
            # before the next query: planned for "empty" tables, each check scans the table
            # (minutes for 100,000 rows). Only the key columns of persons: the full analyse
            # is left to autovacuum (seconds more per 100,000 rows here).
            with connection.cursor() as cursor:
                cursor.execute(
                    "ANALYZE registry_household, "
                    "registry_person (id, household_id, grid_id, id_number_index)"
                )
    result.committed = True
    return result


def _defer_gin_updates() -> None:
    """For this transaction only, let new persons' entries in the trigram (GIN) index of
    search text wait in its pending list, so that they are merged into the index once, in
    bulk, by ``_merge_gin_pending`` (about a second less per 100,000 persons than merging
    every 4 MB). The index stays whole throughout: the pending list is part of it."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL gin_pending_list_limit = '2GB'")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")


def _merge_gin_pending() -> None:
    """Merge the pending entries into the GIN indexes of persons before the commit, so that
    searches do not scan a long pending list and no later write has to merge it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
            "WHERE i.indrelid = %s::regclass AND a.amname = 'gin'",
            [Person._meta.db_table],
        )


# ---------------------------------------------------------------- the template


# Instructions on the template's second sheet (Chinese first: the users read Chinese).
TEMPLATE_INSTRUCTIONS = [
    "填写说明",
    "1. 第一行是表头，请勿修改列名；可以删除不需要的列（姓名必须保留）。",
    "2. 身份证号列已设为“文本”格式。请勿改为数字格式，否则后几位会丢失。",
    "3. 性别填“男”或“女”；有身份证号时可不填，由身份证号推出。",
    "4. 楼栋须是系统中已登记的楼栋（如“5号楼”）；单元、门牌号用于识别住户。",
    "5. 与户主关系填：户主、配偶、子女、父母、孙子女、兄弟姐妹、租户或其他。",
    "6. 人员类别可填：慢病、孕妇、残疾、独居，多个用顿号分隔。",
    "7. 导入社区台账时需填写“所属网格”列。",
    "8. 前两行是示例，导入前请删除。",
]
TEMPLATE_HEADERS = [
    "序号", "姓名", "性别", "身份证号", "联系电话", "所属网格", "楼栋", "单元", "门牌号",
    "与户主关系", "人员类别", "备注",
]  # fmt: skip
TEMPLATE_EXAMPLES = [
    [1, "张伟", "男", "110105198001010139", "13800001111", "光华第一网格", "5号楼", "2", "302",
     "户主", "慢病", ""],
    [2, "李娜", "女", "110105198202020245", "13900002222", "光华第一网格", "5号楼", "2", "302",
     "配偶", "", "示例"],
]  # fmt: skip


def ledger_template_xlsx() -> bytes:
    """The blank ledger: header row, the ID column formatted as text, two example rows and
    an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "居民台账"
    sheet.append(TEMPLATE_HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    id_column = TEMPLATE_HEADERS.index("身份证号") + 1
    for example in TEMPLATE_EXAMPLES:
        sheet.append(example)
    # The whole ID column is text, including the rows still to be typed.
    for row in range(2, 1001):
        sheet.cell(row=row, column=id_column).number_format = "@"
    letter = sheet.cell(row=1, column=id_column).column_letter
    sheet.column_dimensions[letter].width = 22
    sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    info = workbook.create_sheet("填写说明")
    for line in TEMPLATE_INSTRUCTIONS:
        info.append([line])
    info.column_dimensions["A"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
