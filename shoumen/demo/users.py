"""The demo logins: one per role, each with a person's name."""

from dataclasses import dataclass

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.demo.plan import DEMO_DISTRICT_CODE, community_code, grid_code, street_code
from shoumen.demo.schools import first_class_code, first_school_code
from shoumen.places.models import OrgUnit


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    unit_code: str
    display_name: str


# Each login carries a person's name, as a real account would: pages greet and sign with it.
DEMO_USERS = [
    DemoUser("admin", Role.SYSTEM_ADMIN, DEMO_DISTRICT_CODE, "陈志强"),
    DemoUser("district1", Role.DISTRICT_OFFICER, DEMO_DISTRICT_CODE, "刘建华"),
    DemoUser("street1", Role.STREET_OFFICER, street_code(1), "张敏"),
    DemoUser("street2", Role.STREET_OFFICER, street_code(2), "杨国庆"),
    DemoUser("community1", Role.COMMUNITY_STAFF, community_code(1, 1), "李秀英"),
    DemoUser("grid1", Role.GRID_WORKER, grid_code(1, 1, 1), "王芳"),
    DemoUser("grid2", Role.GRID_WORKER, grid_code(1, 1, 2), "周磊"),
    DemoUser("volunteer1", Role.CHECKPOINT_VOLUNTEER, community_code(1, 1), "孙浩"),
    DemoUser("teacher1", Role.CLASS_TEACHER, first_class_code(), "王丽华"),
    DemoUser("schooldoc1", Role.SCHOOL_HEALTH_OFFICER, first_school_code(), "赵淑芬"),
    DemoUser("principal1", Role.PRINCIPAL, first_school_code(), "孙国栋"),
    DemoUser("edu1", Role.EDUCATION_OFFICER, DEMO_DISTRICT_CODE, "钱文博"),
    DemoUser("cdc1", Role.CDC_OFFICER, DEMO_DISTRICT_CODE, "郑卫东"),
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
        unit = units.get(spec.unit_code)
        if unit is None:
            continue  # a demo district built before its schools were
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
