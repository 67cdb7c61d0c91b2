"""The checker catches each broken hard rule on a roster made by hand."""

import datetime

import pytest

from shoumen.duty.checker import violations
from shoumen.duty.rostering import MEDICAL, PARTY, Fixed, PersonSpec, Requirements, Rules
from tests.duty.helpers import START, TWELVE, post, problem

DAY = datetime.timedelta(days=1)


def day_only(pid: int, **kw):
    p = post(pid, **kw)
    p.headcount = {("*", "D"): 1}
    return p


def full_roster(prob, person_of=lambda i: 1 + i % 2):
    """Post 1, day shift, every day, alternating two people."""
    return [prob.assignment(1, START + DAY * i, "D", person_of(i)) for i in range(prob.days)]


def test_checker_accepts_a_good_roster():
    prob = problem([day_only(1)], [PersonSpec(1, "a"), PersonSpec(2, "b")])
    assert violations(prob, full_roster(prob)) == []


def _rules(found):
    return {line.split(":")[0] for line in found}


def test_checker_counts_short_and_over_coverage():
    prob = problem([day_only(1)], [PersonSpec(1, "a"), PersonSpec(2, "b")])
    roster = full_roster(prob)
    roster.pop(0)
    roster.append(prob.assignment(1, START + DAY * 3, "D", 2 if roster[2].person == 1 else 1))
    assert _rules(violations(prob, roster)) >= {"short", "over"}


def test_checker_finds_a_duplicate():
    prob = problem([day_only(1)], [PersonSpec(1, "a"), PersonSpec(2, "b")])
    roster = full_roster(prob)
    assert "duplicate" in _rules(violations(prob, [*roster, roster[0]]))


def test_checker_finds_overlap():
    prob = problem([day_only(1), day_only(2)], [PersonSpec(i, str(i)) for i in (1, 2, 3)], days=1)
    good = [prob.assignment(1, START, "D", 1), prob.assignment(2, START, "D", 2)]
    assert violations(prob, good) == []
    bad = [prob.assignment(1, START, "D", 1), prob.assignment(2, START, "D", 1)]
    assert _rules(violations(prob, bad)) == {"overlap"}


def test_checker_finds_too_little_rest_after_a_night_crossing_midnight():
    prob = problem([post(1, TWELVE)], [PersonSpec(i, str(i)) for i in range(1, 5)], days=2)
    roster = [
        prob.assignment(1, START, "D", 1),
        prob.assignment(1, START, "N", 2),
        prob.assignment(1, START + DAY, "D", 2),  # night to 08:00, day from 08:00
        prob.assignment(1, START + DAY, "N", 3),
    ]
    assert _rules(violations(prob, roster)) == {"rest"}


def test_checker_finds_too_many_consecutive_days_and_no_day_off():
    prob = problem([day_only(1)], [PersonSpec(1, "a")], days=8)
    roster = full_roster(prob, lambda i: 1)
    found = _rules(violations(prob, roster))
    assert {"consecutive", "day-off"} <= found
    prob.rules = Rules(max_consecutive_days=3)
    prob.days = 4
    assert "consecutive" in _rules(violations(prob, roster[:4]))


def test_checker_finds_weekly_hours_over_the_most():
    prob = problem([day_only(1)], [PersonSpec(1, "a", max_hours_week=16), PersonSpec(2, "b")])
    roster = [prob.assignment(1, START + DAY * i, "D", 1 if i < 3 else 2) for i in range(7)]
    found = violations(prob, roster)
    assert any(line.startswith("weekly-hours: person 1 24") for line in found)


@pytest.mark.parametrize("skill,rule", [(MEDICAL, "medical"), (PARTY, "party")])
def test_checker_finds_a_missing_requirement(skill, rule):
    req = Requirements(needs_medical=skill == MEDICAL, needs_party=skill == PARTY)
    prob = problem(
        [day_only(1, requirements={"D": req})],
        [PersonSpec(1, "a", skills=frozenset({skill})), PersonSpec(2, "b")],
        days=2,
    )
    good = [prob.assignment(1, START, "D", 1), prob.assignment(1, START + DAY, "D", 1)]
    assert violations(prob, good) == []
    bad = [prob.assignment(1, START, "D", 1), prob.assignment(1, START + DAY, "D", 2)]
    assert _rules(violations(prob, bad)) == {rule}


def test_checker_finds_an_elder_alone_at_night():
    night = post(1, requirements={"N": Requirements(no_lone_elder_at_night=True)})
    night.headcount = {("*", "N"): 2}
    prob = problem(
        [night],
        [
            PersonSpec(1, "old", age=72),
            PersonSpec(2, "old2", is_elder=True),
            PersonSpec(3, "young", age=40),
        ],
        days=1,
    )
    assert (
        violations(prob, [prob.assignment(1, START, "N", 1), prob.assignment(1, START, "N", 3)])
        == []
    )
    bad = [prob.assignment(1, START, "N", 1), prob.assignment(1, START, "N", 2)]
    assert _rules(violations(prob, bad)) == {"lone-elder"}


def test_checker_finds_work_on_leave_or_unavailable_days_and_outside_the_team():
    prob = problem(
        [day_only(1, team="east")],
        [
            PersonSpec(1, "a", skills=frozenset({"east"}), leave=frozenset({START})),
            PersonSpec(2, "b", skills=frozenset({"east"}), unavailable=frozenset({START})),
            PersonSpec(3, "c"),
        ],
        days=1,
    )
    found = [violations(prob, [prob.assignment(1, START, "D", i)]) for i in (1, 2, 3)]
    assert [_rules(f) for f in found] == [{"unavailable"}, {"unavailable"}, {"team"}]


def test_checker_finds_a_fixed_shift_missing():
    prob = problem([day_only(1)], [PersonSpec(1, "a"), PersonSpec(2, "b")], days=1)
    prob.fixed = [Fixed(2, 1, START, "D")]
    assert violations(prob, [prob.assignment(1, START, "D", 2)]) == []
    assert _rules(violations(prob, [prob.assignment(1, START, "D", 1)])) == {"fixed"}
