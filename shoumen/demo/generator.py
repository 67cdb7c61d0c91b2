"""Drawing buildings, households and persons from one seeded RNG, grid after grid.

Everything random comes from one ``random.Random(seed)``: the same seed and reference day
give the same names, ID numbers, phones and dates."""

import datetime
import random
from collections.abc import Iterator

from shoumen.demo.plan import (
    FEMALE_CHARS,
    GRID_SPREAD,
    HOME_AREA,
    MALE_CHARS,
    MOBILE_PREFIXES,
    OTHER_AREAS,
    SURNAME_WEIGHTS,
    SURNAMES,
    BuildingPlan,
    DemoSize,
    HouseholdPlan,
    PersonPlan,
    org_units_plan,
)
from shoumen.lib.ids import id_check_digit
from shoumen.places.models import Level
from shoumen.registry.models import Relation, Sex, birth_date_cutoff


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

    def grid_quotas(self, grids: int, persons: int) -> list[int]:
        """Residents per grid: drawn between GRID_SPREAD's bounds (as a district of
        1,000,000 has them), scaled to ``persons`` in all, exactly."""
        low, high, mode = GRID_SPREAD
        weights = [self.rng.triangular(low, high, mode) for _ in range(grids)]
        shares = [w * persons / sum(weights) for w in weights]
        quotas = [int(share) for share in shares]
        # The residents left by rounding down go to the largest remainders.
        by_remainder = sorted(range(grids), key=lambda i: quotas[i] - shares[i])
        for index in by_remainder[: persons - sum(quotas)]:
            quotas[index] += 1
        return quotas

    def grids(self, size: DemoSize) -> Iterator[tuple[str, list[BuildingPlan]]]:
        """(grid code, buildings) for every grid; grids differ in size, as real ones do."""
        codes = [u.code for u in org_units_plan(size) if u.level == Level.GRID]
        for code, quota in zip(codes, self.grid_quotas(len(codes), size.persons), strict=True):
            yield code, self.grid_buildings(quota)
