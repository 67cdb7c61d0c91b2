"""Checking a ledger's rows: each row read, normalised and validated on its own, then the
checks across rows (the same person twice, two heads of a household, a match out of scope)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.ledgers.importing.reading import (
    _RELATION_INDEX,
    _SCIENTIFIC,
    _TAG_SPLIT,
    BUILDING_NAME_MAX,
    SEX_WORDS,
    TAG_WORDS,
    _is_number,
    address_key,
    building_key,
    cell_text,
    free_text,
    masked_cell,
    parse_date,
)
from shoumen.lib.doors import canonical_unit_door
from shoumen.lib.errors import ERR_TOO_LONG
from shoumen.lib.excel import Table, is_blank
from shoumen.lib.ids import normalize_id_number
from shoumen.lib.text import strip_all_spaces
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.household_services import ERR_BUILDING_OR_ADDRESS
from shoumen.registry.models import (
    DocumentType,
    Person,
    Relation,
    Sex,
    Status,
)
from shoumen.registry.services import (
    ERR_DUPLICATE_OUT_OF_SCOPE,
    ERR_HEAD_TAKEN,
    ERR_NOT_ACTIVE_RECORD,
    ERR_SEX_MISMATCH,
    validated_person_values,
)

if TYPE_CHECKING:
    from shoumen.ledgers.importing.planning import _Planner
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
# 第 %(row)s 行已经是该户的户主。
ERR_HEAD_TWICE = _("Row %(row)s already names the head of this household.")


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
    # An updated person whose row names another household than the stored one.
    moves: bool = False
    # For a valid row: the person's stored columns and audit snapshot, as a new record.
    stored: tuple[tuple, dict[str, Any]] | None = None


class RowChecker:
    """Each row on its own: read, normalised and validated against the lookups of the
    planner (a subclass)."""

    table: Table
    org_unit: OrgUnit
    day: datetime.date
    column: dict[str, int]
    header: dict[str, str]
    grid_by_text: dict[str, OrgUnit]
    buildings: dict[tuple[int, str], int]

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
        values: dict[str, Any] = {"name": free_text(get("name"))}

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
        head_name = free_text(get("head_name"))
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
        values["notes"] = free_text(get("notes"))
        if values["notes"]:
            row.given.add("notes")
        row.values = values
        self._place(row)
        return row

    def _place(self, row: _Row) -> None:
        """The row's grid and household key, or an error. A building not registered yet is
        planned as a new one (key "nb"); an address is matched loosely and kept as typed."""
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
        address = free_text(self.cell(row.cells, "address"))
        unit, door = canonical_unit_door(
            cell_text(self.cell(row.cells, "unit")), cell_text(self.cell(row.cells, "door_number"))
        )
        too_long = False
        for key, value, limit in (("unit", unit, 10), ("door_number", door, 20)):
            if len(value) > limit:
                self.error(row, key, ERR_TOO_LONG % {"max": limit})
                too_long = True
        if building_text:
            name = building_key(building_text)
            if len(name) > BUILDING_NAME_MAX:
                self.error(row, "building", ERR_TOO_LONG % {"max": BUILDING_NAME_MAX})
                return
            if too_long:
                return
            building_id = self.buildings.get((grid.pk, name))
            if building_id is None:
                row.household_key = ("nb", grid.pk, name, unit, door)
            else:
                row.household_key = ("b", building_id, unit, door)
        elif address:
            if len(address) > 200:
                self.error(row, "address", ERR_TOO_LONG % {"max": 200})
                return
            if too_long:
                return
            row.household_key = ("a", grid.pk, address_key(address), unit, door)
            row.values["_address"] = address

    def validate(self, row: _Row) -> None:
        """The registry's own checks, reported all at once and next to the problems already
        found reading the row (a column already in error is not reported twice)."""
        extra = {k: v for k, v in row.values.items() if k.startswith("_")}
        in_error = {e.column for e in row.errors}
        try:
            clean = validated_person_values(row.values, day=self.day)
        except ValidationError as exc:
            problems = dict(exc.message_dict)
            mismatch = _sex_against_unreadable_id(row.values, problems)
            if mismatch:
                problems.setdefault("sex", []).append(mismatch)
            for key, messages in problems.items():
                column = key
                if key in ("sex", "birth_date") and key not in self.column:
                    column = "id_number"  # the ID number says the sex and birth date
                if key == "relation_to_head":
                    column = "relation"
                if self.header.get(column, "") in in_error and column in self.header:
                    continue
                for message in messages:
                    self.error(row, column, message)
            return
        row.values = clean | {"tags": set(clean["tags"])} | extra


def _sex_against_unreadable_id(values: dict[str, Any], problems: dict[str, list]) -> str:
    """The sex digit of an ID number refused for its check digit still tells the sex: a row
    whose sex contradicts it gets that error now, not after the number is fixed."""
    number = normalize_id_number(values.get("id_number") or "")
    sex = values.get("sex")
    if "id_number" not in problems or "sex" in problems or not sex:
        return ""
    if len(number) != 18 or not number[:17].isdigit():
        return ""
    said = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return "" if said == sex else str(ERR_SEX_MISMATCH % {"sex": said.label})


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
