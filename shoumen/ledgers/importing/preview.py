"""What an import would change, for the preview: every field of each updated person old →
new (ID number and phone masked), the household moves on their own (each to be ticked),
and the buildings it would register, per grid."""

import copy
from typing import Any

from django.utils.translation import gettext as _

from shoumen.ledgers.importing.checking import _Row
from shoumen.ledgers.importing.planning import _Planner
from shoumen.registry.models import Building, Household
from shoumen.registry.services import apply_person_values, person_diff, person_snapshot

# The preview lists this many updated persons (the counts cover them all).
PREVIEW_UPDATES = 200
# Moves are each ticked on the page: at most this many are listed.
PREVIEW_MOVES = 1_000
# Placement is shown as a move, not as a field change.
_PLACEMENT = {"household", "grid"}


def preview_updates(rows: list[_Row]) -> list[dict[str, Any]]:
    """The first updated persons with each field that changes: {"row", "name", "changes":
    {field: [old, new]}} as the audit records it (masked)."""
    out = []
    for row in rows:
        if row.kind != "updated" or row.person is None:
            continue
        person = copy.copy(row.person)
        before = person_snapshot(person)
        values = dict(row.values)
        apply_person_values(person, values)
        if "phone" not in row.given:
            person.phone_encrypted = row.person.phone_encrypted
            person.phone_index = row.person.phone_index
            person.phone_last4 = row.person.phone_last4
        # A moving person's relation is to the other household's head: listed with the move.
        hidden = _PLACEMENT | ({"relation_to_head"} if row.moves else set())
        changes = {
            k: v for k, v in person_diff(before, person_snapshot(person)).items() if k not in hidden
        }
        if changes:
            out.append({"row": row.row, "name": row.person.name, "changes": changes})
        if len(out) >= PREVIEW_UPDATES:
            break
    return out


def preview_moves(planner: _Planner, rows: list[_Row]) -> list[dict[str, Any]]:
    """The persons the ledger places in another household: {"person", "row", "name",
    "from", "to"}; they move only when ticked."""
    moving = [r for r in rows if r.kind == "updated" and r.moves and r.person is not None]
    moving = moving[:PREVIEW_MOVES]
    pks = {r.person.household_id for r in moving if r.person is not None}
    pks |= {
        planner.households[r.household_key]
        for r in moving
        if r.household_key is not None and r.household_key in planner.households
    }
    labels = {
        h.pk: h.label for h in Household.objects.filter(pk__in=pks).select_related("building")
    }
    out = []
    for row in moving:
        assert row.person is not None and row.household_key is not None
        target = planner.households.get(row.household_key)
        out.append(
            {
                "person": row.person.pk,
                "row": row.row,
                "name": row.person.name,
                "from": labels.get(row.person.household_id or 0, ""),
                "to": labels[target] if target else _new_household_label(planner, row),
                "relation": [row.person.relation_to_head, row.values["relation_to_head"]],
            }
        )
    return out


def _new_household_label(planner: _Planner, row: _Row) -> str:
    key = row.household_key
    assert key is not None
    if key[0] == "b":
        name, unit, door = planner.building_names.get(key[1], ""), key[2], key[3]
    elif key[0] == "nb":
        name, unit, door = key[2], key[3], key[4]
    else:
        name, unit, door = row.values.get("_address") or key[2], key[3], key[4]
    household = Household(unit=unit, door_number=door)
    if key[0] == "a":
        household.address = name
    else:
        household.building = Building(name=name)
    return _("%(household)s (new household)") % {"household": household.label}


def preview_new_buildings(planner: _Planner, rows: list[_Row]) -> dict[str, list[str]]:
    """Grid name -> the buildings the ledger would register there."""
    found: dict[int, set[str]] = {}
    for row in rows:
        key = row.household_key
        if row.kind in ("new", "updated") and key is not None and key[0] == "nb":
            found.setdefault(key[1], set()).add(key[2])
    return {
        planner.grids[grid_id].name: sorted(names)
        for grid_id, names in sorted(found.items(), key=lambda item: planner.grids[item[0]].path)
    }
