"""Planning an import: everything looked up once for the whole file, each row matched to a
stored person (by ID blind index, or name + birth date + household) and classed as new,
updated, unchanged or bad."""

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db import connection

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths
from shoumen.ledgers.importing.checking import (
    RowChecker,
    _check_duplicates,
    _check_existing,
    _check_heads,
    _Row,
)
from shoumen.ledgers.importing.reading import (
    ERR_GRID_COLUMN,
    ERR_UNIT_LEVEL,
    LedgerError,
    ProgressCallback,
    address_key,
    building_key,
)
from shoumen.ledgers.importing.tuning import _prepared_chunks
from shoumen.lib import crypto
from shoumen.lib.dates import today
from shoumen.lib.doors import canonical_unit_door
from shoumen.lib.excel import Table
from shoumen.lib.text import clean_line
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import (
    FLAG_TAGS,
    PHONE_CONTEXT,
    Building,
    Household,
    Person,
)
from shoumen.registry.services import document_index


class _Planner(RowChecker):
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
        # Stored units and doors in canonical form too, so that a household typed "1单元 903"
        # years ago is the one a ledger's "1单元903" names. Of two that are already one
        # door, the older is used.
        for pk, grid_id, b, unit, door, address, head in (
            Household.objects.filter(grid__in=grids)
            .order_by("pk")
            .values_list(
                "pk", "grid_id", "building_id", "unit", "door_number", "address", "head_id"
            )
        ):
            unit, door = canonical_unit_door(unit, door)
            key = ("b", b, unit, door) if b else ("a", grid_id, address_key(address), unit, door)
            self.households.setdefault(key, pk)
            self.household_heads[pk] = head
            self.household_grid[pk] = grid_id

    def _may_edit(self, path: str) -> bool:
        return any(path.startswith(p) for p in self.edit_paths)


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
    row.moves = person.household_id != household_id
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
