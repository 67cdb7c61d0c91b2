"""The solver's rosters keep every hard rule (checked by the independent checker), are
fair, honour preferences and fixed shifts, and say why when no roster exists."""

import datetime
from collections import Counter
from dataclasses import replace

from django.utils import translation

from shoumen.duty.checker import violations
from shoumen.duty.greedy import first_roster
from shoumen.duty.rostering import MEDICAL, PARTY, Fixed, PersonSpec, Requirements, Rules
from shoumen.duty.solver import replacements, resolve_after_absence, solve
from tests.duty.helpers import START, THREE, TWELVE, people, post, problem

DAY = datetime.timedelta(days=1)


def mixed_problem():
    """Two 3-shift posts with requirements, one 2 × 12 h post, 16 people of all kinds."""
    persons = []
    for i in range(1, 17):
        skills = set()
        if i % 4 == 0:
            skills.add(MEDICAL)
        if i % 3 == 0:
            skills.add(PARTY)
        persons.append(
            PersonSpec(
                i,
                f"w{i}",
                skills=frozenset(skills),
                age=72 if i in (5, 7) else 40,
                max_hours_week=40 if i % 5 == 0 else 48,
                unavailable=frozenset({START + DAY * (i % 7)}),
                leave=frozenset({START + DAY * 3}) if i == 2 else frozenset(),
            )
        )
    night_rule = Requirements(no_lone_elder_at_night=True)
    return problem(
        [
            post(1, requirements={"D": Requirements(needs_medical=True), "N": night_rule}),
            post(2, requirements={"E": Requirements(needs_party=True), "N": night_rule}),
            post(3, TWELVE, requirements={"N": night_rule}),
        ],
        persons,
        days=10,
    )


def test_solver_roster_keeps_every_hard_rule():
    prob = mixed_problem()
    result = solve(prob, time_limit_s=8)
    assert result.solved
    assert violations(prob, result.assignments) == []
    assert len(result.assignments) == 10 * (3 + 3 + 2)


def test_solver_rests_after_a_night_crossing_midnight():
    prob = problem([post(1, TWELVE)], people(5), days=10)
    result = solve(prob, time_limit_s=5)
    assert result.solved and violations(prob, result.assignments) == []
    nights = {(a.person, a.date) for a in result.assignments if a.shift == "N"}
    for a in result.assignments:
        assert not (a.shift == "D" and (a.person, a.date - DAY) in nights)


def test_solver_keeps_max_consecutive_days_and_weekly_hours():
    prob = problem([post(1, THREE[1:2])], people(3, max_hours_week=24), days=14)
    prob.rules = Rules(min_rest_hours=12, max_consecutive_days=2)
    result = solve(prob, time_limit_s=5)
    assert result.solved and violations(prob, result.assignments) == []
    prob.people = people(2, max_hours_week=24)
    assert not solve(prob, time_limit_s=5).solved


def test_solver_shares_nights_fairly_on_a_symmetric_problem():
    prob = problem([post(1)], people(6), days=12)
    result = solve(prob, time_limit_s=8)
    nights = Counter(a.person for a in result.assignments if a.shift == "N")
    counts = [nights.get(i, 0) for i in range(1, 7)]
    assert max(counts) - min(counts) <= 1
    assert result.nights_gap == max(counts) - min(counts)


def test_solver_honours_preferences_when_it_can():
    prob = problem([post(1)], people(9), days=7)
    prob.people[0] = replace(prob.people[0], prefers_no_nights=True)
    prob.people[1] = replace(prob.people[1], prefers_weekends_off=True)
    result = solve(prob, time_limit_s=8)
    assert result.solved and result.preference_violations == 0
    mine = [a for a in result.assignments if a.person in (1, 2)]
    assert not [a for a in mine if a.person == 1 and a.shift == "N"]
    assert not [a for a in mine if a.person == 2 and a.date.weekday() >= 5]


def test_solver_keeps_fixed_shifts():
    prob = problem([post(1)], people(6), days=7)
    prob.fixed = [Fixed(4, 1, START + DAY * 2, "N"), Fixed(6, 1, START + DAY * 5, "D")]
    result = solve(prob, time_limit_s=5)
    keys = {(a.person, a.date, a.shift) for a in result.assignments}
    assert (4, START + DAY * 2, "N") in keys and (6, START + DAY * 5, "D") in keys
    assert violations(prob, result.assignments) == []


def test_solver_explains_a_slot_short_of_people():
    short = post(3)
    short.headcount[("*", "N")] = 2
    persons = people(5, unavailable=frozenset({START + DAY}))
    persons += [PersonSpec(9, "w9")]
    prob = problem([short], persons, days=3)
    with translation.override("en"):
        result = solve(prob, time_limit_s=5)
    assert result.status == "infeasible"
    found = [(s.post, s.date, s.shift, s.missing) for s in result.shortfalls]
    assert found == [(3, START + DAY, "N", 1)]
    assert result.shortfalls[0].reason == "3号卡点 3/3 night short of 1"


def test_solver_explains_a_missing_medical_team_member():
    prob = problem([post(1, requirements={"D": Requirements(needs_medical=True)})], people(6))
    with translation.override("en"):
        result = solve(prob, time_limit_s=5)
    assert result.status == "infeasible"
    assert {s.shift for s in result.shortfalls} == {"D"} and len(result.shortfalls) == 7
    assert "no medical team member" in result.shortfalls[0].reason


def test_solver_explains_where_the_rules_together_leave_a_gap():
    """Each day has someone available, but one person cannot work 8 days running."""
    day_post = post(1, THREE[1:2])
    prob = problem([day_post], people(1), days=8)
    with translation.override("en"):
        result = solve(prob, time_limit_s=5)
    assert result.status == "infeasible"
    assert len(result.shortfalls) == 1 and result.shortfalls[0].missing == 1
    assert result.shortfalls[0].reason.startswith("1号卡点 3/")


def test_solver_reports_progress_and_may_be_stopped():
    events = []
    prob = mixed_problem()
    result = solve(prob, time_limit_s=8, on_progress=lambda e: events.append(e) or False)
    assert events and set(events[0]) == {"objective", "bound", "seconds"}
    assert len(events) == 1 and result.solved
    assert violations(prob, result.assignments) == []


def _on_leave(prob, person, dates):
    return replace(
        prob,
        people=[
            replace(p, leave=frozenset(p.leave | set(dates))) if p.id == person else p
            for p in prob.people
        ],
    )


def test_resolve_after_a_sick_call_changes_only_what_it_must():
    prob = problem([post(1), post(2, TWELVE)], people(14), days=10)
    first = solve(prob, time_limit_s=8)
    sick = first.assignments[len(first.assignments) // 2].person
    dates = [START + DAY * 4, START + DAY * 5, START + DAY * 6]
    vacated = {a.key for a in first.assignments if a.person == sick and a.date in dates}
    assert vacated
    again = resolve_after_absence(prob, first.assignments, sick, dates)
    assert again.solved and again.wall_seconds <= 10
    assert violations(_on_leave(prob, sick, dates), again.assignments) == []
    before, after = {a.key for a in first.assignments}, {a.key for a in again.assignments}
    assert before - after == vacated
    assert {k[:3] for k in after - before} == {k[:3] for k in vacated}
    assert again.changes == len(vacated)


def test_resolve_after_a_sick_call_frees_more_when_it_must_and_keeps_rules():
    prob = mixed_problem()
    first = solve(prob, time_limit_s=8)
    sick = first.assignments[len(first.assignments) // 2].person
    dates = [START + DAY * 4, START + DAY * 5]
    again = resolve_after_absence(prob, first.assignments, sick, dates)
    assert again.solved and again.wall_seconds <= 10
    assert violations(_on_leave(prob, sick, dates), again.assignments) == []
    before, after = {a.key for a in first.assignments}, {a.key for a in again.assignments}
    assert again.changes == len(before - after) < len(before) // 2
    assert not [a for a in again.assignments if a.person == sick and a.date in dates]


def test_replacements_keep_every_rule_and_are_ranked():
    prob = mixed_problem()
    roster = solve(prob, time_limit_s=8).assignments
    gone = next(a for a in roster if a.post == 2 and a.shift == "D" and a.date == START + DAY * 4)
    found = replacements(prob, roster, 2, gone.date, "D", gone.person)
    assert found
    scores = [score for _, score in found]
    assert scores == sorted(scores)
    for pid, _ in found:
        swapped = [a for a in roster if a != gone] + [prob.assignment(2, gone.date, "D", pid)]
        assert violations(prob, swapped) == []
    everyone = {p.id for p in prob.people} - {gone.person}
    for pid in everyone - {pid for pid, _ in found}:
        swapped = [a for a in roster if a != gone] + [prob.assignment(2, gone.date, "D", pid)]
        assert violations(prob, swapped)


def test_shifts_for_two_people_are_filled_from_the_first_roster_on():
    p = problem([post(1, THREE, need=2)], people(12), days=7)
    hint = first_roster(p)
    assert hint and max(Counter((a.date, a.shift) for a in hint).values()) == 2
    result = solve(p, time_limit_s=10)
    assert result.solved and len(result.assignments) == 7 * 3 * 2
    assert violations(p, result.assignments) == []
