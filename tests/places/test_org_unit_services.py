import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.places.models import Level
from shoumen.places.services import (
    ERR_CODE_TAKEN,
    ERR_LEVEL_UNDER_GRID,
    org_unit_create,
    org_unit_move,
    org_unit_rename,
)
from shoumen.registry.selectors import persons_visible_to


def test_child_level_follows_the_parent(world):
    unit = org_unit_create(actor=world.admin_user, parent=world.community, code="G9", name="新网格")
    assert unit.level == Level.GRID
    assert unit.path.startswith(world.community.path)


def test_codes_are_unique(world):
    with pytest.raises(ValidationError) as exc:
        org_unit_create(actor=world.admin_user, parent=world.community, code="G1", name="重复")
    assert exc.value.message_dict["code"] == [str(ERR_CODE_TAKEN)]


def test_nothing_goes_under_a_grid(world):
    with pytest.raises(ValidationError) as exc:
        org_unit_create(actor=world.admin_user, parent=world.grid_a, code="X1", name="x")
    assert exc.value.messages == [str(ERR_LEVEL_UNDER_GRID)]


def test_street_officer_cannot_manage_the_tree(world):
    with pytest.raises(PermissionDenied):
        org_unit_rename(actor=world.street_officer, unit=world.grid_a, name="改名")


def test_rename_is_audited(world):
    org_unit_rename(actor=world.admin_user, unit=world.grid_a, name="光华一格")
    event = AuditEvent.objects.filter(action="org_unit.rename").latest("id")
    assert event.changes == {"name": ["光华第一网格", "光华一格"]}


def test_moving_a_grid_moves_its_households_to_the_new_community(world):
    org_unit_move(actor=world.admin_user, unit=world.grid_a, new_parent=world.unit("C2"))
    staff_c1 = world.community_staff
    assert "单明" not in set(persons_visible_to(staff_c1).values_list("name", flat=True))
    grid_worker = world.grid_worker
    assert "单明" in set(persons_visible_to(grid_worker).values_list("name", flat=True))
    assert set(persons_visible_to(world.street_officer).values_list("name", flat=True)) >= {"单明"}


def test_grid_can_only_move_under_a_community(world):
    with pytest.raises(ValidationError):
        org_unit_move(actor=world.admin_user, unit=world.grid_a, new_parent=world.street)
