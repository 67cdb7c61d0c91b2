"""Households entered by hand keep one canonical unit and door, as the ledger import matches
them, and names, notes and addresses keep what people typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from shoumen.registry.household_services import ERR_DOOR_TAKEN, household_create
from shoumen.registry.models import Building, DocumentType, Sex
from shoumen.registry.services import person_register

pytestmark = pytest.mark.django_db


def _building(world) -> Building:
    return Building.objects.get(grid=world.grid_a, name="5号楼")


def test_a_unit_typed_into_the_door_number_is_stored_as_unit_and_door(world):
    household = household_create(
        actor=world.user("admin_user"),
        grid=world.grid_a,
        building=_building(world),
        door_number="1单元903",
    )

    assert (household.unit, household.door_number) == ("1", "903")


@pytest.mark.parametrize("unit, door", [("", "二单元 301"), ("2单元", "301室"), ("", "2-301")])
def test_a_door_already_taken_is_refused_however_it_is_typed(world, unit, door):
    # The persona world has 5号楼 unit 2, door 301.
    with pytest.raises(ValidationError) as refused:
        household_create(
            actor=world.user("admin_user"),
            grid=world.grid_a,
            building=_building(world),
            unit=unit,
            door_number=door,
        )

    assert refused.value.message_dict == {"door_number": [str(ERR_DOOR_TAKEN)]}


def test_names_notes_and_addresses_keep_full_width_punctuation(world):
    household = household_create(
        actor=world.user("admin_user"), grid=world.grid_a, address="光华路１号（东门）"
    )
    person = person_register(
        actor=world.user("admin_user"),
        household=household,
        name="欧阳（小）明",
        sex=Sex.MALE,
        birth_date=datetime.date(1980, 1, 1),
        document_type=DocumentType.NONE,
        notes="已联系家属，120送…",
    )

    household.refresh_from_db()
    person.refresh_from_db()
    assert household.address == "光华路１号（东门）"
    assert person.name == "欧阳（小）明"
    assert person.notes == "已联系家属，120送…"
