"""The demo logins: one per role, each with a person's name."""

from dataclasses import dataclass

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.demo.plan import DEMO_DISTRICT_CODE, community_code, grid_code, street_code
from shoumen.places.models import OrgUnit


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    unit_code: str
    display_name: str


DEMO_USERS = [
    DemoUser("admin", Role.SYSTEM_ADMIN, DEMO_DISTRICT_CODE, "演示管理员"),
    DemoUser("district1", Role.DISTRICT_OFFICER, DEMO_DISTRICT_CODE, "区级干部"),
    DemoUser("street1", Role.STREET_OFFICER, street_code(1), "街道干部一"),
    DemoUser("street2", Role.STREET_OFFICER, street_code(2), "街道干部二"),
    DemoUser("community1", Role.COMMUNITY_STAFF, community_code(1, 1), "社区工作人员"),
    DemoUser("grid1", Role.GRID_WORKER, grid_code(1, 1, 1), "网格员一"),
    DemoUser("grid2", Role.GRID_WORKER, grid_code(1, 1, 2), "网格员二"),
    DemoUser("volunteer1", Role.CHECKPOINT_VOLUNTEER, community_code(1, 1), "卡点志愿者"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    unit: OrgUnit
    created: bool


def demo_users_ensure(password: str) -> list[DemoLogin]:
    """Create the demo logins that do not exist yet. An existing account with a demo
    username is left exactly as it is: its password and roles are not touched."""
    codes = {u.unit_code for u in DEMO_USERS}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    existing = set(
        User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
            "username", flat=True
        )
    )
    hashed = None
    logins = []
    for spec in DEMO_USERS:
        unit = units[spec.unit_code]
        created = spec.username not in existing
        if created:
            if hashed is None:
                hashed = User(username=spec.username)
                hashed.set_password(password)
            is_admin = spec.role == Role.SYSTEM_ADMIN
            user = User.objects.create(
                username=spec.username,
                display_name=spec.display_name,
                password=hashed.password,
                is_staff=is_admin,
                is_superuser=is_admin,
            )
            RoleAssignment.objects.create(user=user, role=spec.role, org_unit=unit)
        logins.append(DemoLogin(spec.username, spec.role, unit, created))
    return logins
