"""The solver's plain data (rostering.py) from the database, and back: a community's posts,
people, absences and pinned shifts over a period become a ``Problem``; the solver's
assignments become rows with aware times."""

import datetime
from collections import defaultdict
from collections.abc import Collection, Sequence

from django.conf import settings
from django.utils import timezone

from shoumen.duty import rostering as r
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    DutyPerson,
    Post,
    Roster,
    RosterStatus,
    Shift,
    Team,
)
from shoumen.places.models import OrgUnit

DAY = datetime.timedelta(days=1)


def rules() -> r.Rules:
    return r.Rules(
        min_rest_hours=settings.SHOUMEN_DUTY_MIN_REST_HOURS,
        max_consecutive_days=settings.SHOUMEN_DUTY_MAX_CONSECUTIVE_DAYS,
    )


def shift_spec(shift: Shift) -> r.ShiftSpec:
    return r.ShiftSpec(
        code=shift.code,
        label=shift.label,
        start=shift.start,
        hours=float(shift.hours),
        is_night=shift.is_night,
    )


def headcount_of(shift: Shift) -> dict[tuple[int | str, str], int]:
    counts: dict[tuple[int | str, str], int] = {("*", shift.code): shift.headcount}
    for day, count in (shift.headcount_by_day or {}).items():
        key: int | str = int(day) if str(day).isdigit() else str(day)
        counts[(key, shift.code)] = int(count)
    return counts


def post_spec(post: Post, shifts: list[Shift]) -> r.PostSpec:
    headcount: dict[tuple[int | str, str], int] = {}
    requirements = {}
    for shift in shifts:
        headcount |= headcount_of(shift)
        requirements[shift.code] = r.Requirements(
            needs_medical=shift.needs_medical,
            needs_party=shift.needs_party,
            no_lone_elder_at_night=shift.no_lone_elder_at_night,
        )
    return r.PostSpec(
        id=post.pk,
        name=post.name,
        shifts=[shift_spec(s) for s in shifts],
        headcount=headcount,
        requirements=requirements,
        team=post.team or None,
    )


def skills_of(person: DutyPerson) -> frozenset[str]:
    skills = set(person.skills or [])
    if person.team:
        skills.add(person.team)
    if person.is_party_member or person.team == Team.PARTY:
        skills.add(r.PARTY)
    return frozenset(skills)


def history_of(
    people: list[DutyPerson], start: datetime.date, days_back: int
) -> dict[int, tuple[int, datetime.datetime | None]]:
    """For each person, the days they worked in a row up to ``start``'s eve (at most
    ``days_back``) and the end (naive local) of their last shift before ``start``, from the
    published rosters."""
    worked: dict[int, set[datetime.date]] = defaultdict(set)
    ends: dict[int, datetime.datetime] = {}
    rows = Assignment.objects.filter(
        person__in=people,
        roster__status=RosterStatus.PUBLISHED,
        date__range=(start - DAY * days_back, start - DAY),
        absent=False,
    ).values_list("person_id", "date", "ends_at")
    for person_id, date, ends_at in rows:
        worked[person_id].add(date)
        end = naive_local(ends_at)
        if person_id not in ends or end > ends[person_id]:
            ends[person_id] = end
    history = {}
    for person_id, days in worked.items():
        run = 0
        while start - DAY * (run + 1) in days:
            run += 1
        history[person_id] = (run, ends.get(person_id))
    return history


def person_spec(
    person: DutyPerson,
    absences: list[Absence],
    start: datetime.date,
    end: datetime.date,
    history: tuple[int, datetime.datetime | None] = (0, None),
) -> r.PersonSpec:
    leave: set[datetime.date] = set()
    unavailable: set[datetime.date] = set()
    for absence in absences:
        day = max(absence.starts_on, start)
        while day <= min(absence.ends_on, end):
            (unavailable if absence.kind == AbsenceKind.UNAVAILABLE else leave).add(day)
            day += DAY
    return r.PersonSpec(
        id=person.pk,
        name=person.name,
        skills=skills_of(person),
        age=None if person.birth_year is None else start.year - person.birth_year,
        max_hours_week=float(person.max_hours_week),
        unavailable=frozenset(unavailable),
        leave=frozenset(leave),
        prefers_no_nights=person.prefers_no_nights,
        prefers_weekends_off=person.prefers_weekends_off,
        worked_before=history[0],
        busy_until=history[1],
    )


def naive_local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def aware(moment: datetime.datetime) -> datetime.datetime:
    return timezone.make_aware(moment)


def spec_of(a: Assignment) -> r.Assignment:
    return r.Assignment(
        post=a.shift.post_id,
        date=a.date,
        shift=a.shift.code,
        person=a.person_id,
        starts_at=naive_local(a.starts_at),
        ends_at=naive_local(a.ends_at),
    )


def published_assignments(
    community: OrgUnit, start: datetime.date, end: datetime.date
) -> list[Assignment]:
    """The shifts people stand (not called in sick) in ``community``'s published rosters
    between ``start`` and ``end``."""
    return list(
        Assignment.objects.filter(
            roster__community=community,
            roster__status=RosterStatus.PUBLISHED,
            date__range=(start, end),
            absent=False,
        ).select_related("shift")
    )


def problem_for(
    community: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    *,
    pinned: Sequence[Assignment] = (),
) -> r.Problem:
    """The roster problem of ``community`` from ``start`` to ``end``: its posts in use with
        their shifts, its active people with their absences, the shifts in ``pinned`` fixed,
        the published roster of the period as the one to keep close to, and what each person
    worked in the days before it."""
    posts = list(Post.objects.filter(community=community, is_active=True).order_by("pk"))
    shifts: dict[int, list[Shift]] = defaultdict(list)
    for shift in Shift.objects.filter(post__in=posts).order_by("post", "order", "start"):
        shifts[shift.post_id].append(shift)
    people = list(DutyPerson.objects.filter(community=community, is_active=True).order_by("pk"))
    absences: dict[int, list[Absence]] = defaultdict(list)
    for absence in Absence.objects.filter(
        person__in=people, starts_on__lte=end, ends_on__gte=start
    ):
        absences[absence.person_id].append(absence)
    history = history_of(people, start, settings.SHOUMEN_DUTY_MAX_CONSECUTIVE_DAYS + 1)
    known_posts = {p.pk for p in posts if shifts[p.pk]}
    known_people = {p.pk for p in people}
    return r.Problem(
        start=start,
        days=(end - start).days + 1,
        posts=[post_spec(p, shifts[p.pk]) for p in posts if p.pk in known_posts],
        people=[
            person_spec(p, absences[p.pk], start, end, history.get(p.pk, (0, None))) for p in people
        ],
        fixed=[
            r.Fixed(person=a.person_id, post=a.shift.post_id, date=a.date, shift=a.shift.code)
            for a in pinned
            if a.shift.post_id in known_posts and a.person_id in known_people
        ],
        previous=[
            spec_of(a)
            for a in published_assignments(community, start, end)
            if a.shift.post_id in known_posts and a.person_id in known_people
        ],
        rules=rules(),
    )


def problem_of_roster(roster: Roster) -> r.Problem:
    """The problem ``roster`` answers, as the database holds it now (for checking swaps,
    sick calls and replacements against every rule)."""
    return problem_for(roster.community, roster.starts_on, roster.ends_on)


def roster_specs(roster: Roster) -> list[r.Assignment]:
    """The roster's shifts as the solver and the checker see them, sick calls left out."""
    rows = roster.assignments.filter(absent=False).select_related("shift")
    return [spec_of(a) for a in rows]


def rows_of(
    roster: Roster, found: list[r.Assignment], *, fixed: Collection[tuple] = ()
) -> list[Assignment]:
    """Unsaved rows for the solver's ``found`` assignments."""
    shifts = {
        (s.post_id, s.code): s for s in Shift.objects.filter(post__community=roster.community)
    }
    rows = []
    for a in found:
        shift = shifts[(a.post, a.shift)]
        rows.append(
            Assignment(
                roster=roster,
                shift=shift,
                date=a.date,
                person_id=a.person,
                starts_at=aware(a.starts_at),
                ends_at=aware(a.ends_at),
                fixed=(a.post, a.date, a.shift, a.person) in fixed,
            )
        )
    return rows
