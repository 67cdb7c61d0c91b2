"""A unit cannot be moved under itself or anything under it: the tree would lose a branch.
The refusal names the reason, and the tree and the audit trail stay as they were."""

import pytest
from django.core.exceptions import ValidationError

from shoumen.places.models import OrgUnit
from shoumen.places.services import ERR_MOVE_INTO_ITSELF, org_unit_move
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


def _tree():
    return list(OrgUnit.objects.order_by("path").values_list("code", "path", "depth", "numchild"))


@pytest.mark.parametrize("under", ["S1", "C1", "G1"])
def test_a_street_cannot_be_moved_under_itself_or_its_own_subtree(world, under):
    tree = _tree()
    with nothing_written(), pytest.raises(ValidationError) as refused:
        org_unit_move(actor=world.admin_user, unit=world.street, new_parent=world.unit(under))
    assert refused.value.message_dict == {"new_parent": [str(ERR_MOVE_INTO_ITSELF)]}
    assert _tree() == tree


def test_a_community_cannot_be_moved_under_its_own_grid(world):
    tree = _tree()
    with nothing_written(), pytest.raises(ValidationError) as refused:
        org_unit_move(actor=world.admin_user, unit=world.community, new_parent=world.grid_a)
    assert refused.value.message_dict == {"new_parent": [str(ERR_MOVE_INTO_ITSELF)]}
    assert _tree() == tree
