"""Solving a community's roster from the database, in the task worker, and publishing it."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shoumen.audit.models import AuditEvent
from shoumen.duty.checker import violations
from shoumen.duty.models import Absence, AbsenceKind, Assignment, Roster, RosterStatus
from shoumen.duty.problem import problem_of_roster, roster_specs
from shoumen.duty.roster_services import (
    ERR_DATES_ORDER,
    ERR_NO_ROSTER,
    ERR_NOT_SOLVED,
    ERR_PAST,
    ERR_TOO_LONG,
    assignment_pin,
    roster_publish,
    roster_solve,
)
from tests.duty.conftest import MONDAY, NOW

SUNDAY = MONDAY + datetime.timedelta(days=6)
pytestmark = pytest.mark.django_db


def _solve(world, duty, start=MONDAY, end=SUNDAY) -> Roster:
    with time_machine.travel(NOW, tick=False):
        roster = roster_solve(
            actor=world.community_staff,
            community=duty.community,
            starts_on=start,
            ends_on=end,
            time_limit_seconds=10,
        )
    roster.refresh_from_db()
    return roster


def test_a_solved_roster_keeps_every_hard_rule_with_aware_times(world, duty):
    roster = _solve(world, duty)
    assert roster.status == RosterStatus.SOLVED, roster.message
    rows = list(roster.assignments.select_related("shift"))
    # 7 days × (3 gate shifts + 2 monitoring shifts) × 1 person
    assert len(rows) == 35
    assert all(row.starts_at.tzinfo is not None for row in rows)
    night = next(r for r in rows if r.shift.code == "N" and r.shift.post == duty.gate)
    local = timezone.localtime(night.starts_at)
    assert (local.hour, local.utcoffset()) == (0, datetime.timedelta(hours=8))
    assert violations(problem_of_roster(roster), roster_specs(roster)) == []
    assert roster.figures["nights_gap"] >= 0 and roster.progress
    assert AuditEvent.objects.filter(action="roster.solve", target_id=str(roster.pk)).exists()


def test_an_impossible_roster_says_which_shift_lacks_people(world, duty):
    for person in duty.people[2:]:
        Absence.objects.create(
            person=person, kind=AbsenceKind.LEAVE, starts_on=MONDAY, ends_on=SUNDAY
        )
    roster = _solve(world, duty)
    assert roster.status == RosterStatus.INFEASIBLE
    assert roster.message == str(ERR_NO_ROSTER)
    assert roster.shortfalls and all(s["missing"] >= 1 for s in roster.shortfalls)
    assert not roster.assignments.exists()


@pytest.mark.parametrize(
    ("start", "end", "error"),
    [
        (MONDAY, MONDAY - datetime.timedelta(days=1), ERR_DATES_ORDER),
        (MONDAY, MONDAY + datetime.timedelta(days=28), ERR_TOO_LONG % {"days": 28}),
        (MONDAY - datetime.timedelta(days=7), MONDAY - datetime.timedelta(days=1), ERR_PAST),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_started(world, duty, start, end, error):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as caught:
        roster_solve(
            actor=world.community_staff, community=duty.community, starts_on=start, ends_on=end
        )
    assert str(error) in str(caught.value)
    assert not Roster.objects.exists()


def test_a_28_day_roster_is_allowed(world, duty):
    end = MONDAY + datetime.timedelta(days=27)
    assert _solve(world, duty, MONDAY, end).status in (RosterStatus.SOLVED, RosterStatus.INFEASIBLE)


def test_staff_of_another_community_cannot_solve_this_one(world, duty):
    with pytest.raises(PermissionDenied):
        roster_solve(
            actor=world.outsider, community=duty.community, starts_on=MONDAY, ends_on=SUNDAY
        )


def test_publishing_replaces_the_published_roster_of_the_period_and_twice_changes_nothing(
    world, duty
):
    first = _solve(world, duty)
    roster_publish(actor=world.community_staff, roster=first)
    second = _solve(world, duty)
    roster_publish(actor=world.community_staff, roster=second)
    roster_publish(actor=world.community_staff, roster=second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RosterStatus.SUPERSEDED and second.status == RosterStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="roster.publish", target_id=str(second.pk)).count() == 1


def test_an_infeasible_roster_cannot_be_published(world, duty):
    roster = _solve(world, duty)
    roster.status = RosterStatus.INFEASIBLE
    roster.save()
    with pytest.raises(ValidationError) as caught:
        roster_publish(actor=world.community_staff, roster=roster)
    assert str(ERR_NOT_SOLVED) in str(caught.value)


def test_a_shift_fixed_by_hand_stays_when_the_period_is_solved_again(world, duty):
    first = _solve(world, duty)
    row = first.assignments.select_related("shift").first()
    assert row is not None
    assignment_pin(actor=world.community_staff, assignment=row, fixed=True)
    second = _solve(world, duty)
    kept = Assignment.objects.get(roster=second, shift=row.shift, date=row.date, person=row.person)
    assert kept.fixed
