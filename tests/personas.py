"""A small world built once per test session: a district with two streets, communities,
grids, a few households and persons, and one user per persona.

Tests reach it through the ``world`` fixture, which reloads objects from the database so
that each test gets fresh instances.
"""

import datetime
from functools import cached_property

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.household_services import building_create, household_create
from shoumen.registry.models import Building, DocumentType, Household, Person, Relation
from shoumen.registry.services import person_register

PASSWORD = "persona-pass-2026"

# Real-format resident ID numbers with valid check digits (area 110105, Beijing Chaoyang).
ID_SHAN = "110105198503070019"  # 单明, male, 1985-03-07
ID_ZENG = "110105195001010020"  # 曾丽, female, 1950-01-01
ID_NEIGHBOUR = "110105199002020018"  # 王刚, male, in the neighbouring grid
ID_OUTSIDER = "110105197707070032"  # 李强, male, in the other street
PHONE_SHAN = "13812345678"

PERSONAS = {
    # username: (role, org unit code)
    "admin_user": (Role.SYSTEM_ADMIN, "D1"),
    "district_officer": (Role.DISTRICT_OFFICER, "D1"),
    "street_officer": (Role.STREET_OFFICER, "S1"),
    "community_staff": (Role.COMMUNITY_STAFF, "C1"),
    "grid_worker": (Role.GRID_WORKER, "G1"),
    "neighbour_worker": (Role.GRID_WORKER, "G2"),
    "volunteer": (Role.CHECKPOINT_VOLUNTEER, "C1"),
    "outsider": (Role.STREET_OFFICER, "S2"),
    # Schools: the first school's people, and the district's education bureau and CDC.
    "teacher": (Role.CLASS_TEACHER, "K1"),
    "other_teacher": (Role.CLASS_TEACHER, "K2"),
    "school_doctor": (Role.SCHOOL_HEALTH_OFFICER, "SCH1"),
    "principal": (Role.PRINCIPAL, "SCH1"),
    "education_officer": (Role.EDUCATION_OFFICER, "D1"),
    "cdc_officer": (Role.CDC_OFFICER, "D1"),
    # the health centre serving C1 and C2: a family doctor and a nurse of the team of grid
    # G1, and the centre's manager
    "family_doctor": (Role.FAMILY_DOCTOR, "C1"),
    "centre_nurse": (Role.CENTRE_NURSE, "C1"),
    "centre_manager": (Role.CENTRE_MANAGER, "C1"),
}

# School personas, apart: the resident registry's matrices leave them out of its grids.
SCHOOL_PERSONAS = {
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}

# The health centre's people: the resident registry's matrices leave them out as well.
HEALTH_PERSONAS = {"family_doctor", "centre_nurse", "centre_manager"}

# class code: (school code, name, grade, boarding, pupils as (name, sex, birth date))
CLASSES = {
    "K1": (
        "SCH1",
        "一年级1班",
        1,
        False,
        [
            ("张小明", "M", datetime.date(2019, 3, 1)),
            ("李小红", "F", datetime.date(2019, 5, 12)),
            ("王小刚", "M", datetime.date(2019, 8, 30)),
        ],
    ),
    "K2": ("SCH1", "一年级2班", 1, False, [("赵小丽", "F", datetime.date(2019, 2, 2))]),
    "K3": ("SCH2", "初一1班", 7, True, [("陈小军", "M", datetime.date(2013, 9, 9))]),
}


def build_world() -> None:
    def add(parent, code, name, level):
        fields = {"code": code, "name": name, "level": level}
        if parent is None:
            return OrgUnit.objects.add_root(create_kwargs=fields)
        return OrgUnit.objects.add_child(parent, create_kwargs=fields)

    district = add(None, "D1", "朝阳区", Level.DISTRICT)
    s1 = add(district, "S1", "建国门街道", Level.STREET)
    s2 = add(district, "S2", "和平街道", Level.STREET)
    c1 = add(s1, "C1", "光华社区", Level.COMMUNITY)
    c2 = add(s1, "C2", "永安社区", Level.COMMUNITY)
    c3 = add(s2, "C3", "和平里社区", Level.COMMUNITY)
    add(c1, "G1", "光华第一网格", Level.GRID)
    add(c1, "G2", "光华第二网格", Level.GRID)
    add(c2, "G3", "永安第一网格", Level.GRID)
    add(c3, "G4", "和平里第一网格", Level.GRID)
    _build_schools(add, s1, s2)

    users = {}
    for username, (role, code) in PERSONAS.items():
        user = User(username=username, display_name=username)
        user.set_password(PASSWORD)
        user.save()
        RoleAssignment.objects.create(user=user, role=role, org_unit=OrgUnit.objects.get(code=code))
        users[username] = user
    admin = users["admin_user"]
    _build_health_centre(s1, users)

    def grid(code):
        return OrgUnit.objects.get(code=code)

    b1 = building_create(actor=admin, grid=grid("G1"), name="5号楼", units=3)
    h1 = household_create(actor=admin, grid=grid("G1"), building=b1, unit="2", door_number="301")
    person_register(
        actor=admin,
        household=h1,
        name="单明",
        document_type=DocumentType.RESIDENT_ID,
        id_number=ID_SHAN,
        phone=PHONE_SHAN,
        relation_to_head=Relation.HEAD,
    )
    person_register(
        actor=admin,
        household=h1,
        name="曾丽",
        document_type=DocumentType.RESIDENT_ID,
        id_number=ID_ZENG,
        relation_to_head=Relation.PARENT,
        tags=["chronic"],
    )
    person_register(
        actor=admin,
        household=h1,
        name="单小宝",
        sex="M",
        birth_date=datetime.date(2022, 6, 1),
        document_type=DocumentType.NONE,
        relation_to_head=Relation.CHILD,
    )
    b2 = building_create(actor=admin, grid=grid("G2"), name="7号楼", units=2)
    h2 = household_create(actor=admin, grid=grid("G2"), building=b2, unit="1", door_number="101")
    person_register(
        actor=admin,
        household=h2,
        name="王刚",
        document_type=DocumentType.RESIDENT_ID,
        id_number=ID_NEIGHBOUR,
        relation_to_head=Relation.HEAD,
    )
    h4 = household_create(actor=admin, grid=grid("G4"), address="和平里北街12号")
    person_register(
        actor=admin,
        household=h4,
        name="李强",
        document_type=DocumentType.RESIDENT_ID,
        id_number=ID_OUTSIDER,
        relation_to_head=Relation.HEAD,
    )


def _build_health_centre(s1, users) -> None:
    """光华社区卫生服务中心 in street S1 serves C1 and C2: team 光华一队 (the doctor and
    nurse personas) serves grid G1, team 光华二队 (nobody's persona) serves G2; a basic and
    a personalised package."""
    from shoumen.healthcentre.models import HealthCentre, Package, PackageKind, Team, TeamMember

    centre = HealthCentre.objects.create(
        name="建国门社区卫生服务中心", street=s1, phone="010-65120000"
    )
    centre.communities.set(OrgUnit.objects.filter(code__in=["C1", "C2"]))
    team_a = Team.objects.create(
        centre=centre, name="光华一队", signup_token="team-a-token", phone="010-65120001"
    )
    team_a.grids.set([OrgUnit.objects.get(code="G1")])
    team_b = Team.objects.create(
        centre=centre, name="光华二队", signup_token="team-b-token", phone="010-65120002"
    )
    team_b.grids.set([OrgUnit.objects.get(code="G2")])
    TeamMember.objects.create(team=team_a, user=users["family_doctor"], role="doctor")
    TeamMember.objects.create(team=team_a, user=users["centre_nurse"], role="nurse")
    Package.objects.create(centre=centre, code="basic", name="基础服务包", kind=PackageKind.BASIC)
    Package.objects.create(
        centre=centre,
        code="elderly",
        name="老年人个性化服务包",
        kind=PackageKind.PERSONALISED,
        fee=120,
    )


def _build_schools(add, s1, s2) -> None:
    from shoumen.schools.diseases import diseases_ensure
    from shoumen.schools.models import Pupil, School, SchoolClass, SchoolKind

    # Seeded by a migration, so gone after a transactional test's flush.
    diseases_ensure()

    schools = {
        "SCH1": School.objects.create(
            unit=add(s1, "SCH1", "建国门第一小学", Level.SCHOOL), kind=SchoolKind.PRIMARY
        ),
        "SCH2": School.objects.create(
            unit=add(s2, "SCH2", "和平中学", Level.SCHOOL), kind=SchoolKind.MIDDLE, boarding=True
        ),
    }
    for code, (school_code, name, grade, boarding, pupils) in CLASSES.items():
        school = schools[school_code]
        klass = SchoolClass.objects.create(
            unit=add(school.unit, code, name, Level.CLASS),
            school=school,
            grade=grade,
            boarding=boarding,
        )
        for pupil_name, sex, birth_date in pupils:
            Pupil.objects.create(
                school=school,
                klass=klass,
                name=pupil_name,
                sex=sex,
                birth_date=birth_date,
                boarding=boarding,
            )


class World:
    """Fresh instances of the persona world for one test."""

    password = PASSWORD

    def unit(self, code: str) -> OrgUnit:
        return OrgUnit.objects.get(code=code)

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def person(self, name: str) -> Person:
        return Person.objects.select_related("household", "grid").get(name=name)

    @cached_property
    def grid_a(self) -> OrgUnit:
        return self.unit("G1")

    @cached_property
    def grid_b(self) -> OrgUnit:
        return self.unit("G2")

    @cached_property
    def community(self) -> OrgUnit:
        return self.unit("C1")

    @cached_property
    def street(self) -> OrgUnit:
        return self.unit("S1")

    @cached_property
    def other_street(self) -> OrgUnit:
        return self.unit("S2")

    @cached_property
    def shan(self) -> Person:
        return self.person("单明")

    @cached_property
    def zeng(self) -> Person:
        return self.person("曾丽")

    @cached_property
    def neighbour(self) -> Person:
        return self.person("王刚")

    @cached_property
    def outsider_person(self) -> Person:
        return self.person("李强")

    @cached_property
    def household_a(self) -> Household:
        return self.shan.household

    @cached_property
    def building_a(self) -> Building:
        return Building.objects.get(name="5号楼")

    @cached_property
    def school(self):
        from shoumen.schools.models import School

        return School.objects.select_related("unit").get(unit__code="SCH1")

    @cached_property
    def other_school(self):
        from shoumen.schools.models import School

        return School.objects.select_related("unit").get(unit__code="SCH2")

    def school_class(self, code: str):
        from shoumen.schools.models import SchoolClass

        return SchoolClass.objects.select_related("unit", "school__unit").get(unit__code=code)

    @cached_property
    def class_a(self):
        return self.school_class("K1")

    @cached_property
    def class_b(self):
        return self.school_class("K2")

    def pupil(self, name: str):
        from shoumen.schools.models import Pupil

        return Pupil.objects.select_related("klass__unit", "school__unit").get(name=name)

    @cached_property
    def health_centre(self):
        from shoumen.healthcentre.models import HealthCentre

        return HealthCentre.objects.get(name="建国门社区卫生服务中心")

    @cached_property
    def team_a(self):
        from shoumen.healthcentre.models import Team

        return Team.objects.select_related("centre").get(name="光华一队")

    @cached_property
    def team_b(self):
        from shoumen.healthcentre.models import Team

        return Team.objects.select_related("centre").get(name="光华二队")

    def __getattr__(self, name: str) -> User:
        if name in PERSONAS:
            return self.user(name)
        raise AttributeError(name)
