"""A transferred key person is accepted only into a grid of the receiving community: a
grid elsewhere, or a unit that is not a grid, is refused with the reason, and the
observation stays waiting, unchanged, with nothing written."""

import pytest
from django.core.exceptions import ValidationError

from shoumen.observation.models import Kind, Observation, ObservationStatus, Reason
from shoumen.observation.services import (
    ERR_ACCEPT_GRID,
    observation_start,
    observation_transfer_accept,
    observation_transfer_request,
)
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(world):
    """曾丽's observation in grid A (community C1), waiting for community C2."""
    obs = observation_start(
        actor=world.admin_user, person=world.zeng, kind=Kind.HOME_MONITORING, reason=Reason.OTHER
    )
    return observation_transfer_request(
        actor=world.admin_user, observation=obs, to_community=world.unit("C2"), reason="搬家"
    )


@pytest.mark.parametrize("grid", ["G1", "G2", "G4", "C2", "S1"])
def test_a_transfer_is_not_accepted_outside_the_receiving_communitys_grids(world, waiting, grid):
    before = Observation.objects.filter(person=world.zeng).values().get()
    with nothing_written(), pytest.raises(ValidationError) as refused:
        observation_transfer_accept(
            actor=world.street_officer, observation=waiting, grid=world.unit(grid)
        )
    c2 = world.unit("C2")
    assert refused.value.message_dict == {"grid": [str(ERR_ACCEPT_GRID % {"unit": c2})]}
    after = Observation.objects.filter(person=world.zeng).values().get()
    assert after == before
    assert after["status"] == ObservationStatus.ACTIVE and after["transfer_to_id"] == c2.pk


def test_the_receiving_communitys_grid_is_accepted(world, waiting):
    new = observation_transfer_accept(
        actor=world.street_officer, observation=waiting, grid=world.unit("G3")
    )
    assert new.grid == world.unit("G3") and new.status == ObservationStatus.ACTIVE
