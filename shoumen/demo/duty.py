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
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.checkpoints.models import Checkpoint
from shoumen.demo.checkpoints import PASS_COMMUNITY_CODE
from shoumen.demo.duty_rosters import (
    DAY,
    SOLVE_SECONDS,
    STREAK_DAYS,
    check_ins_add,
    demo_time,
    hand_over,
    past_roster,
    pins_for,
    publish,
    roster_rows,
    solve_week,
    streak_covers,
)
from shoumen.demo.generator import DemoGenerator
from shoumen.demo.plan import SURNAME_WEIGHTS, SURNAMES
from shoumen.duty.models import (
    Absence,
    AbsenceKind,
    Assignment,
    CheckIn,
    DutyPerson,
    Post,
    PostKind,
    Roster,
    Shift,
    Skill,
    Team,
)
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
RESIDENT_VOLUNTEERS = 10
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


def demo_duty_load(
    district: OrgUnit, *, day: datetime.date, seed: int, solve_seconds: int = SOLVE_SECONDS
) -> dict[str, int]:
    """Load the first community's duty rosters (see the module's docstring); the counts."""
    rng = random.Random(seed * 11 + 3)  # noqa: S311 (demo data, not secrets)
    community = OrgUnit.objects.get(code=DUTY_COMMUNITY_CODE, path__startswith=district.path)
    monday = day - day.weekday() * DAY
    now = timezone.now() if day == today() else demo_time(day, 10)
    _posts(community)
    people, streak, with_login = _people(community, seed=seed, day=day, rng=rng)
    manager = with_login[0].user if with_login and with_login[0].user else None
    _absences(people, monday, streak, manager)
    past = past_roster(community, monday, streak, manager)
    streak_days = [day - k * DAY for k in range(STREAK_DAYS - 1, -1, -1)]
    streak_covers(past, streak, [d for d in streak_days if d < monday], rng)
    days_left = [d for d in (day, day + DAY) if monday <= d <= monday + 6 * DAY]
    pins = pins_for(community, monday, with_login, days_left, now)
    week = solve_week(community, monday, manager, solve_seconds, pins)
    hand_over(week, streak, day + DAY)
    publish(week, manager, demo_time(monday - 3 * DAY, 17))
    streak_covers(week, streak, [d for d in streak_days if d >= monday], rng)
    recent = [
        a for roster in (past, week) for a in roster_rows(roster) if day - DAY <= a.date <= day
    ]
    check_ins_add(recent, now, rng, manager)
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
