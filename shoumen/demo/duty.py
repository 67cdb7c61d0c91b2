"""The demo's duty rosters, in the first community (光明社区, where community1, grid1, grid2
and volunteer1 work): a post at each of its two gates and a 24-hour monitoring point,
forty people on duty in three teams, a published roster of this week drawn by the real
solver, the two weeks before it as a published roster, sick calls covered by hand, and
check-ins of yesterday's and today's shifts.

One volunteer of the Party vanguard team has covered a sick colleague's shift every day for
the last ``STREAK_DAYS`` days, today included, so that the rest watch has someone to show.
Everything but the solved roster itself comes from one ``random.Random(seed)``; the solver
searches for at most ``SOLVE_SECONDS`` and stops sooner at a proven optimum."""

import datetime
import random
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.checkpoints.models import Checkpoint
from shoumen.demo.checkpoints import PASS_COMMUNITY_CODE
from shoumen.demo.generator import DemoGenerator
from shoumen.demo.plan import SURNAME_WEIGHTS, SURNAMES
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
    Post,
    PostKind,
    Roster,
    RosterStatus,
    Shift,
    Skill,
    Team,
)
from shoumen.duty.problem import problem_for, problem_of_roster, rows_of, spec_of
from shoumen.duty.roster_services import roster_solve_run
from shoumen.lib import crypto
from shoumen.lib.dates import today
from shoumen.places.models import OrgUnit
from shoumen.registry.models import (
    VOLUNTEER_PHONE_CONTEXT,
    Person,
    Relation,
    Sex,
    Status,
    Volunteer,
)

DUTY_COMMUNITY_CODE = PASS_COMMUNITY_CODE
PEOPLE = 40
SOLVE_SECONDS = 15
# The small demo (the tests') takes the first good roster found within a second.
SOLVE_SECONDS_BY_SIZE = {"small": 1}
# The past weeks take the solver's first roster: they only need to keep every hard rule.
PAST_SOLVE_SECONDS = 10
PAST_DAYS = 14
STREAK_DAYS = 9
RESIDENT_VOLUNTEERS = 10
DAY = datetime.timedelta(days=1)
# The shift the streak volunteer covers when it can: the north gate's day shift.
STREAK_SHIFT = ("北门卡点", "A")
# Rules the streak volunteer's covers may break (that is what the rest watch is for).
STREAK_BREAKS = ("consecutive", "day-off", "weekly-hours")
WEEKEND_EVENINGS = {"5": 2, "6": 2, "holiday": 2}


@dataclass(frozen=True)
class ShiftPlan:
    code: str
    label: str
    hour: int
    hours: int
    headcount: int
    is_night: bool = False
    by_day: dict[str, int] = field(default_factory=dict)
    needs_medical: bool = False
    needs_party: bool = False
    no_lone_elder_at_night: bool = False


@dataclass(frozen=True)
class PostPlan:
    name: str
    kind: str
    checkpoint: str | None
    shifts: tuple[ShiftPlan, ...]


# The north gate is open day and night; the south gate (pedestrians) from 06:00 to 22:00.
POSTS = (
    PostPlan(
        "北门卡点",
        PostKind.CHECKPOINT,
        "北门",
        (
            ShiftPlan("N", "夜班", 0, 8, 1, is_night=True, no_lone_elder_at_night=True),
            ShiftPlan("A", "白班", 8, 8, 2, needs_party=True),
            ShiftPlan("B", "晚班", 16, 8, 1, by_day=WEEKEND_EVENINGS),
        ),
    ),
    PostPlan(
        "南门卡点",
        PostKind.CHECKPOINT,
        "南门",
        (
            ShiftPlan("A", "早班", 6, 8, 1),
            ShiftPlan("B", "晚班", 14, 8, 1, by_day=WEEKEND_EVENINGS),
        ),
    ),
    PostPlan(
        "24小时健康监测点",
        PostKind.MONITORING,
        None,
        (
            ShiftPlan("D", "白班", 8, 12, 2),
            ShiftPlan("N", "夜班", 20, 12, 2, is_night=True, needs_medical=True),
        ),
    ),
)


@dataclass
class PersonPlan:
    name: str
    birth_year: int
    phone: str
    team: str
    party: bool = False
    skills: list[str] = field(default_factory=list)
    max_hours_week: int = 40
    no_nights: bool = False
    weekends_off: bool = False
    streak: bool = False  # the one who has gone STREAK_DAYS days without rest
    resident_id: int | None = None


# (team, Party member, age range) of the volunteers drawn, in order; the first of the Party
# vanguard team is the one on the long streak.
_MEDICAL = [(Team.MEDICAL, i < 2, (27, 56)) for i in range(6)]
_PARTY = [(Team.PARTY, True, (34, 66)) for _ in range(8)]
_RESIDENTS = [(Team.RESIDENTS, i in (3, 11), (20, 69)) for i in range(19)]
_ELDERS = [(Team.RESIDENTS, i == 0, (71, 76)) for i in range(3)]
VOLUNTEER_KINDS = _MEDICAL + _PARTY + _RESIDENTS + _ELDERS


def people_plan(*, seed: int, day: datetime.date, count: int) -> list[PersonPlan]:
    """``count`` volunteers with their names, phones and duty details, drawn from ``seed``
    with the demo's name generator (pure: no database)."""
    gen = DemoGenerator(seed=seed * 13 + 5, day=day)
    rng = gen.rng
    plans: list[PersonPlan] = []
    names: set[str] = set()
    kinds = (VOLUNTEER_KINDS * (count // len(VOLUNTEER_KINDS) + 1))[:count]
    for index, (team, party, (low, high)) in enumerate(kinds):
        age = rng.randint(low, high)
        while True:
            sex = rng.choice([Sex.MALE, Sex.FEMALE])
            surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
            drawn = gen.person(surname=surname, sex=sex, age=age, relation=Relation.HEAD)
            if drawn.name not in names:
                break
        names.add(drawn.name)
        elder = age > 70
        skills: list[str] = []
        if team == Team.MEDICAL or rng.random() < 0.15:
            skills.append(Skill.FIRST_AID)
        if rng.random() < 0.2:
            skills.append(Skill.DRIVING)
        if elder or rng.random() < 0.1:
            skills.append(Skill.DIALECT)
        if age < 35 and rng.random() < 0.4:
            skills.append(Skill.IT)
        plans.append(
            PersonPlan(
                name=drawn.name,
                birth_year=day.year - age,
                phone=drawn.phone or f"+86139{rng.randrange(10**8):08d}",
                team=team,
                party=party,
                skills=skills,
                max_hours_week=24 if elder else rng.choice([32, 40, 40, 48, 48]),
                no_nights=elder or rng.random() < 0.1,
                weekends_off=not elder and rng.random() < 0.12,
                streak=index == len(_MEDICAL) and count > len(_MEDICAL),
            )
        )
    for plan in plans:
        if plan.streak:
            # A retired Party member who keeps stepping in: more hours, any shift.
            plan.max_hours_week, plan.no_nights, plan.weekends_off = 60, False, False
    return plans


def _link_residents(
    plans: list[PersonPlan], community: OrgUnit, rng: random.Random, day: datetime.date
) -> None:
    """Some resident-team volunteers are registered residents: they take their details."""
    residents = list(
        Person.objects.filter(
            grid__path__startswith=community.path,
            status=Status.RESIDENT,
            birth_date__year__gt=day.year - 70,
            birth_date__year__lte=day.year - 20,
        )
        .exclude(phone_encrypted=None)
        .order_by("pk")
    )
    taken = {p.name for p in plans}
    open_plans = [p for p in plans if p.team == Team.RESIDENTS and not p.streak]
    chosen = rng.sample(residents, min(len(residents), RESIDENT_VOLUNTEERS, len(open_plans)))
    for plan, person in zip(open_plans, chosen, strict=False):
        if person.name in taken:
            continue
        taken.discard(plan.name)
        taken.add(person.name)
        plan.name = person.name
        plan.birth_year = person.birth_date.year if person.birth_date else plan.birth_year
        plan.phone, plan.resident_id = person.phone(), person.pk


def _staff(community: OrgUnit) -> tuple[list[User], list[User]]:
    """The community's own logins: its staff and grid workers (on duty by login), and its
    checkpoint volunteers (on duty through their volunteer record)."""
    found = (
        RoleAssignment.objects.filter(
            org_unit__path__startswith=community.path,
            role__in=(Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.CHECKPOINT_VOLUNTEER),
        )
        .select_related("user")
        .order_by("role", "user_id")
    )
    staff: dict[int, User] = {}
    volunteers: dict[int, User] = {}
    for assignment in found:
        into = volunteers if assignment.role == Role.CHECKPOINT_VOLUNTEER else staff
        into.setdefault(assignment.user_id, assignment.user)
    order: dict[str, int] = {Role.COMMUNITY_STAFF: 0, Role.GRID_WORKER: 1}
    roles = {a.user_id: a.role for a in found}
    return sorted(staff.values(), key=lambda u: (order.get(roles[u.pk], 2), u.pk)), list(
        volunteers.values()
    )


def _posts(community: OrgUnit) -> list[Post]:
    checkpoints = {c.name: c for c in Checkpoint.objects.filter(community=community)}
    posts = []
    for plan in POSTS:
        checkpoint = checkpoints.get(plan.checkpoint or "")
        post = Post.objects.create(
            community=community,
            name=plan.name,
            kind=plan.kind if checkpoint or plan.kind != PostKind.CHECKPOINT else PostKind.PATROL,
            checkpoint=checkpoint,
        )
        Shift.objects.bulk_create(
            Shift(
                post=post,
                code=s.code,
                label=s.label,
                start=datetime.time(s.hour),
                hours=Decimal(s.hours),
                is_night=s.is_night,
                headcount=s.headcount,
                headcount_by_day=s.by_day,
                needs_medical=s.needs_medical,
                needs_party=s.needs_party,
                no_lone_elder_at_night=s.no_lone_elder_at_night,
                order=i,
            )
            for i, s in enumerate(plan.shifts)
        )
        posts.append(post)
    return posts


def _volunteer(community: OrgUnit, plan: PersonPlan, user: User | None = None) -> Volunteer:
    return Volunteer.objects.create(
        community=community,
        name=plan.name,
        phone_encrypted=crypto.encrypt(plan.phone, context=VOLUNTEER_PHONE_CONTEXT),
        phone_last4=plan.phone[-4:],
        birth_year=plan.birth_year,
        resident_id=plan.resident_id,
        user=user,
    )


def _people(
    community: OrgUnit, *, seed: int, day: datetime.date, rng: random.Random
) -> tuple[list[DutyPerson], DutyPerson, list[DutyPerson]]:
    """(everyone on duty, the streak volunteer, the people with a login)."""
    staff, volunteer_users = _staff(community)
    plans = people_plan(seed=seed, day=day, count=PEOPLE - len(staff) - len(volunteer_users))
    _link_residents(plans, community, rng, day)
    people: list[DutyPerson] = []
    with_login: list[DutyPerson] = []
    for i, user in enumerate(staff):
        person = DutyPerson.objects.create(
            community=community,
            name=user.display_name or user.username,
            user=user,
            team=Team.PARTY if i == 0 else "",
            is_party_member=i < 2,
            skills=[Skill.IT] if i else [Skill.DRIVING],
            birth_year=day.year - (46 - 9 * i),
            max_hours_week=40,
            prefers_weekends_off=i == 2,
        )
        people.append(person)
        with_login.append(person)
    for user in volunteer_users:
        phone = f"+86135{rng.randrange(10**8):08d}"
        plan = PersonPlan(user.display_name or user.username, day.year - 29, phone, Team.RESIDENTS)
        volunteer = _volunteer(community, plan, user)
        person = DutyPerson.objects.create(
            community=community,
            name=volunteer.name,
            volunteer=volunteer,
            team=Team.RESIDENTS,
            skills=[Skill.IT],
            birth_year=plan.birth_year,
            max_hours_week=48,
        )
        people.append(person)
        with_login.append(person)
    streak = None
    for plan in plans:
        volunteer = _volunteer(community, plan)
        person = DutyPerson.objects.create(
            community=community,
            name=plan.name,
            volunteer=volunteer,
            team=plan.team,
            is_party_member=plan.party,
            skills=plan.skills,
            birth_year=plan.birth_year,
            max_hours_week=plan.max_hours_week,
            prefers_no_nights=plan.no_nights,
            prefers_weekends_off=plan.weekends_off,
        )
        people.append(person)
        if plan.streak:
            streak = person
    assert streak is not None  # noqa: S101 (the plan always draws one)
    return people, streak, with_login


def _absences(
    people: list[DutyPerson], monday: datetime.date, streak: DutyPerson, by: User | None
) -> list[Absence]:
    """Two people on leave this week (not the streak volunteer, not those with a login)."""
    away = [
        p for p in people if p.volunteer is not None and p.volunteer.user_id is None and p != streak
    ]
    notes = [
        (away[-5], monday + 2 * DAY, monday + 4 * DAY, "回老家探亲"),
        (away[8], monday + 5 * DAY, monday + 8 * DAY, "陪护住院的母亲"),
    ]
    return Absence.objects.bulk_create(
        Absence(
            person=person,
            kind=AbsenceKind.LEAVE,
            starts_on=start,
            ends_on=end,
            note=note,
            created_by=by,
        )
        for person, start, end, note in notes
    )


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _past_roster(
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
        published_at=_at(start - 3 * DAY, 17),
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


def _rows(roster: Roster) -> list[Assignment]:
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


def _streak_covers(
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
        rows = _rows(roster)
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


def _solve_week(community: OrgUnit, monday: datetime.date, by: User | None, seconds: int) -> Roster:
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
        result = _first_roster(problem_of_roster(roster))
        Assignment.objects.bulk_create(rows_of(roster, result.assignments))
        Roster.objects.filter(pk=roster.pk).update(
            status=RosterStatus.SOLVED, message="", shortfalls=[], progress=result.progress
        )
        roster.refresh_from_db()
    return roster


def _hand_over(roster: Roster, person: DutyPerson, last: datetime.date) -> None:
    """Before publishing, staff hand ``person``'s shifts up to ``last`` to others (so that
    they are free to cover the sick calls of those days)."""
    problem = problem_of_roster(roster)
    people = list(DutyPerson.objects.filter(community=roster.community).order_by("pk"))
    for row in _rows(roster):
        if row.person_id != person.pk or row.date > last:
            continue
        rows = _rows(roster)
        for other in people:
            if other.pk != person.pk and not _new_lines(problem, rows, row, other.pk):
                row.person, row.source, row.fixed = other, AssignmentSource.FIXED, True
                row.save(update_fields=["person", "source", "fixed"])
                break


def _fix_by_hand(
    roster: Roster, person: DutyPerson, days: list[datetime.date], after: datetime.datetime
) -> None:
    """Before publishing, staff put ``person`` on a shift of ``days`` that starts after
    ``after`` when the solver gave them none (so that their phone shows one)."""
    rows = _rows(roster)
    if any(a.person_id == person.pk and a.date in days and a.ends_at > after for a in rows):
        return
    problem = problem_of_roster(roster)
    wanted = [a for a in rows if a.date in days and a.starts_at > after and not a.shift.is_night]
    row = _best_swap(problem, rows, person, wanted)
    if row is not None:
        row.person, row.source, row.fixed = person, AssignmentSource.FIXED, True
        row.save(update_fields=["person", "source", "fixed"])


def _publish(roster: Roster, by: User | None, at: datetime.datetime) -> None:
    """As ``roster_publish`` leaves it (the demo's one audit event records the load)."""
    Roster.objects.filter(pk=roster.pk).update(
        status=RosterStatus.PUBLISHED, published_at=at, published_by=by
    )


def _check_ins(
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


def demo_duty_load(
    district: OrgUnit, *, day: datetime.date, seed: int, solve_seconds: int = SOLVE_SECONDS
) -> dict[str, int]:
    """Load the first community's duty rosters (see the module's docstring); the counts."""
    rng = random.Random(seed * 11 + 3)  # noqa: S311 (demo data, not secrets)
    community = OrgUnit.objects.get(code=DUTY_COMMUNITY_CODE, path__startswith=district.path)
    monday = day - day.weekday() * DAY
    now = timezone.now() if day == today() else _at(day, 10)
    _posts(community)
    people, streak, with_login = _people(community, seed=seed, day=day, rng=rng)
    manager = with_login[0].user if with_login and with_login[0].user else None
    _absences(people, monday, streak, manager)
    past = _past_roster(community, monday, streak, manager)
    streak_days = [day - k * DAY for k in range(STREAK_DAYS - 1, -1, -1)]
    _streak_covers(past, streak, [d for d in streak_days if d < monday], rng)
    week = _solve_week(community, monday, manager, solve_seconds)
    days_left = [d for d in (day, day + DAY) if d >= monday and d <= week.ends_on]
    _hand_over(week, streak, day + DAY)
    for person in with_login:
        _fix_by_hand(week, person, days_left, now)
    _publish(week, manager, _at(monday - 3 * DAY, 17))
    _streak_covers(week, streak, [d for d in streak_days if d >= monday], rng)
    recent = [a for roster in (past, week) for a in _rows(roster) if day - DAY <= a.date <= day]
    _check_ins(recent, now, rng, manager)
    return demo_duty_counts(district)


def demo_duty_counts(district: OrgUnit) -> dict[str, int]:
    under = {"community__path__startswith": district.path}
    return {
        "duty_posts": Post.objects.filter(**under).count(),
        "duty_people": DutyPerson.objects.filter(**under).count(),
        "volunteers": Volunteer.objects.filter(**under).count(),
        "duty_rosters": Roster.objects.filter(**under).count(),
        "duty_shifts": Assignment.objects.filter(roster__community__path__startswith=district.path)
        .filter(absent=False)
        .count(),
        "duty_check_ins": CheckIn.objects.filter(
            assignment__roster__community__path__startswith=district.path
        ).count(),
    }
