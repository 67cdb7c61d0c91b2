"""The demo's schools: primary and middle schools (one boarding) spread over the demo streets,
their classes (一年级1班 …, 初一1班 …), pupils of the right age for their grade with one or two
guardians, the term that covers the last four weeks, and the school staff: a class teacher
for every class, a health officer and a principal for every school.

Pupils and guardians are written in bulk in the form ``pupil_create`` and ``guardian_set``
store them: encrypted ID number with the registry's blind index (so that a pupil is found
among residents) and the last 4 characters' index; encrypted guardian phones with their last
4. The four weeks of checks, absences and daily reports are ``school_checks``'."""

import datetime
import importlib
import importlib.util
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Alert
from shoumen.demo.generator import DemoGenerator
from shoumen.demo.plan import DEMO_DISTRICT_CODE, chinese_number, street_code
from shoumen.demo.rows import rows_create
from shoumen.demo.school_checks import DemoSchoolChecks
from shoumen.lib import crypto
from shoumen.lib.dates import today
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import DocumentType, Sex
from shoumen.registry.services import document_index
from shoumen.schools.models import (
    GUARDIAN_PHONE_CONTEXT,
    PUPIL_ID_CONTEXT,
    PUPIL_ID_LAST4_CONTEXT,
    Absence,
    ClassCheck,
    DailyReport,
    Guardian,
    Pupil,
    School,
    SchoolClass,
    SchoolKind,
    Term,
)

OUTBREAKS_MODULE = "shoumen.schools.outbreaks"


@dataclass(frozen=True)
class SchoolsSize:
    schools: int
    classes_per_school: int
    pupils_per_class: int  # on average: each class has a few more or fewer


SCHOOL_SIZES = {
    "small": SchoolsSize(schools=4, classes_per_school=6, pupils_per_class=30),
    "medium": SchoolsSize(schools=12, classes_per_school=30, pupils_per_class=45),
    "large": SchoolsSize(schools=12, classes_per_school=30, pupils_per_class=45),
}

# name, kind, boarding. The first school (primary) has the varicella cluster, the second
# (middle) the influenza-like one; the fourth is the boarding school, so that every size
# has all three.
DEMO_SCHOOLS: list[tuple[str, str, bool]] = [
    ("中关村第一小学", SchoolKind.PRIMARY, False),
    ("育英中学", SchoolKind.MIDDLE, False),
    ("海淀实验小学", SchoolKind.PRIMARY, False),
    ("玉泉寄宿制中学", SchoolKind.MIDDLE, True),
    ("学院路小学", SchoolKind.PRIMARY, False),
    ("万寿路小学", SchoolKind.PRIMARY, False),
    ("北太平庄中学", SchoolKind.MIDDLE, False),
    ("紫竹院小学", SchoolKind.PRIMARY, False),
    ("八里庄小学", SchoolKind.PRIMARY, False),
    ("甘家口中学", SchoolKind.MIDDLE, False),
    ("花园路小学", SchoolKind.PRIMARY, False),
    ("清河第二小学", SchoolKind.PRIMARY, False),
]
VARICELLA_SCHOOL, ILI_SCHOOL, BOARDING_SCHOOL = 1, 2, 4

# Grades: primary 1-6, middle 7-9 (初一 … 初三).
GRADES = {SchoolKind.PRIMARY: range(1, 7), SchoolKind.MIDDLE: range(7, 10)}
RELATIONS = [("母亲", Sex.FEMALE), ("父亲", Sex.MALE)]
GRANDPARENTS = [("祖母", Sex.FEMALE), ("外婆", Sex.FEMALE), ("祖父", Sex.MALE)]


def school_code(street: int, n: int) -> str:
    return f"{street_code(street)}-SCH{n}"


def class_code(school: str, m: int) -> str:
    return f"{school}-K{m}"


def class_name(grade: int, number: int) -> str:
    if grade <= 6:
        return f"{chinese_number(grade)}年级{number}班"
    return f"初{chinese_number(grade - 6)}{number}班"


def school_street(n: int, streets: int) -> int:
    return (n - 1) % streets + 1


def first_class_code(streets: int = 1) -> str:
    """teacher1's class: the first class of the first school."""
    return class_code(school_code(school_street(1, streets), 1), 1)


def first_school_code() -> str:
    return school_code(1, 1)


def class_plan(kind: str, classes: int) -> list[tuple[int, str]]:
    """(grade, name) of a school's classes: as many per grade as fit evenly."""
    grades = list(GRADES[SchoolKind(kind)])
    per_grade = max(1, classes // len(grades))
    plan = [(g, class_name(g, c)) for g in grades for c in range(1, per_grade + 1)]
    return plan[:classes]


def term_for(day: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """The term ``day`` falls in (autumn: 1 September to mid January; spring: mid February to
    early July), stretched so that it covers the four weeks before ``day`` and the week after."""
    if day.month >= 8 or day.month == 1:
        first_year = day.year if day.month >= 8 else day.year - 1
        name = f"{first_year}—{first_year + 1}学年第一学期"
        start, end = datetime.date(first_year, 9, 1), datetime.date(first_year + 1, 1, 16)
    else:
        first_year = day.year - 1
        name = f"{first_year}—{first_year + 1}学年第二学期"
        start, end = datetime.date(day.year, 2, 16), datetime.date(day.year, 7, 10)
    start = min(start, day - datetime.timedelta(days=35))
    end = max(end, day + datetime.timedelta(days=7))
    return name, start, end


def school_year_start(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _add_unit(parent: OrgUnit, code: str, name: str, level: str) -> OrgUnit:
    return OrgUnit.objects.add_child(
        parent, create_kwargs={"code": code, "name": name, "level": level}
    )


def demo_school_units(size: str) -> list[School]:
    """The schools and their classes as org units under the demo streets (before the logins
    are made: teacher1 and the school logins hang on them)."""
    spec = SCHOOL_SIZES[size]
    streets = {
        u.code: u
        for u in OrgUnit.objects.filter(
            level=Level.STREET, code__startswith=f"{DEMO_DISTRICT_CODE}-S"
        )
    }
    schools = []
    for n, (name, kind, boarding) in enumerate(DEMO_SCHOOLS[: spec.schools], start=1):
        street = school_street(n, len(streets))
        code = school_code(street, n)
        unit = _add_unit(streets[street_code(street)], code, name, Level.SCHOOL)
        school = School.objects.create(
            unit=unit, kind=kind, boarding=boarding, address=f"{unit.name}校区"
        )
        schools.append(school)
        for m, (grade, cname) in enumerate(class_plan(kind, spec.classes_per_school), start=1):
            cunit = _add_unit(unit, class_code(code, m), cname, Level.CLASS)
            SchoolClass.objects.create(unit=cunit, school=school, grade=grade, boarding=boarding)
    return schools


class DemoSchools:
    """Pupils, guardians, terms and staff of the demo schools, then their four weeks."""

    def __init__(self, district: OrgUnit, *, size: str, seed: int, day: datetime.date):
        self.district = district
        self.spec = SCHOOL_SIZES[size]
        self.day = day
        self.gen = DemoGenerator(seed=seed * 104_729 + 3, day=day)
        self.rng = self.gen.rng
        self.now = (
            timezone.now()
            if day == today()
            else timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))
        )

    def schools(self) -> list[School]:
        return list(
            School.objects.filter(unit__path__startswith=self.district.path)
            .select_related("unit")
            .order_by("pk")  # in the order of DEMO_SCHOOLS
        )

    def load(self) -> dict[str, int]:
        schools = self.schools()
        name, start, end = term_for(self.day)
        Term.objects.bulk_create(
            [Term(school=s, name=name, starts_on=start, ends_on=end) for s in schools]
        )
        pupils = self._pupils(schools)
        self._guardians(pupils)
        staff = self._staff(schools)
        DemoSchoolChecks(
            schools, pupils=pupils, rng=self.rng, day=self.day, now=self.now, staff=staff
        ).load()
        self._evaluate(schools)
        return demo_school_counts(self.district)

    # -- pupils and guardians

    def _pupil_birth(self, grade: int) -> datetime.date:
        """Born in the year a pupil of ``grade`` was six on 31 August before starting school."""
        cohort = school_year_start(self.day) - 5 - grade  # turned six by 31 August of cohort+6
        first = datetime.date(cohort - 1, 9, 1)
        return first + datetime.timedelta(days=self.rng.randrange(365))

    def _pupils(self, schools: list[School]) -> list[Pupil]:
        gen, rng = self.gen, self.rng
        classes = SchoolClass.objects.filter(school__in=schools).order_by("unit__path")
        rows = []
        n = self.spec.pupils_per_class
        for klass in classes:
            for _ in range(n + rng.randint(-3, 3)):
                sex = Sex.MALE if rng.random() < 0.52 else Sex.FEMALE
                birth = self._pupil_birth(klass.grade)
                name = gen._surname() + gen._given_name(sex)
                pupil = Pupil(
                    school_id=klass.school_id,
                    klass=klass,
                    name=name,
                    sex=sex,
                    birth_date=birth,
                    boarding=klass.boarding and rng.random() < 0.9,
                )
                if rng.random() < 0.95:
                    number = gen._id_number(sex, birth)
                    pupil.id_number_encrypted = crypto.encrypt(number, context=PUPIL_ID_CONTEXT)
                    pupil.id_number_index = document_index(DocumentType.RESIDENT_ID, number)
                    pupil.id_number_last4_index = crypto.blind_index(
                        number[-4:], context=PUPIL_ID_LAST4_CONTEXT
                    )
                rows.append(pupil)
        rows_create(Pupil, rows)
        return rows

    def _guardians(self, pupils: list[Pupil]) -> None:
        gen, rng = self.gen, self.rng
        rows = []
        for pupil in pupils:
            surname = pupil.name[0]
            first, second = RELATIONS if rng.random() < 0.7 else RELATIONS[::-1]
            chosen = [first] if rng.random() < 0.35 else [first, second]
            if rng.random() < 0.1:
                chosen.append(rng.choice(GRANDPARENTS))
            for relation, sex in chosen:
                own = surname if relation in ("父亲", "祖父", "祖母") else gen._surname()
                phone = gen._phone(40)
                rows.append(
                    Guardian(
                        pupil=pupil,
                        name=own + gen._given_name(sex),
                        relation=relation,
                        phone_encrypted=crypto.encrypt(phone, context=GUARDIAN_PHONE_CONTEXT),
                        phone_last4=phone[-4:],
                    )
                )
        rows_create(Guardian, rows)

    # -- staff

    def _staff(self, schools: list[School]) -> dict[int, int]:
        """org unit id -> the user id of its class teacher, health officer (school unit) or
        principal (key: -school unit id). Units with a demo login keep it; the others get an
        account with a person's name that cannot log in until an administrator sets its
        password."""
        units = list(
            OrgUnit.objects.filter(
                level__in=[Level.SCHOOL, Level.CLASS], path__startswith=self.district.path
            ).order_by("path")
        )
        wanted = {Level.CLASS: Role.CLASS_TEACHER, Level.SCHOOL: Role.SCHOOL_HEALTH_OFFICER}
        found: dict[int, int] = {}
        for user_id, unit_id, role in RoleAssignment.objects.filter(
            org_unit__in=units,
            role__in=[Role.CLASS_TEACHER, Role.SCHOOL_HEALTH_OFFICER, Role.PRINCIPAL],
        ).values_list("user_id", "org_unit_id", "role"):
            key = -unit_id if role == Role.PRINCIPAL else unit_id
            found.setdefault(key, user_id)
        school_no = {s.unit_id: i for i, s in enumerate(schools, start=1)}
        by_path = {u.path: u for u in units}
        plans: list[tuple[int, str, str, OrgUnit]] = []
        class_no: dict[int, int] = {}
        for unit in units:
            if unit.level == Level.SCHOOL:
                n = school_no[unit.pk]
                plans.append((unit.pk, f"schooldoc{n}", wanted[Level.SCHOOL], unit))
                plans.append((-unit.pk, f"principal{n}", Role.PRINCIPAL, unit))
            else:
                parent = by_path[unit.path[: -OrgUnit.steplen]]
                class_no[parent.pk] = class_no.get(parent.pk, 0) + 1
                n = school_no[parent.pk]
                plans.append(
                    (unit.pk, f"teacher{n}-{class_no[parent.pk]}", Role.CLASS_TEACHER, unit)
                )
        missing = [p for p in plans if p[0] not in found]
        taken = set(
            User.objects.filter(username__in=[p[1] for p in missing]).values_list(
                "username", flat=True
            )
        )
        missing = [p for p in missing if p[1] not in taken]
        users = []
        for _, username, _, _ in missing:
            sex = self.rng.choice([Sex.MALE, Sex.FEMALE])
            user = User(
                username=username, display_name=self.gen._surname() + self.gen._given_name(sex)
            )
            user.set_unusable_password()
            users.append(user)
        users = User.objects.bulk_create(users, batch_size=1000)
        if connection.vendor != "postgresql" and any(u.pk is None for u in users):
            ids = dict(
                User.objects.filter(username__in=[u.username for u in users]).values_list(
                    "username", "pk"
                )
            )
            for u in users:
                u.pk = ids[u.username]
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, org_unit=unit)
                for user, (_, _, role, unit) in zip(users, missing, strict=True)
            ],
            batch_size=1000,
        )
        for user, (key, _, _, _) in zip(users, missing, strict=True):
            found[key] = user.pk
        return found

    # -- the rules

    def _evaluate(self, schools: list[School]) -> dict[str, int]:
        """Run the school rules once over the four weeks' data, as the schedule would have,
        so that the clusters end in open alerts."""
        if importlib.util.find_spec(OUTBREAKS_MODULE) is None:
            return {}
        outbreaks = importlib.import_module(OUTBREAKS_MODULE)
        outbreaks.school_rules_evaluate(school_ids=[s.pk for s in schools], now=self.now)
        return {}


def demo_school_counts(district: OrgUnit) -> dict[str, int]:
    under = {"school__unit__path__startswith": district.path}
    alerts = Alert.objects.filter(grid__path__startswith=district.path)
    return {
        "schools": School.objects.filter(unit__path__startswith=district.path).count(),
        "classes": SchoolClass.objects.filter(**under).count(),
        "pupils": Pupil.objects.filter(**under).count(),
        "guardians": Guardian.objects.filter(
            pupil__school__unit__path__startswith=district.path
        ).count(),
        "class_checks": ClassCheck.objects.filter(**under).count(),
        "absences": Absence.objects.filter(**under).count(),
        "daily_reports": DailyReport.objects.filter(**under).count(),
        "alerts": alerts.count(),
        "school_alerts": alerts.filter(cause__startswith="school_").count(),
    }
