"""Published rosters written directly for the rest tests: a person works given days."""

import datetime

from django.utils import timezone

from shoumen.duty.models import Assignment, Roster, RosterStatus, Shift

DAY = datetime.timedelta(days=1)


def published(community, start: datetime.date, end: datetime.date) -> Roster:
    return Roster.objects.create(
        community=community,
        starts_on=start,
        ends_on=end,
        status=RosterStatus.PUBLISHED,
        published_at=timezone.now(),
    )


def at(day: datetime.date, shift: Shift) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, shift.start))
    return start, start + datetime.timedelta(hours=float(shift.hours))


def work(roster: Roster, person, shift: Shift, days, *, absent: bool = False) -> list[Assignment]:
    """``person`` on ``shift`` on each of ``days``."""
    made = []
    for day in days:
        starts, ends = at(day, shift)
        made.append(
            Assignment.objects.create(
                roster=roster,
                shift=shift,
                date=day,
                person=person,
                starts_at=starts,
                ends_at=ends,
                absent=absent,
            )
        )
    return made


def days_up_to(last: datetime.date, count: int) -> list[datetime.date]:
    """``count`` days in a row ending on ``last``."""
    return [last - DAY * i for i in range(count - 1, -1, -1)]


def shift_of(post, code: str) -> Shift:
    return post.shifts.get(code=code)
