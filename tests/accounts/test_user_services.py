import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.accounts.models import ApiToken
from shoumen.accounts.roles import Role
from shoumen.accounts.services import (
    ERR_ROLE_RANK,
    ERR_USERNAME_TAKEN,
    api_token_authenticate,
    api_token_create,
    role_assignment_grant,
    user_can_be_managed_by,
    user_create,
    user_set_active,
)
from shoumen.audit.models import AuditEvent

GOOD_PASSWORD = "Gx7!wq-2026-longer"


def test_community_staff_creates_a_grid_worker_in_their_community(world):
    user = user_create(
        actor=world.community_staff,
        username="new.worker",
        password=GOOD_PASSWORD,
        role=Role.GRID_WORKER,
        org_unit=world.grid_b,
    )
    assert user.check_password(GOOD_PASSWORD)
    assert AuditEvent.objects.filter(action="user.create", target_id=str(user.pk)).exists()


def test_community_staff_cannot_create_users_in_another_community(world):
    with pytest.raises(PermissionDenied):
        user_create(
            actor=world.community_staff,
            username="x.worker",
            password=GOOD_PASSWORD,
            role=Role.GRID_WORKER,
            org_unit=world.unit("G3"),
        )


def test_nobody_grants_their_own_rank(world):
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=world.community_staff,
            username="peer",
            password=GOOD_PASSWORD,
            role=Role.COMMUNITY_STAFF,
            org_unit=world.community,
        )
    assert exc.value.message_dict["role"] == [str(ERR_ROLE_RANK)]


def test_role_level_must_match_the_unit(world):
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=world.street_officer,
            username="misplaced",
            password=GOOD_PASSWORD,
            role=Role.GRID_WORKER,
            org_unit=world.community,
        )
    assert "org_unit" in exc.value.message_dict


def test_weak_password_and_taken_username_are_reported_together(world):
    with pytest.raises(ValidationError) as exc:
        user_create(
            actor=world.community_staff,
            username="grid_worker",
            password="123",
            role=Role.GRID_WORKER,
            org_unit=world.grid_a,
        )
    assert exc.value.message_dict["username"] == [str(ERR_USERNAME_TAKEN)]
    assert exc.value.message_dict["password"]


def test_grid_worker_cannot_manage_users(world):
    assert not user_can_be_managed_by(world.grid_worker, world.neighbour_worker)
    with pytest.raises(PermissionDenied):
        role_assignment_grant(
            actor=world.grid_worker,
            user=world.neighbour_worker,
            role=Role.GRID_WORKER,
            org_unit=world.grid_a,
        )


def test_community_staff_deactivates_their_grid_worker(world):
    user = user_set_active(actor=world.community_staff, user=world.grid_worker, active=False)
    assert not user.is_active
    with pytest.raises(PermissionDenied):
        user_set_active(actor=world.community_staff, user=world.outsider, active=False)


def test_api_token_is_stored_as_digest_and_authenticates(world):
    token, raw = api_token_create(actor=None, user=world.grid_worker, name="phone")
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert api_token_authenticate(raw) == world.grid_worker
    assert api_token_authenticate(raw + "x") is None
