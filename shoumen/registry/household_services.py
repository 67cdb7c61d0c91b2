"""Every write about buildings and households: created, changed, moved to another grid;
keyword-only, validated, atomic and audited."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.lib import events
from shoumen.lib.doors import canonical_unit_door
from shoumen.lib.errors import length_errors
from shoumen.lib.text import clean_line, free_text
from shoumen.places.models import OrgUnit
from shoumen.registry.models import (
    Building,
    Household,
    Person,
    Relation,
    Status,
)
from shoumen.registry.services import ERR_NAME_REQUIRED, _diff, _record, _require_grid

ERR_BUILDING_OTHER_GRID = _("That building belongs to another grid.")
ERR_BUILDING_OR_ADDRESS = _("Choose a building or enter an address.")
ERR_DOOR_TAKEN = _("There is already a household at this door.")
ERR_BUILDING_NAME_TAKEN = _("This grid already has a building with that name.")
ERR_UNITS_RANGE = _("A building has between 1 and 99 units.")


# ---------------------------------------------------------------- buildings


@transaction.atomic
def building_create(*, actor, grid: OrgUnit, name: str, units: int = 1) -> Building:
    _require_grid(grid)
    require(actor, Perm.EDIT_REGISTRY, grid)
    name = clean_line(name)
    errors = length_errors(Building, {"name": name})
    if not name:
        errors["name"] = [ERR_NAME_REQUIRED]
    elif not errors and Building.objects.filter(grid=grid, name=name).exists():
        errors["name"] = [ERR_BUILDING_NAME_TAKEN]
    if not 1 <= int(units) <= 99:
        errors["units"] = [ERR_UNITS_RANGE]
    if errors:
        raise ValidationError(errors)
    building = Building.objects.create(grid=grid, name=name, units=units)
    _record(
        actor,
        "building.create",
        building,
        org_path=grid.path,
        changes={"name": [None, name], "units": [None, units]},
    )
    return building


# ---------------------------------------------------------------- households


def _household_values(grid: OrgUnit, values: Mapping[str, Any]) -> dict[str, Any]:
    building: Building | None = values.get("building")
    # One canonical unit and door ("1单元903", "1-903" and "一单元903" are unit 1, door 903),
    # as the ledger import matches them; the address is kept as typed.
    unit, door = canonical_unit_door(
        clean_line(values.get("unit") or ""), clean_line(values.get("door_number") or "")
    )
    out = {
        "building": building,
        "address": free_text(values.get("address") or ""),
        "unit": unit,
        "door_number": door,
    }
    errors = length_errors(Household, {k: v for k, v in out.items() if k != "building"})
    if errors:
        raise ValidationError(errors)
    if building is not None and building.grid_id != grid.pk:
        raise ValidationError({"building": [ERR_BUILDING_OTHER_GRID]})
    if building is None and not out["address"]:
        raise ValidationError({"address": [ERR_BUILDING_OR_ADDRESS]})
    return out


def _household_snapshot(household: Household) -> dict[str, Any]:
    return {
        "grid": household.grid_id,
        "building": household.building_id,
        "address": household.address,
        "unit": household.unit,
        "door_number": household.door_number,
        "head": household.head_id,
    }


def _check_door_free(household: Household) -> None:
    """No other household of the building has this door, however either was typed."""
    if household.building_id is None:
        return
    doors = (
        Household.objects.filter(building_id=household.building_id)
        .exclude(pk=household.pk)
        .values_list("unit", "door_number")
    )
    wanted = canonical_unit_door(household.unit, household.door_number)
    if any(canonical_unit_door(unit, door) == wanted for unit, door in doors):
        raise ValidationError({"door_number": [ERR_DOOR_TAKEN]})


@transaction.atomic
def household_create(*, actor, grid: OrgUnit, **values: Any) -> Household:
    """Create a household: ``building`` (+ ``unit``, ``door_number``) or a free ``address``."""
    _require_grid(grid)
    require(actor, Perm.EDIT_REGISTRY, grid)
    household = Household(grid=grid, **_household_values(grid, values))
    _check_door_free(household)
    household.save()
    _record(
        actor,
        "household.create",
        household,
        org_path=grid.path,
        changes=_diff({}, _household_snapshot(household)),
    )
    return household


@transaction.atomic
def household_update(*, actor, household: Household, **changes: Any) -> Household:
    """Change the building, address, unit, door number or head of a household."""
    require(actor, Perm.EDIT_REGISTRY, household.grid)
    before = _household_snapshot(household)
    current = {
        "building": household.building,
        "address": household.address,
        "unit": household.unit,
        "door_number": household.door_number,
    }
    head = changes.pop("head", household.head)
    for field, value in _household_values(household.grid, {**current, **changes}).items():
        setattr(household, field, value)
    _check_door_free(household)
    if head is not None and (head.household_id != household.pk or head.status != Status.RESIDENT):
        raise ValidationError({"head": [_("The head must be a resident member of the household.")]})
    new_head_id = head.pk if head is not None else None
    if household.head_id != new_head_id:
        if household.head_id:
            Person.objects.filter(pk=household.head_id).update(relation_to_head=Relation.OTHER)
        if head is not None:
            Person.objects.filter(pk=head.pk).update(relation_to_head=Relation.HEAD)
    household.head = head
    household.save()
    diff = _diff(before, _household_snapshot(household))
    if diff:
        _record(actor, "household.update", household, org_path=household.grid.path, changes=diff)
    return household


@transaction.atomic
def household_move(
    *, actor, household: Household, grid: OrgUnit, building: Building | None = None, **values
) -> Household:
    """Move a household, with its members, to another grid."""
    _require_grid(grid)
    require(actor, Perm.EDIT_REGISTRY, household.grid)
    require(actor, Perm.EDIT_REGISTRY, grid)
    before = _household_snapshot(household)
    building_before = household.building_id
    clean = _household_values(
        grid,
        {
            "building": building,
            "address": values.get("address", household.address),
            "unit": values.get("unit", household.unit),
            "door_number": values.get("door_number", household.door_number),
        },
    )
    household.grid = grid
    for field, value in clean.items():
        setattr(household, field, value)
    _check_door_free(household)
    household.save()
    household.members.update(grid=grid)
    _record(
        actor,
        "household.move",
        household,
        org_path=grid.path,
        changes=_diff(before, _household_snapshot(household)),
    )
    events.announce(
        events.HouseholdMoved(
            household_id=household.pk,
            grid_id=grid.pk,
            building_before=building_before,
            building_after=household.building_id,
        )
    )
    return household
