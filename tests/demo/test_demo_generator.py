import datetime
from collections import Counter

from shoumen.demo.generator import DemoGenerator
from shoumen.demo.plan import SIZES, SURNAMES, chinese_number, org_units_plan
from shoumen.lib.dates import age_on
from shoumen.places.models import Level
from shoumen.registry.models import Relation, Sex

DAY = datetime.date(2026, 6, 1)


def _people(seed: int, size: str = "small"):
    return [
        (code, building.name, household.unit, household.door_number, member)
        for code, buildings in DemoGenerator(seed=seed, day=DAY).grids(SIZES[size])
        for building in buildings
        for household in building.households
        for member in household.members
    ]


def _households(n: int = 3000, seed: int = 1):
    generator = DemoGenerator(seed=seed, day=DAY)
    return [generator.household_members(generator.household_size()) for _ in range(n)]


def test_same_seed_generates_the_same_residents():
    first, second = _people(seed=7), _people(seed=7)
    assert first == second
    assert [p[4].id_number for p in first] == [p[4].id_number for p in second]


def test_another_seed_generates_other_residents():
    names = [p[4].name for p in _people(seed=7)]
    assert names != [p[4].name for p in _people(seed=8)]


def test_small_plan_has_the_districts_shape_and_exact_person_count():
    units = Counter(u.level for u in org_units_plan(SIZES["small"]))
    assert units[Level.DISTRICT] == 1
    assert units[Level.STREET] >= 2
    assert units[Level.COMMUNITY] >= 6
    assert units[Level.GRID] >= 40
    assert len(_people(seed=7)) == SIZES["small"].persons


def test_sizes_meet_the_minimums():
    assert 100 <= SIZES["small"].persons <= 1000
    assert SIZES["medium"].persons >= 20_000
    assert SIZES["large"].persons == 1_000_000
    for size in SIZES.values():
        assert size.streets * size.communities_per_street * size.grids_per_community >= 40


def test_unit_codes_are_unique():
    codes = [u.code for u in org_units_plan(SIZES["large"])]
    assert len(codes) == len(set(codes))


def test_households_have_one_to_five_members_with_the_head_first():
    for members in _households():
        assert 1 <= len(members) <= 5
        assert members[0].relation == Relation.HEAD
        assert [m.relation for m in members].count(Relation.HEAD) == 1


def test_doors_are_floor_and_door_like_301():
    doors = {p[3] for p in _people(seed=7)}
    assert "101" in doors
    assert all(d.isdigit() and len(d) in (3, 4) and int(d[-2:]) >= 1 for d in doors)


def test_ages_span_children_working_age_and_elderly():
    ages = [age_on(m.birth_date, DAY) for members in _households() for m in members]
    share = Counter("child" if a < 14 else "elderly" if a >= 60 else "working" for a in ages)
    total = len(ages)
    assert 0.08 < share["child"] / total < 0.30
    assert 0.45 < share["working"] / total < 0.80
    assert 0.10 < share["elderly"] / total < 0.35


def test_birth_dates_give_a_plausible_age_to_everyone():
    for members in _households():
        for m in members:
            assert 0 <= age_on(m.birth_date, DAY) <= 100


def test_only_women_of_childbearing_age_are_pregnant():
    pregnant = [m for members in _households() for m in members if m.pregnant]
    assert pregnant
    assert all(m.sex == Sex.FEMALE and 20 <= age_on(m.birth_date, DAY) <= 45 for m in pregnant)


def test_living_alone_marks_single_elderly_households_only():
    households = _households()
    alone = [members for members in households if any(m.lives_alone for m in members)]
    assert alone
    for members in alone:
        assert len(members) == 1
        assert age_on(members[0].birth_date, DAY) >= 60


def test_chronic_and_disabled_flags_appear():
    members = [m for household in _households() for m in household]
    assert any(m.chronic for m in members)
    assert any(m.disabled for m in members)


def test_names_start_with_a_common_surname():
    names = [m.name for members in _households(n=1000) for m in members]
    assert all(name[0] in SURNAMES and 2 <= len(name) <= 3 for name in names)


def test_surnames_include_heteronyms():
    generator = DemoGenerator(seed=1, day=DAY)
    assert {"单", "曾", "解", "仇"} <= {generator._surname() for _ in range(20_000)}


def test_id_numbers_carry_sex_parity_and_birth_date():
    for members in _households(n=500):
        for m in members:
            assert m.id_number[6:14] == m.birth_date.strftime("%Y%m%d")
            assert (int(m.id_number[16]) % 2 == 1) == (m.sex == Sex.MALE)


def test_young_children_have_no_phone():
    for members in _households(n=500):
        for m in members:
            if age_on(m.birth_date, DAY) < 14:
                assert m.phone == ""


def test_chinese_number():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 35)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "三十五",
    ]
