import pytest

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.accounts.services import api_token_create
from shoumen.places.models import OrgUnit
from tests.api.conftest import ApiClient


@pytest.fixture
def api(world):
    def _api(user) -> ApiClient:
        _token, raw = api_token_create(actor=None, user=user)
        return ApiClient(raw)

    return _api


@pytest.fixture
def c3_doctor(world):
    """A family doctor of community C3 (the other street): health role, other communities."""
    user = User.objects.create(username="c3_doctor", display_name="C3 医生")
    RoleAssignment.objects.create(
        user=user, role=Role.FAMILY_DOCTOR, org_unit=OrgUnit.objects.get(code="C3")
    )
    return user


@pytest.fixture
def public_health(world):
    """Public health staff of C1, on nobody's team yet."""
    user = User.objects.create(username="ph_staff", display_name="公卫小周")
    RoleAssignment.objects.create(
        user=user, role=Role.PUBLIC_HEALTH_STAFF, org_unit=world.community
    )
    return user
