"""Reads of one's own shifts: the phone page, the API, the calendar feed and the scan page's
check-in box; and the hours actually stood (check-out − check-in) for anyone who counts
them."""

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths
from shoumen.duty.checkin_services import CHECK_IN_EARLY, CHECK_OUT_LATE
from shoumen.duty.models import (
    Assignment,
    CheckIn,
    CheckKind,
    DutyPerson,
    RosterStatus,
)
from shoumen.duty.rest import hours_between
from shoumen.duty.selectors import me_on_duty, shifts_of

# The phone page: today and the next days, and the last days below.
DAYS_AHEAD = 14
DAYS_BEHIND = 7
# The calendar feed.
FEED_DAYS_BEHIND = 30
FEED_DAYS_AHEAD = 60


def _own_q(user) -> Q:
    return Q(person__user=user) | Q(person__volunteer__user=user)


def assignments_for_check_in(user) -> QuerySet[Assignment]:
    """Shifts ``user`` may check in for: their own, and every shift in the communities where
    they manage duty."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    paths = scope_paths(user, Perm.MANAGE_DUTY)
    if paths == [""]:
        return Assignment.objects.all()
    q = _own_q(user)
    for path in paths:
        q |= Q(roster__community__path__startswith=path)
    return Assignment.objects.filter(q)


def assignment_for_check_in(user, pk: int) -> Assignment:
    """One shift ``user`` may check in for (Assignment.DoesNotExist otherwise)."""
    return (
        assignments_for_check_in(user)
        .select_related("roster__community", "shift__post", "person__volunteer")
        .get(pk=pk)
    )


@dataclass
class ShiftRow:
    """One of one's shifts as the phone shows it."""

    assignment: Assignment
    team_mates: list[str] = field(default_factory=list)
    checked_in: CheckIn | None = None
    checked_out: CheckIn | None = None
    is_current: bool = False
    may_check_in: bool = False
    may_check_out: bool = False
    # Made when the row is read for a page: the page's button sends it, so that a double
    # tap or a retry of that button records once.
    client_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def actual_hours(self) -> Decimal | None:
        if self.checked_in is None or self.checked_out is None:
            return None
        return hours_between(self.checked_in.at, self.checked_out.at)


@dataclass
class MyShifts:
    people: list[DutyPerson]
    today: list[ShiftRow]
    upcoming: list[ShiftRow]
    past: list[ShiftRow]


def _team_mates(assignments: list[Assignment]) -> dict[tuple, list[str]]:
    """Names of everyone standing each (roster, shift, day) of ``assignments``."""
    if not assignments:
        return {}
    rows = (
        Assignment.objects.filter(
            roster_id__in={a.roster_id for a in assignments},
            shift_id__in={a.shift_id for a in assignments},
            date__in={a.date for a in assignments},
            absent=False,
        )
        .order_by("person__name")
        .values_list("roster_id", "shift_id", "date", "person_id", "person__name")
    )
    names: dict[tuple, list[tuple[int, str]]] = defaultdict(list)
    for roster_id, shift_id, day, person_id, name in rows:
        names[(roster_id, shift_id, day)].append((person_id, name))
    return names  # type: ignore[return-value]


def checks_of(assignments: Iterable[Assignment]) -> dict[tuple[int, str], CheckIn]:
    """The check-ins and check-outs of ``assignments``, by (assignment id, kind)."""
    ids = [a.pk for a in assignments]
    return {(c.assignment_id, c.kind): c for c in CheckIn.objects.filter(assignment_id__in=ids)}


def _row(a: Assignment, checks: dict, mates: dict, now: datetime.datetime) -> ShiftRow:
    checked_in = checks.get((a.pk, CheckKind.IN))
    checked_out = checks.get((a.pk, CheckKind.OUT))
    standing = not a.absent
    may_in = standing and checked_in is None and a.starts_at - CHECK_IN_EARLY <= now <= a.ends_at
    may_out = (
        standing
        and checked_in is not None
        and checked_out is None
        and now <= a.ends_at + CHECK_OUT_LATE
    )
    return ShiftRow(
        assignment=a,
        team_mates=[
            name
            for pid, name in mates.get((a.roster_id, a.shift_id, a.date), [])
            if pid != a.person_id
        ],
        checked_in=checked_in,
        checked_out=checked_out,
        is_current=standing and (a.starts_at <= now < a.ends_at or may_in or may_out),
        may_check_in=may_in,
        may_check_out=may_out,
    )


def my_shifts(user, now: datetime.datetime | None = None) -> MyShifts:
    """The shifts of the people on duty ``user`` is: today's (and a night shift of
    yesterday's still running) first, then the next days, then the last days."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    people = me_on_duty(user)
    if not people:
        return MyShifts(people, [], [], [])
    shifts = list(
        shifts_of(
            people,
            today - datetime.timedelta(days=DAYS_BEHIND),
            today + datetime.timedelta(days=DAYS_AHEAD),
        ).select_related("roster__community")
    )
    checks = checks_of(shifts)
    mates = _team_mates(shifts)
    rows = [_row(a, checks, mates, now) for a in shifts]
    current = [r for r in rows if r.assignment.date == today or r.is_current]
    shown = {r.assignment.pk for r in current}
    rest = [r for r in rows if r.assignment.pk not in shown]
    return MyShifts(
        people=people,
        today=current,
        upcoming=[r for r in rest if r.assignment.date > today],
        past=[r for r in rest if r.assignment.date < today][::-1],
    )


def my_shifts_between(user, start: datetime.date, end: datetime.date) -> list[ShiftRow]:
    """The shifts of the people on duty ``user`` is from ``start`` to ``end``, with their
    check-ins, for the API."""
    people = me_on_duty(user)
    if not people:
        return []
    shifts = list(shifts_of(people, start, end).select_related("roster__community"))
    checks = checks_of(shifts)
    mates = _team_mates(shifts)
    now = timezone.now()
    return [_row(a, checks, mates, now) for a in shifts]


def scan_page_shift(user, checkpoint, now: datetime.datetime | None = None) -> ShiftRow | None:
    """``user``'s shift at the post of ``checkpoint`` that may be checked in for or out of
    now (on now, starting within the hour, or checked in and not yet out)."""
    now = now or timezone.now()
    people = me_on_duty(user)
    if not people:
        return None
    shifts = list(
        Assignment.objects.filter(
            person__in=people,
            shift__post__checkpoint=checkpoint,
            roster__status=RosterStatus.PUBLISHED,
            absent=False,
            starts_at__lte=now + CHECK_IN_EARLY,
            ends_at__gte=now - CHECK_OUT_LATE,
        )
        .select_related("shift__post", "person")
        .order_by("starts_at", "pk")
    )
    checks = checks_of(shifts)
    for a in shifts:
        row = _row(a, checks, {}, now)
        if row.may_check_in or row.may_check_out:
            return row
    return None


def feed_person(token) -> DutyPerson:
    """The person whose calendar feed address holds ``token`` (DoesNotExist otherwise)."""
    return DutyPerson.objects.get(calendar_token=token, is_active=True)


def feed_shifts(person: DutyPerson, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """The published shifts of ``person`` for their calendar: 30 days back to 60 ahead."""
    today = today or timezone.localdate()
    return shifts_of(
        [person],
        today - datetime.timedelta(days=FEED_DAYS_BEHIND),
        today + datetime.timedelta(days=FEED_DAYS_AHEAD),
    )


def actual_hours_of(assignments: Iterable[Assignment | int]) -> dict[int, Decimal | None]:
    """Hours actually stood on each of ``assignments`` (objects or ids), by assignment id:
    check-out minus check-in, to the hundredth of an hour; None where either is missing.
    One query for any number of assignments."""
    ids = [a if isinstance(a, int) else a.pk for a in assignments]
    times: dict[int, dict[str, datetime.datetime]] = defaultdict(dict)
    for assignment_id, kind, at in CheckIn.objects.filter(assignment_id__in=ids).values_list(
        "assignment_id", "kind", "at"
    ):
        times[assignment_id][kind] = at
    result: dict[int, Decimal | None] = {}
    for pk in ids:
        got = times.get(pk, {})
        if CheckKind.IN in got and CheckKind.OUT in got:
            result[pk] = hours_between(got[CheckKind.IN], got[CheckKind.OUT])
        else:
            result[pk] = None
    return result


def actual_hours(assignment: Assignment | int) -> Decimal | None:
    """Hours actually stood on one assignment (see ``actual_hours_of``)."""
    pk = assignment if isinstance(assignment, int) else assignment.pk
    return actual_hours_of([pk])[pk]
