"""Screening tasks come in walking order: building, unit, door, with numbers compared as
numbers (101 before 1001, 2号楼 before 10号楼), on SQLite and PostgreSQL alike."""

import datetime

import pytest

from shoumen.registry.household_services import building_create, household_create
from shoumen.screening.selectors import task_list
from shoumen.screening.services import round_create

DAY = datetime.date(2026, 11, 20)

pytestmark = pytest.mark.django_db


def test_tasks_are_in_walking_order_with_numbers_compared_as_numbers(world, settings):
    grid = world.grid_b
    actor = world.admin_user
    buildings = {
        n: building_create(actor=actor, grid=grid, name=n, units=3) for n in ("10号楼", "2号楼")
    }
    for building, unit, door in [
        ("10号楼", "1", "101"),
        ("2号楼", "2", "102"),
        ("2号楼", "1", "1002"),
        ("2号楼", "1", "101"),
        ("2号楼", "1", "1001"),
        ("2号楼", "1", "102"),
        ("2号楼", "10", "101"),
    ]:
        household_create(
            actor=actor, grid=grid, building=buildings[building], unit=unit, door_number=door
        )
    round_ = round_create(actor=actor, scope=grid, name="走访", starts_on=DAY, ends_on=DAY)

    tasks = task_list(actor, round_, day=DAY, mine=False)

    walked = [
        (t.household.building.name, t.household.unit, t.household.door_number)
        for t in tasks
        if t.household.building_id in {b.pk for b in buildings.values()}
    ]
    assert walked == [
        ("2号楼", "1", "101"),
        ("2号楼", "1", "102"),
        ("2号楼", "1", "1001"),
        ("2号楼", "1", "1002"),
        ("2号楼", "2", "102"),
        ("2号楼", "10", "101"),
        ("10号楼", "1", "101"),
    ]
