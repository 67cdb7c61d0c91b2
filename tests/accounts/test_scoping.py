import pytest

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import can, forget_assignments, scope_paths
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry.selectors import persons_visible_to


def _names(user):
    return set(persons_visible_to(user).values_list("name", flat=True))


def test_grid_worker_sees_only_their_grid(world):
    assert _names(world.grid_worker) == {"单明", "曾丽", "单小宝"}


def test_grid_worker_cannot_see_neighbouring_grid(world):
    assert "王刚" not in _names(world.grid_worker)
    assert not can(world.grid_worker, Perm.VIEW_REGISTRY, world.grid_b)


def test_community_staff_sees_all_grids_of_their_community(world):
    assert _names(world.community_staff) == {"单明", "曾丽", "单小宝", "王刚"}


def test_street_officer_sees_their_street_only(world):
    assert "李强" not in _names(world.street_officer)
    assert _names(world.outsider) == {"李强"}


def test_district_officer_and_admin_see_everything(world):
    everyone = {"单明", "曾丽", "单小宝", "王刚", "李强"}
    assert _names(world.district_officer) == everyone
    assert _names(world.admin_user) == everyone


def test_checkpoint_volunteer_sees_no_registry(world):
    assert _names(world.volunteer) == set()


def test_grid_worker_of_two_grids_sees_both(world):
    worker = world.grid_worker
    RoleAssignment.objects.create(user=worker, role=Role.GRID_WORKER, org_unit=world.grid_b)
    forget_assignments(worker)
    assert "王刚" in _names(worker)


def test_nested_assignments_collapse_to_the_widest_path(world):
    staff = world.community_staff
    RoleAssignment.objects.create(user=staff, role=Role.GRID_WORKER, org_unit=world.grid_a)
    forget_assignments(staff)
    assert scope_paths(staff, Perm.VIEW_REGISTRY) == [world.community.path]


def test_inactive_user_has_no_scope(world):
    worker = world.grid_worker
    worker.is_active = False
    assert scope_paths(worker, Perm.VIEW_REGISTRY) == []


def test_superuser_without_assignment_sees_everything(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-long-password-1")
    assert scope_paths(root, Perm.VIEW_REGISTRY) == [""]


@pytest.mark.parametrize(
    ("username", "codes"),
    [
        ("grid_worker", {"G1"}),
        ("community_staff", {"C1", "G1", "G2"}),
        ("street_officer", {"S1", "C1", "C2", "G1", "G2", "G3"}),
        ("outsider", {"S2", "C3", "G4"}),
    ],
)
def test_org_units_visible_are_the_subtree(world, username, codes):
    user = world.user(username)
    assert set(org_units_visible_to(user).values_list("code", flat=True)) == codes
