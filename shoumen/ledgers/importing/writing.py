"""Writing a planned import: new households and persons (COPY on PostgreSQL), updates,
heads of households, and one audit event per person."""

import datetime
from collections.abc import Collection
from typing import Any

from django.db import connection
from django.utils import timezone

from shoumen.audit.models import AuditEvent
from shoumen.audit.services import (
    AUDIT_ROW_COLUMNS,
    AuditChainAppender,
    audit_chain_appending,
)
from shoumen.ledgers.importing.checking import _Row
from shoumen.ledgers.importing.planning import _Planner
from shoumen.ledgers.importing.stored_form import NEW_PERSON_DEFAULTS, STORED_ATTRS, _stored_form
from shoumen.lib.bulk import copy_writer, next_ids, update_objects
from shoumen.lib.events import PersonMove, PersonsMoved, announce
from shoumen.registry.models import (
    Building,
    Household,
    Person,
    Relation,
)
from shoumen.registry.services import apply_person_values, person_diff, person_snapshot

# ---------------------------------------------------------------- writing


# The most units a building may have (the registry's limit).
MAX_UNITS = 99
# What an import may change on a matched person (attribute names).
PERSON_UPDATE_ATTNAMES = [*STORED_ATTRS, "household_id", "grid_id", "updated_at"]


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


def _create_buildings(
    planner: _Planner, placed: list[_Row], *, now: datetime.datetime
) -> list[dict[str, Any]]:
    """The buildings the ledger names that are not registered yet, one per grid and name;
    returns their audit events. Their unit count is the highest unit the ledger gives."""
    planned: dict[tuple[int, str], int] = {}
    for row in placed:
        key = row.household_key
        if key is None or key[0] != "nb":
            continue
        unit = key[3]
        units = int(unit) if unit.isdigit() and 1 <= int(unit) <= MAX_UNITS else 1
        planned[(key[1], key[2])] = max(units, planned.get((key[1], key[2]), 1))
    buildings = [
        Building(grid_id=grid_id, name=name, units=units, created_at=now)
        for (grid_id, name), units in planned.items()
    ]
    Building.objects.bulk_create(buildings)
    events = []
    for building in buildings:
        planner.buildings[(building.grid_id, building.name)] = building.pk
        events.append(
            {
                "action": "building.import.create",
                "target": building,
                "org_path": planner.grids[building.grid_id].path,
                "changes": {"name": [None, building.name], "units": [None, building.units]},
            }
        )
    return events


def _placed(row: _Row, allow_moves: bool | Collection[int]) -> bool:
    """Whether the row's household applies: always for a new person; for a matched one
    only when it is theirs already or the move was allowed."""
    if row.kind == "new" or not row.moves:
        return True
    assert row.person is not None
    return allow_moves is True or (
        not isinstance(allow_moves, bool) and row.person.pk in allow_moves
    )


def _commit(
    planner: _Planner,
    rows: list[_Row],
    *,
    filename: str,
    counts,
    allow_moves: bool | Collection[int] = False,
) -> None:
    good = [r for r in rows if r.kind in ("new", "updated")]
    now = timezone.now()
    copy = connection.vendor == "postgresql"
    placed = [r for r in good if _placed(r, allow_moves)]
    building_events = _create_buildings(planner, placed, now=now)

    # Households that do not exist yet, one per key: [id, grid, building, address, unit,
    # door number, head].
    missing: dict[tuple, list[Any]] = {}
    for row in placed:
        key = row.household_key
        if key is None or key in planner.households or key in missing:
            continue
        grid = row.grid
        assert grid is not None
        if key[0] == "b":
            missing[key] = [None, grid.pk, key[1], "", key[2], key[3], None]
        elif key[0] == "nb":
            building_id = planner.buildings[(key[1], key[2])]
            missing[key] = [None, grid.pk, building_id, "", key[3], key[4], None]
        else:
            address = row.values.get("_address") or key[2]
            missing[key] = [None, grid.pk, None, address, key[3], key[4], None]
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
        person_values = dict(row.values)
        stays = not _placed(row, allow_moves)
        if stays:
            # The relation the row gives is to the other household's head.
            person_values["relation_to_head"] = person.relation_to_head
        apply_person_values(person, person_values)
        if keep_phone:
            person.phone_encrypted, person.phone_index, person.phone_last4 = kept
        if row.household_key is not None and not stays:
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
        events: list[dict[str, Any]] = building_events
        for person, before in updated:
            changes = person_diff(before, person_snapshot(person))
            if changes:
                events.append(
                    {
                        "action": "person.import.update",
                        "target": person,
                        "org_path": grid_paths.get(person.grid_id, ""),
                        "changes": changes,
                    }
                )
        moved = sum(1 for p, b in updated if b["household"] != p.household_id)
        events.append(
            {
                "action": "ledger.import",
                "target": planner.org_unit,
                "org_path": planner.org_unit.path,
                "changes": {
                    "file": filename,
                    "sheet": planner.table.sheet,
                    "households_created": len(missing),
                    "buildings_created": len(building_events),
                    "moves": moved,
                    **counts,
                },
            }
        )
        _write_audit_events(chain, events, copy=copy)
    # After the import's own events: these append to the audit chain one by one.
    announce(
        PersonsMoved(
            moves=tuple(
                PersonMove(p.pk, p.household_id, p.grid_id)
                for p, b in updated
                if b["household"] != p.household_id
            )
        )
    )
