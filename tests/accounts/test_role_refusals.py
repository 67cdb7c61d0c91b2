"""A user cannot change their own roles, and a role the user already holds in a unit is
not granted twice; each refusal names its reason and writes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shoumen.accounts.models import Role, RoleAssignment
from shoumen.accounts.services import (
    ERR_CANNOT_CHANGE_SELF,
    ERR_ROLE_DUPLICATE,
    role_assignment_grant,
    role_assignment_revoke,
)
from tests.nothing_written import nothing_written

pytestmark = pytest.mark.django_db


def test_a_user_cannot_grant_themselves_a_role(world):
    with nothing_written(), pytest.raises(PermissionDenied) as refused:
        role_assignment_grant(
            actor=world.street_officer,
            user=world.street_officer,
            role=Role.COMMUNITY_STAFF,
            org_unit=world.community,
        )
    assert str(refused.value) == str(ERR_CANNOT_CHANGE_SELF)


def test_a_user_cannot_revoke_their_own_role(world):
    own = RoleAssignment.objects.get(user=world.street_officer)
    with nothing_written(), pytest.raises(PermissionDenied) as refused:
        role_assignment_revoke(actor=world.street_officer, assignment=own)
    assert str(refused.value) == str(ERR_CANNOT_CHANGE_SELF)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_even_a_system_admin_cannot_change_their_own_roles(world):
    with nothing_written(), pytest.raises(PermissionDenied):
        role_assignment_grant(
            actor=world.admin_user,
            user=world.admin_user,
            role=Role.DISTRICT_OFFICER,
            org_unit=world.unit("D1"),
        )


def test_a_user_cannot_reach_their_own_grant_page(world, client):
    client.force_login(world.street_officer)
    data = {"role": Role.COMMUNITY_STAFF, "org_unit": world.community.pk}
    with nothing_written():
        response = client.post(reverse("accounts:user_grant", args=[world.street_officer.pk]), data)
    assert response.status_code == 404


def test_a_role_the_user_already_holds_there_is_not_granted_twice(world):
    with nothing_written(), pytest.raises(ValidationError) as refused:
        role_assignment_grant(
            actor=world.community_staff,
            user=world.grid_worker,
            role=Role.GRID_WORKER,
            org_unit=world.grid_a,
        )
    assert refused.value.message_dict == {"role": [str(ERR_ROLE_DUPLICATE)]}
    assert RoleAssignment.objects.filter(user=world.grid_worker).count() == 1


def test_the_grant_page_shows_the_duplicate_role_refusal(world, client):
    client.force_login(world.community_staff)
    data = {"role": Role.GRID_WORKER, "org_unit": world.grid_a.pk}
    with nothing_written():
        response = client.post(reverse("accounts:user_grant", args=[world.grid_worker.pk]), data)
    assert response.status_code == 400
    assert str(ERR_ROLE_DUPLICATE) in response.content.decode()
