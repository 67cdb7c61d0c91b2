import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.checkpoints.services import (
    ERR_CHECKPOINT_BUILDING,
    ERR_CHECKPOINT_HOURS,
    ERR_CHECKPOINT_LEVEL,
    ERR_CHECKPOINT_NAME_TAKEN,
    checkpoint_create,
    checkpoint_update,
)
from shoumen.registry.household_services import building_create

pytestmark = pytest.mark.django_db


def test_community_staff_set_up_a_post_for_some_buildings(world):
    gate = checkpoint_create(
        actor=world.community_staff,
        community=world.community,
        name="北门",
        opens_at=datetime.time(6),
        closes_at=datetime.time(22),
        buildings=[world.building_a],
    )
    assert list(gate.buildings.all()) == [world.building_a]
    gate = checkpoint_update(actor=world.community_staff, checkpoint=gate, name="北门岗")
    assert (gate.name, gate.opens_at, list(gate.buildings.all())) == ("北门岗", None, [])


def test_opening_hours_need_both_ends(world):
    with pytest.raises(ValidationError) as exc:
        checkpoint_create(
            actor=world.admin_user,
            community=world.community,
            name="北门",
            opens_at=datetime.time(6),
        )
    assert exc.value.message_dict == {"opens_at": [str(ERR_CHECKPOINT_HOURS)]}


def test_a_post_lets_through_only_its_own_communitys_buildings(world):
    elsewhere = building_create(actor=world.admin_user, grid=world.unit("G3"), name="1号楼")
    with pytest.raises(ValidationError) as exc:
        checkpoint_create(
            actor=world.admin_user, community=world.community, name="北门", buildings=[elsewhere]
        )
    assert exc.value.message_dict == {"buildings": [str(ERR_CHECKPOINT_BUILDING)]}


def test_names_are_unique_in_a_community(world):
    checkpoint_create(actor=world.community_staff, community=world.community, name="北门")
    with pytest.raises(ValidationError) as exc:
        checkpoint_create(actor=world.community_staff, community=world.community, name="北门")
    assert exc.value.message_dict == {"name": [str(ERR_CHECKPOINT_NAME_TAKEN)]}


def test_checkpoints_belong_to_communities(world):
    with pytest.raises(ValidationError) as exc:
        checkpoint_create(actor=world.admin_user, community=world.grid_a, name="北门")
    assert exc.value.message_dict == {"community": [str(ERR_CHECKPOINT_LEVEL)]}


def test_grid_workers_and_volunteers_cannot_set_up_posts(world):
    for user in (world.grid_worker, world.volunteer):
        with pytest.raises(PermissionDenied):
            checkpoint_create(actor=user, community=world.community, name="北门")
