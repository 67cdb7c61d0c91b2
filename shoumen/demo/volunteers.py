"""The demo's volunteer registry, in the first community (the one the duty demo staffs):
the volunteers the duty demo made get their teams, skills and Party membership from their
place on duty, and days and times they can usually help; a dozen more volunteers who stand
no duty (they deliver residents' services) are added, so the community has a few dozen;
and three people have signed up by the QR code and wait for approval.

Everything random comes from one ``random.Random(seed)``: the same seed and day give the
same registry. Loading again adds nothing (the sign-ups are there)."""

import datetime
import random

from django.utils import timezone

from shoumen.demo.duty import DUTY_COMMUNITY_CODE
from shoumen.demo.generator import DemoGenerator
from shoumen.demo.plan import SURNAME_WEIGHTS, SURNAMES
from shoumen.duty.models import DutyPerson
from shoumen.lib import crypto
from shoumen.places.models import OrgUnit
from shoumen.registry.models import (
    VOLUNTEER_PHONE_CONTEXT,
    Relation,
    Sex,
    Skill,
    Team,
    TimeOfDay,
    Volunteer,
    VolunteerSource,
    VolunteerStatus,
)

EXTRA_VOLUNTEERS = 12
PENDING_SIGN_UPS = 3
_TEAM_WEIGHTS = {Team.RESIDENTS: 6, Team.PARTY: 2, Team.MEDICAL: 1}


def _availability(rng: random.Random, *, elder: bool = False) -> tuple[list[int], list[str]]:
    """Days (0 Monday) and times of day someone can usually help."""
    pattern = rng.choice(["weekdays", "weekends", "any", "some"])
    if pattern == "weekdays":
        days = [0, 1, 2, 3, 4]
    elif pattern == "weekends":
        days = [5, 6]
    elif pattern == "any":
        days = list(range(7))
    else:
        days = sorted(rng.sample(range(7), rng.randint(2, 4)))
    times = [t for t in TimeOfDay.values if rng.random() < 0.45]
    if elder:
        times = [t for t in times if t != TimeOfDay.NIGHT]
    return days, times or [TimeOfDay.MORNING]


def _phone_fields(number: str) -> dict:
    return {
        "phone_encrypted": crypto.encrypt(number, context=VOLUNTEER_PHONE_CONTEXT),
        "phone_last4": number[-4:],
        "phone_index": crypto.blind_index(number, context=VOLUNTEER_PHONE_CONTEXT),
    }


def _extend_duty_volunteers(community: OrgUnit, rng: random.Random, day: datetime.date) -> int:
    """The duty demo's volunteers: teams, skills, Party flag from their place on duty, their
    availability, and the phone's digest (one volunteer per phone)."""
    on_duty = {
        p.volunteer_id: p
        for p in DutyPerson.objects.filter(community=community, volunteer__isnull=False)
    }
    volunteers = list(Volunteer.objects.filter(community=community).order_by("pk"))
    for v in volunteers:
        person = on_duty.get(v.pk)
        if person is not None:
            v.teams = [person.team] if person.team else [Team.RESIDENTS]
            v.skills = [s for s in Skill.values if s in (person.skills or [])]
            v.is_party_member = person.is_party_member
        if v.is_party_member and Team.PARTY not in v.teams and rng.random() < 0.5:
            v.teams = [t for t in Team.values if t in {*v.teams, Team.PARTY}]
        elder = v.birth_year is not None and day.year - v.birth_year > 70
        v.weekdays, v.times_of_day = _availability(rng, elder=elder)
        number = v.phone()
        v.phone_index = (
            crypto.blind_index(number, context=VOLUNTEER_PHONE_CONTEXT) if number else None
        )
        v.status, v.source = VolunteerStatus.APPROVED, VolunteerSource.STAFF
    Volunteer.objects.bulk_update(
        volunteers,
        [
            "teams",
            "skills",
            "is_party_member",
            "weekdays",
            "times_of_day",
            "phone_index",
            "status",
            "source",
        ],
    )
    return len(volunteers)


def _new_people(
    gen: DemoGenerator, count: int, taken_names: set[str], taken_phones: set[str]
) -> list[tuple[str, str, int]]:
    """``count`` (name, phone, age) drawn with the demo's name generator, none repeated."""
    rng = gen.rng
    drawn_people: list[tuple[str, str, int]] = []
    while len(drawn_people) < count:
        age = rng.randint(19, 68)
        surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
        sex = rng.choice([Sex.MALE, Sex.FEMALE])
        drawn = gen.person(surname=surname, sex=sex, age=age, relation=Relation.HEAD)
        phone = drawn.phone or f"+86137{rng.randrange(10**8):08d}"
        if drawn.name in taken_names or phone in taken_phones:
            continue
        taken_names.add(drawn.name)
        taken_phones.add(phone)
        drawn_people.append((drawn.name, phone, age))
    return drawn_people


def demo_volunteers_load(district: OrgUnit, *, day: datetime.date, seed: int) -> dict[str, int]:
    """Load the first community's volunteer registry (see the module's docstring); the
    counts. Run after the duty demo."""
    community = OrgUnit.objects.get(code=DUTY_COMMUNITY_CODE, path__startswith=district.path)
    if Volunteer.objects.filter(community=community, source=VolunteerSource.SIGN_UP).exists():
        return demo_volunteers_counts(district)
    rng = random.Random(seed * 17 + 7)  # noqa: S311 (demo data, not secrets)
    _extend_duty_volunteers(community, rng, day)
    existing = list(Volunteer.objects.filter(community=community))
    names = {v.name for v in existing}
    phones = {v.phone() for v in existing}
    gen = DemoGenerator(seed=seed * 19 + 11, day=day)
    people = _new_people(gen, EXTRA_VOLUNTEERS + PENDING_SIGN_UPS, names, phones)
    now = timezone.now()
    made = []
    for index, (name, phone, age) in enumerate(people):
        pending = index >= EXTRA_VOLUNTEERS
        team = rng.choices(list(_TEAM_WEIGHTS), weights=list(_TEAM_WEIGHTS.values()))[0]
        skills = [s for s in Skill.values if rng.random() < 0.2]
        weekdays, times = _availability(rng)
        made.append(
            Volunteer(
                community=community,
                name=name,
                birth_year=day.year - age,
                teams=[team],
                skills=skills,
                is_party_member=team == Team.PARTY or rng.random() < 0.1,
                weekdays=weekdays,
                times_of_day=times,
                status=VolunteerStatus.PENDING if pending else VolunteerStatus.APPROVED,
                source=VolunteerSource.SIGN_UP if pending else VolunteerSource.STAFF,
                signed_up_at=now - datetime.timedelta(hours=3 + 7 * index) if pending else None,
                is_active=not pending,
                **_phone_fields(phone),
            )
        )
    Volunteer.objects.bulk_create(made)
    return demo_volunteers_counts(district)


def demo_volunteers_counts(district: OrgUnit) -> dict[str, int]:
    under = Volunteer.objects.filter(community__path__startswith=district.path)
    return {
        "volunteers_approved": under.filter(status=VolunteerStatus.APPROVED).count(),
        "volunteer_sign_ups_pending": under.filter(status=VolunteerStatus.PENDING).count(),
    }
