"""Published rosters written straight into the database for the tests of one's own shifts,
check-ins and the calendar feed (no solving)."""

import datetime
import uuid

from django.utils import timezone

from shoumen.duty.models import Assignment, Roster, RosterStatus, Shift
from tests.duty.conftest import MONDAY


def roster(duty, status=RosterStatus.PUBLISHED, start=MONDAY, days=14) -> Roster:
    return Roster.objects.create(
        community=duty.community,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=days - 1),
        status=status,
        published_at=timezone.now() if status == RosterStatus.PUBLISHED else None,
    )


def shift(post, code: str) -> Shift:
    return post.shifts.get(code=code)


def assign(the_roster, the_shift, person, day=MONDAY, absent=False) -> Assignment:
    starts = timezone.make_aware(datetime.datetime.combine(day, the_shift.start))
    return Assignment.objects.create(
        roster=the_roster,
        shift=the_shift,
        date=day,
        person=person,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=float(the_shift.hours)),
        absent=absent,
    )


def at(text: str) -> datetime.datetime:
    """An aware time of MONDAY's week: "2026-03-02 09:00"."""
    naive = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M")  # noqa: DTZ007
    return timezone.make_aware(naive)


def new_uuid() -> uuid.UUID:
    return uuid.uuid4()
