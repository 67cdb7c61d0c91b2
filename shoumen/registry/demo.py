"""The demo district: a realistic, deterministic jurisdiction with buildings, households and
residents, plus one login per role.

Everything random comes from one ``random.Random(seed)``: the same seed and reference day
give the same names, ID numbers, phones and dates. The load is idempotent: when the district
with code ``DEMO_DISTRICT_CODE`` exists, nothing is generated again (see ``demo_load``).

Persons are written in bulk (``bulk_create``, or ``COPY`` on PostgreSQL) in exactly the form
the registry services store: encrypted ID and phone, blind indexes, last 4 characters and
the pinyin search text.
"""

import datetime
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Alert, AlertStatus, Notification, Outcome
from shoumen.alerts.rules import Hit, current_rules, report_hits
from shoumen.alerts.services import TITLE_NEW
from shoumen.audit.services import audit_event_record
from shoumen.lib import crypto
from shoumen.lib.bulk import copy_rows, next_ids
from shoumen.lib.dates import today
from shoumen.lib.ids import id_check_digit
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.lib.pinyin import search_text
from shoumen.observation.models import (
    SYMPTOMS,
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Reason,
    Slot,
    Source,
)
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import (
    ID_CONTEXT,
    PHONE_CONTEXT,
    Building,
    DocumentType,
    Household,
    Person,
    Relation,
    Sex,
    Status,
    birth_date_cutoff,
    id_last4_index,
)
from shoumen.registry.services import document_index

DEMO_DISTRICT_CODE = "DEMO"
DEMO_DISTRICT_NAME = "海淀区（演示）"
DEFAULT_SEED = 2020

# 北京市海淀区 is the home area of most residents; the rest were born elsewhere.
HOME_AREA = "110108"
OTHER_AREAS = [
    "130102", "130602", "140105", "210102", "220102", "230102", "320102", "340102",
    "350102", "360102", "370102", "370202", "410102", "410105", "420102", "430102",
    "510104", "610102",
]  # fmt: skip

# Mobile prefixes valid for region CN (checked by phonenumbers in the tests).
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
    "191", "198", "199",
]  # fmt: skip

# Roughly in order of frequency; 单 曾 解 仇 查 区 乐 盖 are read differently as surnames.
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严武戴莫孔向汤单解仇查区乐盖"
)
SURNAME_WEIGHTS = [1 / (rank + 4) for rank in range(len(SURNAMES))]
MALE_CHARS = list(
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁龙林阳建国志文东海峰晨博轩然睿泽宏毅天成新立德庆春"
)
FEMALE_CHARS = list(
    "芳娜敏静丽艳娟霞秀玲桂英燕红婷雪琳洁梅莉兰萍倩颖慧佳欣怡雨萱涵诗梦晓月琪淑珍凤玉美嘉思彤悦"
)

STREET_NAMES = [
    "学院路街道", "中关村街道", "海淀街道", "万寿路街道", "八里庄街道",
    "紫竹院街道", "北太平庄街道", "花园路街道", "清河街道", "甘家口街道",
    "羊坊店街道", "曙光街道",
]  # fmt: skip
_STEMS = (
    "光明和平幸福建设团结春晖东升向阳新华文化安宁友谊红星民主胜利前进长青桃园柳荫枫林翠微锦绣"
    "金台银河玉泉紫荆丁香海棠明光北苑南湖西园东湖"
)
COMMUNITY_STEMS = [_STEMS[i : i + 2] for i in range(0, len(_STEMS), 2)]
COMMUNITY_SUFFIXES = ["", "东里", "西里", "南里", "北里", "新村"]
CHINESE_NUMERALS = "一二三四五六七八九十"

BATCH_PERSONS = 20_000


@dataclass(frozen=True)
class DemoSize:
    streets: int
    communities_per_street: int
    grids_per_community: int
    persons: int


SIZES = {
    "small": DemoSize(streets=2, communities_per_street=3, grids_per_community=7, persons=420),
    "medium": DemoSize(streets=2, communities_per_street=4, grids_per_community=8, persons=20_000),
    "large": DemoSize(
        streets=10, communities_per_street=10, grids_per_community=10, persons=1_000_000
    ),
}


# ---------------------------------------------------------------- the plan (pure data)


@dataclass
class PersonPlan:
    name: str
    sex: str
    birth_date: datetime.date
    id_number: str
    phone: str  # E.164 or ""
    relation: str
    chronic: bool = False
    pregnant: bool = False
    disabled: bool = False
    lives_alone: bool = False


@dataclass
class HouseholdPlan:
    unit: str
    door_number: str
    members: list[PersonPlan]  # the head first


@dataclass
class BuildingPlan:
    name: str
    units: int
    households: list[HouseholdPlan] = field(default_factory=list)


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    level: str
    parent_code: str | None


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals: 1 一, 10 十, 12 十二, 20 二十, 35 三十五."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return CHINESE_NUMERALS[ones - 1]
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


def street_code(i: int) -> str:
    return f"{DEMO_DISTRICT_CODE}-S{i}"


def community_code(i: int, j: int) -> str:
    return f"{street_code(i)}-C{j}"


def grid_code(i: int, j: int, k: int) -> str:
    return f"{community_code(i, j)}-G{k}"


def org_units_plan(size: DemoSize) -> list[UnitPlan]:
    """The jurisdiction tree in creation order (parents before children)."""
    units = [UnitPlan(DEMO_DISTRICT_CODE, DEMO_DISTRICT_NAME, Level.DISTRICT, None)]
    n = 0
    for i in range(1, size.streets + 1):
        units.append(UnitPlan(street_code(i), _street_name(i), Level.STREET, DEMO_DISTRICT_CODE))
        for j in range(1, size.communities_per_street + 1):
            stem = COMMUNITY_STEMS[n % len(COMMUNITY_STEMS)]
            suffix = COMMUNITY_SUFFIXES[(n // len(COMMUNITY_STEMS)) % len(COMMUNITY_SUFFIXES)]
            n += 1
            units.append(
                UnitPlan(
                    community_code(i, j), f"{stem}{suffix}社区", Level.COMMUNITY, street_code(i)
                )
            )
            for k in range(1, size.grids_per_community + 1):
                units.append(
                    UnitPlan(
                        grid_code(i, j, k),
                        f"{stem}{suffix}第{chinese_number(k)}网格",
                        Level.GRID,
                        community_code(i, j),
                    )
                )
    return units


def _street_name(i: int) -> str:
    name = STREET_NAMES[(i - 1) % len(STREET_NAMES)]
    rounds = (i - 1) // len(STREET_NAMES)
    return name if rounds == 0 else name.replace("街道", f"{chinese_number(rounds + 1)}街道")


class DemoGenerator:
    """Draws buildings, households and persons from one seeded RNG, grid after grid."""

    def __init__(self, *, seed: int, day: datetime.date):
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.day = day
        self._used_ids: set[str] = set()

    # -- people

    def _given_name(self, sex: str) -> str:
        chars = MALE_CHARS if sex == Sex.MALE else FEMALE_CHARS
        if self.rng.random() < 0.35:
            return self.rng.choice(chars)
        return self.rng.choice(chars) + self.rng.choice(chars)

    def _surname(self) -> str:
        return self.rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]

    def _birth_date(self, age: int) -> datetime.date:
        """A birth date of someone exactly ``age`` years old on the reference day."""
        latest = birth_date_cutoff(self.day, age)
        earliest = birth_date_cutoff(self.day, age + 1) + datetime.timedelta(days=1)
        return earliest + datetime.timedelta(days=self.rng.randrange((latest - earliest).days + 1))

    def _id_number(self, sex: str, birth: datetime.date) -> str:
        area = HOME_AREA if self.rng.random() < 0.8 else self.rng.choice(OTHER_AREAS)
        while True:
            station = self.rng.randrange(100)
            parity = self.rng.randrange(5) * 2 + (1 if sex == Sex.MALE else 0)
            first17 = f"{area}{birth:%Y%m%d}{station:02d}{parity}"
            if first17 not in self._used_ids:
                self._used_ids.add(first17)
                return first17 + id_check_digit(first17)

    def _phone(self, age: int) -> str:
        if age < 14 or (age < 18 and self.rng.random() < 0.5):
            return ""
        if age >= 75 and self.rng.random() < 0.4:
            return ""
        return f"+86{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10**8):08d}"

    def _name(self, surname: str, sex: str) -> str:
        return surname + self._given_name(sex)

    def person(self, *, surname: str, sex: str, age: int, relation: str) -> PersonPlan:
        age = max(0, min(age, 100))
        name = self._name(surname, sex)
        birth = self._birth_date(age)
        rng = self.rng
        chronic_rate = 0.35 if age >= 60 else 0.12 if age >= 40 else 0.02
        return PersonPlan(
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=self._id_number(sex, birth),
            phone=self._phone(age),
            relation=relation,
            chronic=rng.random() < chronic_rate,
            pregnant=sex == Sex.FEMALE and 20 <= age <= 45 and rng.random() < 0.04,
            disabled=rng.random() < (0.05 if age >= 60 else 0.015),
        )

    def _other_sex(self, sex: str) -> str:
        return Sex.FEMALE if sex == Sex.MALE else Sex.MALE

    def _random_sex(self) -> str:
        return self.rng.choice([Sex.MALE, Sex.FEMALE])

    def household_members(self, size: int) -> list[PersonPlan]:
        """A plausible family of ``size`` (1..5) with the head first."""
        rng = self.rng
        head_sex = Sex.MALE if rng.random() < 0.65 else Sex.FEMALE
        surname = self._surname()

        if size == 1:
            band = rng.random()
            age = (
                rng.randint(20, 39)
                if band < 0.4
                else rng.randint(40, 59)
                if band < 0.6
                else rng.randint(60, 92)
            )
            head = self.person(surname=surname, sex=head_sex, age=age, relation=Relation.HEAD)
            head.lives_alone = age >= 60
            return [head]

        kind = rng.random()
        if size == 5 and kind < 0.4:
            # Three generations under an elderly head: head, spouse, child, child's spouse,
            # grandchild.
            age = rng.randint(58, 80)
            members = self._couple(surname, head_sex, age)
            child_sex = self._random_sex()
            child_age = max(age - rng.randint(24, 32), 22)
            child_surname = surname if head_sex == Sex.MALE else self._surname()
            child = self.person(
                surname=child_surname, sex=child_sex, age=child_age, relation=Relation.CHILD
            )
            in_law_surname = self._surname()
            in_law = self.person(
                surname=in_law_surname,
                sex=self._other_sex(child_sex),
                age=child_age + rng.randint(-3, 3),
                relation=Relation.OTHER,
            )
            father_surname = child_surname if child_sex == Sex.MALE else in_law_surname
            grandchild_age = max(0, child_age - rng.randint(24, 34))
            members += [
                child,
                in_law,
                self.person(
                    surname=father_surname,
                    sex=self._random_sex(),
                    age=grandchild_age,
                    relation=Relation.GRANDCHILD,
                ),
            ]
            return members

        if size == 2 and kind < 0.25:
            # A single parent with a child.
            age = rng.randint(30, 55)
            members = [self.person(surname=surname, sex=head_sex, age=age, relation=Relation.HEAD)]
            members.append(self._child(surname, age))
            return members

        if size == 2:
            age = rng.choice([rng.randint(24, 45), rng.randint(46, 88)])
            return self._couple(surname, head_sex, age)

        # A couple with children, and grandparents for the larger households.
        age = rng.randint(27, 55)
        members = self._couple(surname, head_sex, age)
        father_surname = surname if head_sex == Sex.MALE else members[1].name[0]
        parents = 0 if size == 3 else (1 if size == 4 and kind < 0.35 else 0)
        if size == 5:
            parents = 2 if kind < 0.75 else 1
        for _ in range(size - 2 - parents):
            members.append(self._child(father_surname, age))
        parent_sexes = [Sex.MALE, Sex.FEMALE] if parents == 2 else [self._random_sex()]
        for sex in parent_sexes[:parents]:
            members.append(
                self.person(
                    surname=surname if sex == Sex.MALE else self._surname(),
                    sex=sex,
                    age=age + rng.randint(24, 34),
                    relation=Relation.PARENT,
                )
            )
        return members

    def _couple(self, surname: str, head_sex: str, age: int) -> list[PersonPlan]:
        head = self.person(surname=surname, sex=head_sex, age=age, relation=Relation.HEAD)
        spouse_age = age + (
            self.rng.randint(-5, 2) if head_sex == Sex.MALE else self.rng.randint(-2, 5)
        )
        spouse = self.person(
            surname=self._surname(),
            sex=self._other_sex(head_sex),
            age=max(spouse_age, 20),
            relation=Relation.SPOUSE,
        )
        return [head, spouse]

    def _child(self, surname: str, parent_age: int) -> PersonPlan:
        age = max(0, parent_age - self.rng.randint(22, 36))
        return self.person(
            surname=surname, sex=self._random_sex(), age=age, relation=Relation.CHILD
        )

    def household_size(self) -> int:
        return self.rng.choices([1, 2, 3, 4, 5], weights=[18, 30, 28, 15, 9])[0]

    # -- buildings

    def grid_buildings(self, quota: int) -> list[BuildingPlan]:
        """Buildings of one grid, filled door by door until ``quota`` persons live there."""
        rng = self.rng
        buildings: list[BuildingPlan] = []
        placed = 0
        number = 0
        while placed < quota:
            number += rng.randint(1, 2)
            units = rng.choices([1, 2, 3, 4, 5, 6], weights=[10, 25, 30, 20, 10, 5])[0]
            floors = rng.choice([5, 6, 6, 6, 7, 11, 12, 16, 18])
            doors = rng.choice([2, 2, 3, 4])
            building = BuildingPlan(name=f"{number}号楼", units=units)
            buildings.append(building)
            for unit in range(1, units + 1):
                for floor in range(1, floors + 1):
                    for door in range(1, doors + 1):
                        if placed >= quota:
                            return buildings
                        if rng.random() < 0.1:  # empty or not yet visited
                            continue
                        size = min(self.household_size(), quota - placed)
                        members = self.household_members(size)[:size]
                        building.households.append(
                            HouseholdPlan(
                                unit=str(unit), door_number=f"{floor}{door:02d}", members=members
                            )
                        )
                        placed += len(members)
        return buildings

    def grids(self, size: DemoSize) -> Iterator[tuple[str, list[BuildingPlan]]]:
        """(grid code, buildings) for every grid, persons spread evenly over the grids."""
        codes = [u.code for u in org_units_plan(size) if u.level == Level.GRID]
        base, extra = divmod(size.persons, len(codes))
        for index, code in enumerate(codes):
            yield code, self.grid_buildings(base + (1 if index < extra else 0))


# ---------------------------------------------------------------- writing


def _now() -> datetime.datetime:
    return timezone.now()


class _Writer:
    """Collects generated grids and writes them in batches in the registry's stored form."""

    def __init__(self):
        self.pending: list[tuple[OrgUnit, list[BuildingPlan]]] = []
        self.pending_persons = 0
        self.counts = {"buildings": 0, "households": 0, "persons": 0}

    def add(self, grid: OrgUnit, buildings: list[BuildingPlan]) -> None:
        self.pending.append((grid, buildings))
        self.pending_persons += sum(len(h.members) for b in buildings for h in b.households)

    def flush(self) -> None:
        if self.pending:
            self._write()
        self.pending, self.pending_persons = [], 0

    def finish(self, district: OrgUnit) -> None:
        """Anything left to do once every batch is written."""

    def person_fields(
        self, plan: PersonPlan, *, household_id, grid_id, now: datetime.datetime
    ) -> dict:
        """A person's column values exactly as ``person_register`` stores them."""
        document_type = DocumentType.RESIDENT_ID.value
        number, phone = plan.id_number, plan.phone
        return {
            "name": plan.name,
            "sex": plan.sex,
            "birth_date": plan.birth_date,
            "document_type": document_type,
            "id_number_encrypted": crypto.encrypt(number, context=ID_CONTEXT),
            "id_number_index": document_index(document_type, number),
            "id_number_last4_index": id_last4_index(number),
            "phone_encrypted": crypto.encrypt(phone, context=PHONE_CONTEXT) if phone else None,
            "phone_index": crypto.blind_index(phone, context=PHONE_CONTEXT) if phone else None,
            "phone_last4": phone[-4:],
            "household_id": household_id,
            "grid_id": grid_id,
            "relation_to_head": plan.relation,
            "status": Status.RESIDENT.value,
            "status_changed_on": None,
            "merged_into_id": None,
            "has_chronic_disease": plan.chronic,
            "is_pregnant": plan.pregnant,
            "is_disabled": plan.disabled,
            "lives_alone": plan.lives_alone,
            "notes": "",
            "search_text": search_text(plan.name),
            "created_at": now,
            "updated_at": now,
        }

    def _write(self) -> None:
        raise NotImplementedError


class _OrmWriter(_Writer):
    """``bulk_create`` in batches: any database; heads are set in one update at the end."""

    def _write(self) -> None:
        now = _now()
        building_rows = [(grid, plan) for grid, plans in self.pending for plan in plans]
        buildings = Building.objects.bulk_create(
            [Building(grid=grid, name=plan.name, units=plan.units) for grid, plan in building_rows],
            batch_size=1000,
        )
        household_rows = [
            (grid, building, plan)
            for (grid, building_plan), building in zip(building_rows, buildings, strict=True)
            for plan in building_plan.households
        ]
        households = Household.objects.bulk_create(
            [
                Household(
                    grid=grid, building=building, unit=plan.unit, door_number=plan.door_number
                )
                for grid, building, plan in household_rows
            ],
            batch_size=1000,
        )
        persons = [
            Person(
                **self.person_fields(member, household_id=household.pk, grid_id=grid.pk, now=now)
            )
            for (grid, _, plan), household in zip(household_rows, households, strict=True)
            for member in plan.members
        ]
        Person.objects.bulk_create(persons, batch_size=1000)
        self.counts["buildings"] += len(buildings)
        self.counts["households"] += len(households)
        self.counts["persons"] += len(persons)

    def finish(self, district: OrgUnit) -> None:
        heads = Person.objects.filter(
            household=OuterRef("pk"), relation_to_head=Relation.HEAD
        ).values("pk")[:1]
        Household.objects.filter(grid__path__startswith=district.path).update(head=Subquery(heads))


class _CopyWriter(_Writer):
    """PostgreSQL: ids drawn from the sequences up front, rows streamed with ``COPY``.

    Foreign keys are deferred to the end of the transaction, so households are written with
    their head before the persons exist.
    """

    def _ids(self, model, n: int) -> list[int]:
        return next_ids(model, n)

    def _copy(self, model, rows: list[dict]) -> None:
        attnames = [f.attname for f in model._meta.concrete_fields]
        copy_rows(model, attnames, ([row[a] for a in attnames] for row in rows))

    def _write(self) -> None:
        now = _now()
        building_rows = [(grid, plan) for grid, plans in self.pending for plan in plans]
        building_ids = self._ids(Building, len(building_rows))
        buildings = [
            {
                "id": building_id,
                "grid_id": grid.pk,
                "name": plan.name,
                "units": plan.units,
                "created_at": now,
            }
            for (grid, plan), building_id in zip(building_rows, building_ids, strict=True)
        ]
        household_rows = [
            (grid, building_id, plan)
            for (grid, building_plan), building_id in zip(building_rows, building_ids, strict=True)
            for plan in building_plan.households
        ]
        household_ids = self._ids(Household, len(household_rows))
        person_ids = iter(self._ids(Person, sum(len(p.members) for _, _, p in household_rows)))
        households, persons = [], []
        for (grid, building_id, plan), household_id in zip(
            household_rows, household_ids, strict=True
        ):
            head_id = None
            for member in plan.members:
                person = self.person_fields(
                    member, household_id=household_id, grid_id=grid.pk, now=now
                )
                person["id"] = next(person_ids)
                if member.relation == Relation.HEAD:
                    head_id = person["id"]
                persons.append(person)
            households.append(
                {
                    "id": household_id,
                    "grid_id": grid.pk,
                    "building_id": building_id,
                    "address": "",
                    "unit": plan.unit,
                    "door_number": plan.door_number,
                    "head_id": head_id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        self._copy(Building, buildings)
        self._copy(Household, households)
        self._copy(Person, persons)
        self.counts["buildings"] += len(buildings)
        self.counts["households"] += len(households)
        self.counts["persons"] += len(persons)


# ---------------------------------------------------------------- key persons and reports

OBSERVED_SHARE = 0.02
REPORT_DAYS = 30
RISK_AREAS = ["广州市白云区", "上海市浦东新区", "成都市武侯区", "西安市雁塔区", "石家庄市藁城区"]
DEMO_KINDS = [
    (Kind.HOME_ISOLATION, 25),
    (Kind.CENTRAL_ISOLATION, 5),
    (Kind.HOME_MONITORING, 40),
    (Kind.ROUTINE_MONITORING, 30),
]
DEMO_REASONS = [
    (Reason.RISK_AREA, 45),
    (Reason.CLOSE_CONTACT, 20),
    (Reason.SECONDARY_CONTACT, 15),
    (Reason.FEVER_CLINIC, 12),
    (Reason.OTHER, 8),
]
# Finished observations mostly complete; a few end otherwise.
DEMO_ENDINGS = [
    (ObservationStatus.COMPLETED, 90),
    (ObservationStatus.HOSPITALISED, 3),
    (ObservationStatus.LOST, 2),
    (ObservationStatus.CANCELLED, 5),
]
FEVER_EPISODE_SHARE = 0.08
SLOT_HOURS = {Slot.MORNING: 8, Slot.AFTERNOON: 14}


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _at(day: datetime.date, hour: int, minutes: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))) + (
        datetime.timedelta(minutes=minutes)
    )


class DemoObservations:
    """About 2% of the residents under observation, started over the last 30 days, with
    their morning and afternoon reports, and the alerts the rules raise on recent fevers.

    Written in bulk in the form the services store (``observation_start``,
    ``health_reports_ingest``, ``alert_raise``); the demo's one audit event counts them."""

    def __init__(self, district: OrgUnit, *, seed: int, day: datetime.date):
        self.district = district
        self.rng = random.Random(seed * 7919 + 1)  # noqa: S311 (demo data, not secrets)
        self.day = day
        # Another reference day (a reproducible build) is seen from that day's evening.
        self.now = timezone.now() if day == today() else _at(day, 18, 0)
        self.rules = current_rules()

    def _observation(self, person_id: int, grid_id: int, responsible_id) -> Observation:
        rng, day = self.rng, self.day
        kind, reason = _pick(rng, DEMO_KINDS), _pick(rng, DEMO_REASONS)
        period = int(settings.OBSERVATION_PERIOD_DAYS[kind])
        starts = day - datetime.timedelta(days=rng.randrange(REPORT_DAYS))
        ends = starts + datetime.timedelta(days=period - 1)
        obs = Observation(
            person_id=person_id,
            grid_id=grid_id,
            kind=kind,
            reason=reason,
            starts_on=starts,
            period_days=period,
            ends_on=ends,
            responsible_id=responsible_id,
            status=ObservationStatus.ACTIVE,
            status_changed_at=_at(starts, 9, rng.randrange(480)),
        )
        if reason == Reason.RISK_AREA:
            obs.risk_area, obs.arrival_date = rng.choice(RISK_AREAS), starts
        elif reason in (Reason.CLOSE_CONTACT, Reason.SECONDARY_CONTACT):
            obs.last_exposure_date = starts
        if ends < day:
            obs.status = _pick(rng, DEMO_ENDINGS)
            last = (
                ends
                if obs.status == ObservationStatus.COMPLETED
                else starts + (datetime.timedelta(days=rng.randrange(period)))
            )
            obs.status_changed_at = _at(last + datetime.timedelta(days=1), 0, 30)
        return obs

    def _reports(self, obs: Observation, last_day: datetime.date) -> Iterator[dict]:
        rng = self.rng
        first = max(obs.starts_on, self.day - datetime.timedelta(days=REPORT_DAYS - 1))
        days = (last_day - first).days + 1
        fever_day = None
        if days > 0 and rng.random() < FEVER_EPISODE_SHARE:
            # A third of the episodes are recent, so that the boards have open alerts.
            back = rng.randrange(min(days, 2)) if rng.random() < 0.35 else rng.randrange(days)
            fever_day = last_day - datetime.timedelta(days=back)
        cough = rng.random() < 0.4
        for offset in range(max(days, 0)):
            d = first + datetime.timedelta(days=offset)
            for slot, hour in SLOT_HOURS.items():
                at = _at(d, hour, rng.randrange(150))
                if at > self.now or rng.random() < 0.06:
                    continue  # not yet, or missed
                feverish = fever_day is not None and 0 <= (d - fever_day).days <= 1
                worker = rng.random() < 0.35
                yield {
                    "person_id": obs.person_id,
                    "grid_id": obs.grid_id,
                    "observation_id": obs.pk,
                    "date": d,
                    "slot": slot,
                    "temperature": Decimal(
                        f"{rng.uniform(37.4, 39.0) if feverish else rng.uniform(36.0, 37.1):.1f}"
                    ),
                    "cough": feverish and cough,
                    "source": Source.WORKER_PHONE if worker else Source.SELF,
                    "reached": True if worker else None,
                    "client_uuid": uuid.UUID(int=self.rng.getrandbits(128), version=4),
                    "recorded_by_id": obs.responsible_id if worker else None,
                    "recorded_at": at,
                }

    def _last_report_day(self, obs: Observation) -> datetime.date:
        if obs.status == ObservationStatus.ACTIVE:
            return self.day
        assert obs.status_changed_at is not None
        return timezone.localdate(obs.status_changed_at) - datetime.timedelta(days=1)

    def load(self) -> dict[str, int]:
        persons = list(
            Person.objects.filter(grid__path__startswith=self.district.path, status=Status.RESIDENT)
            .order_by("pk")
            .values_list("pk", "grid_id")
        )
        chosen = sorted(self.rng.sample(persons, max(1, round(len(persons) * OBSERVED_SHARE))))
        workers: dict[int, int] = {}
        for user_id, grid_id in RoleAssignment.objects.filter(
            role=Role.GRID_WORKER, org_unit__path__startswith=self.district.path
        ).values_list("user_id", "org_unit_id"):
            workers.setdefault(grid_id, user_id)
        observations = Observation.objects.bulk_create(
            [self._observation(p, g, workers.get(g)) for p, g in chosen], batch_size=1000
        )
        reports = [
            row for obs in observations for row in self._reports(obs, self._last_report_day(obs))
        ]
        ensure_day_partitions(HealthReport, {r["date"] for r in reports})
        _write_reports(reports)
        alerts = self._alerts(observations, reports)
        return {
            "observations": len(observations),
            "health_reports": len(reports),
            "alerts": alerts,
        }

    def _alerts(self, observations: list[Observation], reports: list[dict]) -> int:
        """The alerts the rules raise on the fevers of active observations: one per person
        and cause. Those of the last two days are open (a third acknowledged), older ones
        resolved."""
        active = {o.pk: o for o in observations if o.status == ObservationStatus.ACTIVE}
        hits: dict[tuple[int, str], tuple[HealthReport, Hit]] = {}
        for row in reports:
            if row["observation_id"] not in active:
                continue
            report = HealthReport(**row)
            for hit in report_hits(report, self.rules):
                key = (report.person_id, hit.cause)
                seen = hits.get(key)
                hits[key] = (seen[0] if seen else report, hit)
        names = dict(Person.objects.filter(pk__in={p for p, _ in hits}).values_list("pk", "name"))
        recent = self.now - datetime.timedelta(days=2)
        alerts, notes = [], []
        for (person_id, cause), (first, hit) in hits.items():
            obs = active[first.observation_id or 0]
            opened = first.recorded_at
            alert = Alert(
                person_id=person_id,
                grid_id=obs.grid_id,
                observation_id=obs.pk,
                cause=cause,
                owner_id=obs.responsible_id,
                opened_at=opened,
                due_at=opened + datetime.timedelta(minutes=self.rules.due_minutes(cause)),
                last_seen_at=opened,
                details=hit.details,
            )
            if opened < recent:
                alert.status = AlertStatus.RESOLVED
                alert.acknowledged_at = opened + datetime.timedelta(minutes=40)
                alert.resolved_at = opened + datetime.timedelta(hours=3)
                alert.acknowledged_by_id = alert.resolved_by_id = obs.responsible_id
                alert.outcome = self.rng.choice([Outcome.RECOVERED, Outcome.FALSE_READING])
            elif self.rng.random() < 0.3 and obs.responsible_id:
                alert.status = AlertStatus.ACKNOWLEDGED
                alert.acknowledged_at = opened + datetime.timedelta(minutes=40)
                alert.acknowledged_by_id = obs.responsible_id
            alerts.append(alert)
        Alert.objects.bulk_create(alerts, batch_size=1000)
        for alert in alerts:
            if alert.owner_id is not None:
                title = TITLE_NEW % {
                    "cause": alert.get_cause_display(),
                    "name": names.get(alert.person_id or 0, ""),
                    "due": timezone.localtime(alert.due_at).strftime("%H:%M"),
                }
                notes.append(Notification(recipient_id=alert.owner_id, alert=alert, title=title))
        Notification.objects.bulk_create(notes, batch_size=1000)
        return len(alerts)


REPORT_COLUMNS = [
    "person_id", "grid_id", "observation_id", "date", "slot", "temperature", "fever", "cough",
    "sore_throat", "fatigue", "diarrhoea", "loss_of_smell_taste", "short_of_breath",
    "other_symptoms", "source", "reached", "client_uuid", "recorded_by_id", "recorded_at",
]  # fmt: skip
REPORT_DEFAULTS = dict.fromkeys(SYMPTOMS, False) | {"other_symptoms": ""}


def _write_reports(rows: list[dict]) -> None:
    if connection.vendor != "postgresql":
        HealthReport.objects.bulk_create(
            [HealthReport(**{**REPORT_DEFAULTS, **row}) for row in rows], batch_size=1000
        )
        return

    def values():
        for row in rows:
            merged = {**REPORT_DEFAULTS, **row}
            yield [merged[c] for c in REPORT_COLUMNS]

    copy_rows(HealthReport, REPORT_COLUMNS, values())


# ---------------------------------------------------------------- the load


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


@dataclass
class DemoResult:
    district: OrgUnit
    generated: bool  # False when the demo district was already there
    counts: dict[str, int]
    logins: list[DemoLogin]


ProgressCallback = Callable[[int, int], None]


def demo_district() -> OrgUnit | None:
    return OrgUnit.objects.filter(code=DEMO_DISTRICT_CODE).first()


def demo_counts(district: OrgUnit) -> dict[str, int]:
    under = {"grid__path__startswith": district.path}
    units = OrgUnit.objects.filter(path__startswith=district.path)
    return {
        "streets": units.filter(level=Level.STREET).count(),
        "communities": units.filter(level=Level.COMMUNITY).count(),
        "grids": units.filter(level=Level.GRID).count(),
        "buildings": Building.objects.filter(**under).count(),
        "households": Household.objects.filter(**under).count(),
        "persons": Person.objects.filter(**under).count(),
        "observations": Observation.objects.filter(**under).count(),
        "health_reports": HealthReport.objects.filter(**under).count(),
        "alerts": Alert.objects.filter(**under).count(),
    }


def _create_org_units(size: DemoSize) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for plan in org_units_plan(size):
        fields = {"code": plan.code, "name": plan.name, "level": plan.level}
        if plan.parent_code is None:
            units[plan.code] = OrgUnit.objects.add_root(create_kwargs=fields)
        else:
            parent = units[plan.parent_code]
            units[plan.code] = OrgUnit.objects.add_child(parent, create_kwargs=fields)
    return units


def _generate(
    size: DemoSize, *, seed: int, day: datetime.date, on_progress: ProgressCallback | None
) -> tuple[OrgUnit, dict[str, int]]:
    units = _create_org_units(size)
    district = units[DEMO_DISTRICT_CODE]
    writer = _CopyWriter() if connection.vendor == "postgresql" else _OrmWriter()
    for code, buildings in DemoGenerator(seed=seed, day=day).grids(size):
        writer.add(units[code], buildings)
        if writer.pending_persons >= BATCH_PERSONS:
            writer.flush()
            if on_progress:
                on_progress(writer.counts["persons"], size.persons)
    writer.flush()
    writer.finish(district)
    if on_progress:
        on_progress(writer.counts["persons"], size.persons)
    levels = [u.level for u in units.values()]
    counts = {
        "streets": levels.count(Level.STREET),
        "communities": levels.count(Level.COMMUNITY),
        "grids": levels.count(Level.GRID),
        **writer.counts,
    }
    return district, counts


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


def demo_load(
    *,
    size: str = "medium",
    seed: int = DEFAULT_SEED,
    password: str,
    day: datetime.date | None = None,
    on_progress: ProgressCallback | None = None,
) -> DemoResult:
    """Build the demo district and its logins, or reuse them when they exist.

    Idempotent: when the district with code ``DEMO_DISTRICT_CODE`` exists, no unit, building,
    household or person is generated again (whatever ``size`` and ``seed`` say); only missing
    demo logins are added. One audit event ``demo.load`` records what was created.
    """
    spec = SIZES[size]
    with transaction.atomic():
        district = demo_district()
        generated = district is None
        if district is None:
            district, counts = _generate(
                spec, seed=seed, day=day or today(), on_progress=on_progress
            )
        else:
            counts = demo_counts(district)
        logins = demo_users_ensure(password)
        if generated:
            counts |= DemoObservations(district, seed=seed, day=day or today()).load()
        new_users = [login.username for login in logins if login.created]
        if generated or new_users:
            audit_event_record(
                actor=None,
                actor_label="demo",
                action="demo.load",
                target=district,
                org_path=district.path,
                changes={
                    "size": size if generated else None,
                    "seed": seed if generated else None,
                    "created": counts if generated else {},
                    "users": new_users,
                },
            )
    if generated and connection.vendor == "postgresql":
        # Fresh statistics, so that the planner knows the new rows from the first query, and
        # (outside a transaction) a visibility map, so that index-only scans work at once.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"{command} places_orgunit, registry_building, registry_household, registry_person"
            )
    return DemoResult(district=district, generated=generated, counts=counts, logins=logins)
