"""What someone worked just before a roster's period counts: the rest after their last
shift, the working days in a row and the day off in every 7 hold across rosters, in the
solver, in the independent checker and in the problem read from published rosters."""

import datetime
from dataclasses import replace

import pytest
from django.utils import timezone

from shoumen.duty.checker import violations
from shoumen.duty.models import Assignment, Roster, RosterStatus
from shoumen.duty.problem import problem_for
from shoumen.duty.rostering import Rules
from shoumen.duty.solver import solve
from tests.duty.conftest import MONDAY
from tests.duty.helpers import START, THREE, people, post, problem

DAY = datetime.timedelta(days=1)


def _one_post_problem(**person):
    crew = people(5)
    crew[0] = replace(crew[0], **person)
    return problem([post(1, THREE)], crew, days=7)


def test_checker_flags_a_seventh_day_in_a_row_counting_the_days_before_the_period():
    p = _one_post_problem(worked_before=6)
    day_shift = p.assignment(1, START, "D", 1)
    found = violations(p, [day_shift], coverage=False)
    assert any(v.startswith("consecutive: person 1") for v in found), found


def test_checker_allows_the_first_day_after_five_days_in_a_row():
    p = _one_post_problem(worked_before=5)
    assert violations(p, [p.assignment(1, START, "D", 1)], coverage=False) == []


def test_checker_flags_a_run_longer_than_the_limit_that_began_before_the_period():
    p = _one_post_problem(worked_before=9)
    found = violations(p, [p.assignment(1, START, "D", 1)], coverage=False)
    assert any(v.startswith("consecutive: person 1 works 10 days") for v in found), found


def test_checker_flags_too_little_rest_after_the_last_shift_before_the_period():
    # A night to 08:00 on the first day: the 08:00 day shift leaves no rest.
    p = _one_post_problem(busy_until=datetime.datetime.combine(START, datetime.time(8)))
    found = violations(p, [p.assignment(1, START, "D", 1)], coverage=False)
    assert any(v.startswith("rest: person 1") for v in found), found
    # The 16:00 shift leaves 8 h: still too little; the next day's night (24 h) is fine.
    assert violations(p, [p.assignment(1, START, "E", 1)], coverage=False)
    assert violations(p, [p.assignment(1, START + DAY, "N", 1)], coverage=False) == []


def test_solver_rests_whoever_worked_six_days_before_the_period_on_its_first_day():
    p = _one_post_problem(worked_before=6)
    result = solve(p, time_limit_s=10)
    assert result.solved
    assert not [a for a in result.assignments if a.person == 1 and a.date == START]
    assert violations(p, result.assignments) == []


def test_solver_keeps_the_rest_after_a_night_that_ends_on_the_first_morning():
    p = _one_post_problem(busy_until=datetime.datetime.combine(START, datetime.time(8)))
    result = solve(p, time_limit_s=10)
    assert result.solved
    first_day = [a for a in result.assignments if a.person == 1 and a.date == START]
    assert all(
        a.starts_at >= datetime.datetime.combine(START, datetime.time(20)) for a in first_day
    )
    assert violations(p, result.assignments) == []


def test_solver_gives_a_day_off_within_seven_days_counting_the_days_before():
    # Ten days in a row allowed, but one day off in every 7 still holds across the start.
    crew = people(5)
    crew[0] = replace(crew[0], worked_before=4)
    p = problem([post(1, THREE)], crew, days=7, rules=Rules(max_consecutive_days=10))
    result = solve(p, time_limit_s=10)
    assert result.solved
    worked = {a.date for a in result.assignments if a.person == 1}
    assert not {START, START + DAY, START + 2 * DAY} <= worked
    assert violations(p, result.assignments) == []


@pytest.mark.django_db
def test_the_problem_reads_the_days_worked_before_from_published_rosters(world, duty):
    previous = Roster.objects.create(
        community=duty.community,
        starts_on=MONDAY - 7 * DAY,
        ends_on=MONDAY - DAY,
        status=RosterStatus.PUBLISHED,
    )
    night = duty.gate.shifts.get(code="N")
    tz = timezone.get_current_timezone()
    for k in range(1, 5):  # the last four days before Monday, nights 00–08
        day = MONDAY - k * DAY
        Assignment.objects.create(
            roster=previous,
            shift=night,
            date=day,
            person=duty.volunteer,
            starts_at=datetime.datetime.combine(day, datetime.time(0), tz),
            ends_at=datetime.datetime.combine(day, datetime.time(8), tz),
            absent=k == 4,  # called in sick four days before: not worked
        )
    p = problem_for(duty.community, MONDAY, MONDAY + 6 * DAY)
    spec = p.person(duty.volunteer.pk)
    assert spec.worked_before == 3
    assert spec.busy_until == datetime.datetime.combine(MONDAY - DAY, datetime.time(8))
    assert p.person(duty.staff.pk).worked_before == 0
