"""Rosters made for the roster page, export and API tests: solved for real (a few seconds)
or written directly when only their rows matter."""

import datetime

import time_machine
from django.utils import timezone

from shoumen.duty.models import Assignment, AssignmentSource, Roster, RosterStatus
from shoumen.duty.roster_services import roster_solve
from tests.duty.conftest import MONDAY, NOW

SUNDAY = MONDAY + datetime.timedelta(days=6)
TIME_LIMIT = 10


def solved(world, duty, start=MONDAY, end=SUNDAY) -> Roster:
    with time_machine.travel(NOW, tick=False):
        roster = roster_solve(
            actor=world.community_staff,
            community=duty.community,
            starts_on=start,
            ends_on=end,
            time_limit_seconds=TIME_LIMIT,
        )
    roster.refresh_from_db()
    assert roster.status == RosterStatus.SOLVED, roster.message
    return roster


def written(
    duty,
    start=MONDAY,
    end=SUNDAY,
    status=RosterStatus.SOLVED,
    people=None,
    **fields,
) -> Roster:
    """A roster whose rows are written directly: every shift of every day stood by the
    next of ``people`` in turn (no rule checked)."""
    roster = Roster.objects.create(
        community=duty.community,
        starts_on=start,
        ends_on=end,
        status=status,
        time_limit_seconds=TIME_LIMIT,
        **fields,
    )
    people = people or duty.people
    shifts = [*duty.gate.shifts.all(), *duty.monitoring.shifts.all()]
    rows, turn = [], 0
    day = start
    while day <= end:
        for shift in shifts:
            begins = timezone.make_aware(datetime.datetime.combine(day, shift.start))
            rows.append(
                Assignment(
                    roster=roster,
                    shift=shift,
                    date=day,
                    person=people[turn % len(people)],
                    starts_at=begins,
                    ends_at=begins + datetime.timedelta(hours=float(shift.hours)),
                    source=AssignmentSource.SOLVER,
                )
            )
            turn += 1
        day += datetime.timedelta(days=1)
    Assignment.objects.bulk_create(rows)
    return roster
