"""The demo's duty rosters in the first community: the two weeks before, drawn by the
solver and published, with sick calls covered; this week solved and published, with the
logins' shifts pinned by hand before solving; the streak volunteer's covers; the
check-ins of yesterday and today (the people and posts are made in duty.py)."""

import datetime
import random
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.duty import solver
from shoumen.duty.checker import violations
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    AssignmentSource,
    CheckIn,
    CheckKind,
    DutyPerson,
    PostKind,
    Roster,
    RosterStatus,
)
from shoumen.duty.problem import problem_for, problem_of_roster, rows_of, spec_of
from shoumen.duty.roster_services import roster_solve_run
from shoumen.duty.rostering import Assignment as RAssignment
from shoumen.places.models import OrgUnit

DAY = datetime.timedelta(days=1)
SOLVE_SECONDS = 15
# The small demo (the tests') takes the first good roster found within a second.
SOLVE_SECONDS_BY_SIZE = {"small": 1}
# The past weeks take the solver's first roster: they only need to keep every hard rule.
PAST_SOLVE_SECONDS = 10
PAST_DAYS = 14
STREAK_DAYS = 9
# The shift the streak volunteer covers when it can: the north gate's day shift.
STREAK_SHIFT = ("北门卡点", "A")
# Rules the streak volunteer's covers may break (that is what the rest watch is for).
STREAK_BREAKS = ("consecutive", "day-off", "weekly-hours")


def demo_time(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def past_roster(
    community: OrgUnit, monday: datetime.date, streak: DutyPerson, by: User | None
) -> Roster:
    """The two weeks before this one, as published then: filled slot by slot under every
    hard rule (the streak volunteer kept for covering sick calls)."""
    start, end = monday - PAST_DAYS * DAY, monday - DAY
    roster = Roster.objects.create(
        community=community,
        starts_on=start,
        ends_on=end,
        status=RosterStatus.PUBLISHED,
        time_limit_seconds=SOLVE_SECONDS,
        created_by=by,
        published_by=by,
        published_at=demo_time(start - 3 * DAY, 17),
        figures={"status": "feasible"},
    )
    problem = problem_for(community, start, end)
    problem.people = [
        replace(p, unavailable=frozenset(problem.dates)) if p.id == streak.pk else p
        for p in problem.people
    ]
    Assignment.objects.bulk_create(rows_of(roster, _first_roster(problem).assignments))
    return roster


def _first_roster(problem):
    """The solver's first roster keeping every hard rule (no search for a fairer one)."""
    result = solver.solve(problem, PAST_SOLVE_SECONDS, lambda _event: False)
    if not result.solved:
        raise RuntimeError("the demo's duty roster could not be drawn")
    return result


def roster_rows(roster: Roster) -> list[Assignment]:
    return list(
        roster.assignments.select_related(
            "shift__post", "person__user", "person__volunteer__user"
        ).order_by("starts_at", "pk")
    )


def _new_lines(problem, rows: list[Assignment], swap: Assignment, person_id: int) -> list[str]:
    """The rule breaks that putting ``person_id`` in ``swap``'s place would add."""
    now = [spec_of(a) for a in rows if not a.absent]
    moved = problem.assignment(swap.shift.post_id, swap.date, swap.shift.code, person_id)
    after = [s for s in now if s != spec_of(swap)] + [moved]
    return sorted(set(violations(problem, after)) - set(violations(problem, now)))


def _best_swap(
    problem,
    rows: list[Assignment],
    person: DutyPerson,
    candidates: Iterable[Assignment],
    breaks: tuple[str, ...] = (),
) -> Assignment | None:
    """The first of ``candidates`` (another person's shift) ``person`` can take without
    breaking a rule other than ``breaks``, fewest new breaks first."""
    best, best_count = None, None
    for row in candidates:
        if row.absent or row.person_id == person.pk:
            continue
        same_slot = any(
            a.person_id == person.pk and a.shift_id == row.shift_id and a.date == row.date
            for a in rows
            if not a.absent
        )
        if same_slot:
            continue
        lines = _new_lines(problem, rows, row, person.pk)
        if any(not line.startswith(breaks) for line in lines) if breaks else lines:
            continue
        if best_count is None or len(lines) < best_count:
            best, best_count = row, len(lines)
            if not lines:
                break
    return best


def _cover(row: Assignment, person: DutyPerson) -> Assignment:
    """``row``'s person called in sick (the row is kept, marked absent, and the day is their
    sick leave, as ``sick_call`` records it); ``person`` covers."""
    row.absent = True
    row.save(update_fields=["absent"])
    Absence.objects.create(
        person_id=row.person_id,
        kind=AbsenceKind.SICK,
        starts_on=row.date,
        ends_on=row.date,
        created_by=row.roster.published_by,
    )
    return Assignment.objects.create(
        roster=row.roster,
        shift=row.shift,
        date=row.date,
        person=person,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        source=AssignmentSource.COVER,
    )


def _cover_order(rows: list[Assignment], day: datetime.date, rng: random.Random):
    """``day``'s shifts, the north gate's day shift first, then day shifts before nights."""
    standing = [a for a in rows if a.date == day and not a.absent]
    shifts_that_day = Counter(a.person_id for a in standing)
    # Who calls in sick has no other shift that day (the whole day is their sick leave).
    mine = [a for a in standing if shifts_that_day[a.person_id] == 1]
    rng.shuffle(mine)
    return sorted(
        mine,
        key=lambda a: (
            (a.shift.post.name, a.shift.code) != STREAK_SHIFT,
            a.shift.is_night,
            a.shift.hours,
        ),
    )


def streak_covers(
    roster: Roster,
    streak: DutyPerson,
    days: list[datetime.date],
    rng: random.Random,
    problem=None,
) -> int:
    """The streak volunteer covers one sick call on each of ``days`` they do not work yet."""
    problem = problem or problem_of_roster(roster)
    covers = 0
    for day in days:
        rows = roster_rows(roster)
        if any(a.person_id == streak.pk and a.date == day and not a.absent for a in rows):
            continue
        row = _best_swap(problem, rows, streak, _cover_order(rows, day, rng), STREAK_BREAKS)
        if row is None:
            raise RuntimeError(f"no shift for the demo's streak volunteer to cover on {day}")
        _cover(row, streak)
        covers += 1
    return covers


def solve_seconds_of(size: str) -> int:
    return SOLVE_SECONDS_BY_SIZE.get(size, SOLVE_SECONDS)


def pins_for(
    community: OrgUnit,
    monday: datetime.date,
    people: list[DutyPerson],
    days: list[datetime.date],
    after: datetime.datetime,
) -> list[Assignment]:
    """Shifts fixed by hand before solving this week, one for each of ``people`` on one of
    ``days`` starting after ``after`` (so that their phones show one): the last day first,
    day shifts before nights, each pin keeping every rule with the others. Unsaved rows."""
    problem = problem_for(community, monday, monday + 6 * DAY)
    naive_after = timezone.make_naive(after)
    slots = [
        (day, post, shift)
        for day in sorted(days, reverse=True)
        for post in problem.posts
        for shift in post.shifts
        if post.need(day, shift.code) and shift.starts_at(day) > naive_after
    ]
    slots.sort(key=lambda slot: (-slot[0].toordinal(), slot[2].is_night))
    pins: list[RAssignment] = []
    taken: Counter = Counter()
    for i, person in enumerate(people):
        spec = problem.person(person.pk)
        # Each login tries the slots from a different one, so that they are spread.
        for day, post, shift in slots[i:] + slots[:i]:
            if not (spec.available(day) and spec.may_stand(post)):
                continue
            if taken[(post.id, day, shift.code)] >= _seats_to_pin(post, day, shift.code):
                continue
            pin = problem.assignment(post.id, day, shift.code, person.pk)
            if not violations(problem, [*pins, pin], coverage=False):
                pins.append(pin)
                taken[(post.id, day, shift.code)] += 1
                break
    keys = {(a.post, a.date, a.shift, a.person) for a in pins}
    return rows_of(Roster(community=community), pins, fixed=keys)


def _seats_to_pin(post, day: datetime.date, code: str) -> int:
    """How many of a slot's people may be pinned: one seat is left to the solver where the
    shift needs a medical team member or a Party member."""
    need = post.need(day, code)
    req = post.requirements_of(code)
    return need - 1 if req.needs_medical or req.needs_party else need


def solve_week(
    community: OrgUnit,
    monday: datetime.date,
    by: User | None,
    seconds: int,
    pins: Sequence[Assignment] = (),
) -> Roster:
    """This week solved with ``pins`` fixed by hand (they are held, as staff pin shifts, in
    a draft roster of their own while the solver runs)."""
    draft = None
    if pins:
        draft = Roster.objects.create(
            community=community,
            starts_on=monday,
            ends_on=monday + 6 * DAY,
            status=RosterStatus.SOLVED,
            time_limit_seconds=seconds,
            created_by=by,
        )
        for pin in pins:
            pin.roster = draft
        Assignment.objects.bulk_create(pins)
    roster = Roster.objects.create(
        community=community,
        starts_on=monday,
        ends_on=monday + 6 * DAY,
        status=RosterStatus.SOLVING,
        time_limit_seconds=seconds,
        created_by=by,
    )
    roster = roster_solve_run(roster.pk)
    if roster.status != RosterStatus.SOLVED:
        # A machine too busy for the search within its time: the first roster found.
        problem = problem_for(community, roster.starts_on, roster.ends_on, pinned=pins)
        result = _first_roster(problem)
        keys = {(a.shift.post_id, a.date, a.shift.code, a.person_id) for a in pins}
        Assignment.objects.bulk_create(rows_of(roster, result.assignments, fixed=keys))
        Roster.objects.filter(pk=roster.pk).update(
            status=RosterStatus.SOLVED, message="", shortfalls=[], progress=result.progress
        )
        roster.refresh_from_db()
    if draft is not None:
        draft.delete()
    return roster


def hand_over(roster: Roster, person: DutyPerson, last: datetime.date) -> None:
    """Before publishing, staff hand ``person``'s shifts up to ``last`` to others (so that
    they are free to cover the sick calls of those days)."""
    problem = problem_of_roster(roster)
    people = list(DutyPerson.objects.filter(community=roster.community).order_by("pk"))
    for row in roster_rows(roster):
        if row.person_id != person.pk or row.date > last:
            continue
        rows = roster_rows(roster)
        for other in people:
            if other.pk != person.pk and not _new_lines(problem, rows, row, other.pk):
                row.person, row.source, row.fixed = other, AssignmentSource.FIXED, True
                row.save(update_fields=["person", "source", "fixed"])
                break


def publish(roster: Roster, by: User | None, at: datetime.datetime) -> None:
    """As ``roster_publish`` leaves it (the demo's one audit event records the load)."""
    Roster.objects.filter(pk=roster.pk).update(
        status=RosterStatus.PUBLISHED, published_at=at, published_by=by
    )


def check_ins_add(
    rows: list[Assignment], now: datetime.datetime, rng: random.Random, by: User | None
) -> list[CheckIn]:
    """Check-ins (and check-outs once over) of the shifts of yesterday and today that have
    started; a few people forgot to check out."""
    checks = []

    def add(row: Assignment, kind: str, at: datetime.datetime, scan: bool) -> None:
        own = row.person.user or (row.person.volunteer.user if row.person.volunteer else None)
        checks.append(
            CheckIn(
                assignment=row,
                kind=kind,
                at=min(at, now),
                from_scan_page=scan,
                recorded_by=own or by,
                client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            )
        )

    for row in rows:
        if row.absent or row.starts_at > now:
            continue
        scan = row.shift.post.kind == PostKind.CHECKPOINT and rng.random() < 0.5
        add(row, CheckKind.IN, row.starts_at - datetime.timedelta(minutes=rng.randint(2, 25)), scan)
        out = row.ends_at + datetime.timedelta(minutes=rng.randint(0, 20))
        if out <= now and rng.random() < 0.9:
            add(row, CheckKind.OUT, out, scan)
    return CheckIn.objects.bulk_create(checks)
