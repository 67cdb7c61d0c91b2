"""The demo's community health centre, in the first community's street, serving the first
community and its neighbour: three family doctor teams (a doctor, a nurse and public
health staff each; doctor1 is team 1's doctor and centre1 the centre's manager), a basic
and two personalised packages, contracts for a third of the households (some ending within
30 days, a few waiting for the team after a QR sign-up), hypertension and diabetes
patients with a year of follow-ups (``healthcentre_chronic``), the elderly's checks of this
year, last quarter's satisfaction survey with its answers, and the default work-point
rules.

Everything random comes from one ``random.Random`` (seed); rows go in with bulk_create.
Loading again when the centre exists adds nothing."""

import datetime
import random
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import Role
from shoumen.demo.healthcentre_chronic import ChronicDemo, Signed
from shoumen.demo.plan import community_code
from shoumen.healthcentre.contract_services import term_end
from shoumen.healthcentre.models import (
    CheckResult,
    Contract,
    ContractSource,
    ContractStatus,
    ElderlyCheck,
    ElderlyCheckStatus,
    FollowUp,
    HealthCentre,
    Package,
    PackageKind,
    Patient,
    PointRule,
    SelfCare,
    StaffRating,
    Survey,
    SurveyResponse,
    Team,
    TeamMember,
    TeamRole,
)
from shoumen.healthcentre.points_rules import DEFAULT_POINTS
from shoumen.lib.dates import age_on
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person, Status

CENTRE_COMMUNITIES = (community_code(1, 1), community_code(1, 2))
CONTRACT_SHARE = 1 / 3
ENDING_SOON_SHARE = 0.08
PENDING_HOUSEHOLDS = 4
ELDERLY_DONE_SHARE = 0.55
ELDERLY_BOOKED_SHARE = 0.1
RESPONSE_SHARE = 0.12
# Each team's doctor, nurse and public health staff: (demo login or None, display name).
STAFF: list[list[tuple[str | None, str]]] = [
    [("doctor1", "刘医生"), (None, "陈护士"), (None, "赵公卫")],
    [(None, "王医生"), (None, "孙护士"), (None, "周公卫")],
    [(None, "吴医生"), (None, "郑护士"), (None, "冯公卫")],
]
TEAM_ROLES: tuple[str, ...] = (TeamRole.DOCTOR, TeamRole.NURSE, TeamRole.PUBLIC_HEALTH)
MANAGER = ("centre1", "何主任")
ROLE_OF: dict[str, str] = {
    TeamRole.DOCTOR: Role.FAMILY_DOCTOR,
    TeamRole.NURSE: Role.CENTRE_NURSE,
    TeamRole.PUBLIC_HEALTH: Role.PUBLIC_HEALTH_STAFF,
}
COMMENTS = ["医生很耐心", "上门随访很及时", "希望周末也能开药", "", "", "服务态度好"]


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def demo_healthcentre_counts(district: OrgUnit) -> dict[str, int]:
    under = {"grid__path__startswith": district.path}
    return {
        "health_centres": HealthCentre.objects.filter(
            street__path__startswith=district.path
        ).count(),
        "health_contracts": Contract.objects.filter(**under).count(),
        "health_patients": Patient.objects.filter(**under).count(),
        "health_follow_ups": FollowUp.objects.filter(
            patient__grid__path__startswith=district.path
        ).count(),
        "elderly_checks": ElderlyCheck.objects.filter(**under).count(),
        "survey_responses": SurveyResponse.objects.filter(
            survey__centre__street__path__startswith=district.path
        ).count(),
    }


@transaction.atomic
def demo_healthcentre_load(
    district: OrgUnit, *, day: datetime.date, seed: int, password: str
) -> dict[str, int]:
    """Load the demo centre (see the module's docstring); the counts."""
    communities = list(
        OrgUnit.objects.filter(
            code__in=CENTRE_COMMUNITIES, path__startswith=district.path
        ).order_by("path")
    )
    if not communities or HealthCentre.objects.filter(communities__in=communities).exists():
        return demo_healthcentre_counts(district)
    rng = random.Random(seed * 43 + 5)  # noqa: S311 (demo data, not secrets)
    demo = _Demo(rng, day=day, communities=communities, password=password)
    demo.load()
    return demo_healthcentre_counts(district)


class _Demo:
    def __init__(self, rng, *, day, communities, password):
        self.rng = rng
        self.day = day
        self.communities = communities
        self.password = password

    def load(self) -> None:
        street = OrgUnit.objects.get(path=self.communities[0].path[: -OrgUnit.steplen])
        self.centre = HealthCentre.objects.create(
            name=f"{street.name.removesuffix('街道')}社区卫生服务中心",
            street=street,
            phone="010-62550120",
            address=f"{street.name}卫生服务中心一层",
        )
        self.centre.communities.set(self.communities)
        self._staff()
        self._teams()
        self._packages()
        signed = self._contracts()
        ChronicDemo(self.rng, day=self.day, urgent_team_id=self.teams[0].pk).load(signed)
        self._elderly()
        self._survey(signed)
        PointRule.objects.bulk_create(
            PointRule(centre=self.centre, activity=activity, points=points)
            for activity, points in DEFAULT_POINTS.items()
        )

    def _user(self, username: str | None, display_name: str, key: str) -> User:
        if username and (found := User.objects.filter(username=username).first()):
            return found  # an existing account is left as it is
        user = User(username=username or f"hc-{self.centre.pk}-{key}", display_name=display_name)
        if username:
            user.set_password(self.password)
        else:
            user.set_unusable_password()
        user.save()
        return user

    def _assign(self, user: User, role: str) -> None:
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=user, role=role, org_unit=c) for c in self.communities]
        )

    def _staff(self) -> None:
        self.members: list[list[tuple[User, str]]] = []
        for t, team in enumerate(STAFF, 1):
            people: list[tuple[User, str]] = []
            for (username, name), role in zip(team, TEAM_ROLES, strict=True):
                user = self._user(username, name, f"t{t}-{role}")
                if not user.assignments.exists():
                    self._assign(user, ROLE_OF[role])
                people.append((user, role))
            self.members.append(people)
        manager = self._user(*MANAGER, key="manager")
        if not manager.assignments.exists():
            self._assign(manager, Role.CENTRE_MANAGER)

    def _teams(self) -> None:
        under = reduce(or_, (Q(path__startswith=c.path) for c in self.communities))
        grids = list(OrgUnit.objects.filter(under, level=Level.GRID).order_by("path"))
        self.teams = []
        self.team_of_grid: dict[int, int] = {}
        self.doctor_of: dict[int, User] = {}
        self.staff_of: dict[int, User] = {}
        size = -(-len(grids) // len(STAFF))
        for i, people in enumerate(self.members):
            team = Team.objects.create(
                centre=self.centre,
                name=f"家庭医生{'一二三'[i]}队",
                signup_token=f"{self.rng.getrandbits(128):032x}",
                phone=f"010-6255012{i + 1}",
            )
            mine = grids[i * size : (i + 1) * size]
            team.grids.set(mine)
            TeamMember.objects.bulk_create(
                TeamMember(team=team, user=user, role=role) for user, role in people
            )
            self.teams.append(team)
            self.team_of_grid |= {g.pk: team.pk for g in mine}
            self.doctor_of[team.pk] = people[0][0]
            self.staff_of[team.pk] = people[2][0]

    def _packages(self) -> None:
        self.basic, self.elderly_package, self.chronic_package = Package.objects.bulk_create(
            [
                Package(
                    centre=self.centre,
                    code="basic",
                    name="基础服务包",
                    kind=PackageKind.BASIC,
                    description="健康档案、健康教育、预防接种、慢病与老年人健康管理",
                ),
                Package(
                    centre=self.centre,
                    code="elderly",
                    name="老年人个性化服务包",
                    kind=PackageKind.PERSONALISED,
                    description="每季度上门一次、用药指导、年度体检解读",
                    fee=Decimal("120"),
                ),
                Package(
                    centre=self.centre,
                    code="chronic",
                    name="慢病个性化服务包",
                    kind=PackageKind.PERSONALISED,
                    description="血压血糖监测、个体化饮食运动处方、转诊绿色通道",
                    fee=Decimal("150"),
                ),
            ]
        )

    def _residents(self) -> dict[int, list[Any]]:
        by_household: dict[int, list[Any]] = {}
        persons = (
            Person.objects.filter(
                grid_id__in=list(self.team_of_grid),
                status=Status.RESIDENT,
                birth_date__isnull=False,
            )
            .only("pk", "household_id", "grid_id", "birth_date", "has_chronic_disease")
            .order_by("household_id", "pk")
        )
        for person in persons:
            by_household.setdefault(person.household_id, []).append(person)
        return by_household

    def _contracts(self) -> list[Signed]:
        """A third of the households signed, everyone in them; a few heads waiting."""
        rng, day = self.rng, self.day
        households = self._residents()
        self.residents = [p for members in households.values() for p in members]
        keys = sorted(households)
        chosen = sorted(rng.sample(keys, round(len(keys) * CONTRACT_SHARE)))
        rest = [k for k in keys if k not in set(chosen)]
        waiting = rng.sample(rest, min(PENDING_HOUSEHOLDS, len(rest)))
        contracts, packages, signed = [], [], []
        for key in chosen:
            soon = rng.random() < ENDING_SOON_SHARE
            back = rng.randint(336, 364) if soon else rng.randint(1, 330)
            starts = day - datetime.timedelta(days=back)
            for person in households[key]:
                team_id = self.team_of_grid[person.grid_id]
                confirmed = _at(starts, rng.randint(9, 16))
                contracts.append(
                    Contract(
                        person_id=person.pk,
                        team_id=team_id,
                        grid_id=person.grid_id,
                        status=ContractStatus.ACTIVE,
                        source=ContractSource.QR if rng.random() < 0.3 else ContractSource.STAFF,
                        starts_on=starts,
                        ends_on=term_end(starts),
                        requested_at=confirmed - datetime.timedelta(hours=rng.randint(1, 48)),
                        confirmed_at=confirmed,
                        confirmed_by=self.doctor_of[team_id],
                    )
                )
                old = age_on(person.birth_date, day) >= 65
                packages.append(
                    [self.basic] + ([self.elderly_package] if old and rng.random() < 0.5 else [])
                )
                signed.append(
                    Signed(
                        person.pk,
                        person.grid_id,
                        person.birth_date,
                        person.has_chronic_disease,
                        team_id,
                        self.doctor_of[team_id],
                    )
                )
        for key in waiting:
            head = households[key][0]
            contracts.append(
                Contract(
                    person_id=head.pk,
                    team_id=self.team_of_grid[head.grid_id],
                    grid_id=head.grid_id,
                    status=ContractStatus.PENDING,
                    source=ContractSource.QR,
                    requested_at=_at(
                        day - datetime.timedelta(days=rng.randint(0, 3)), rng.randint(8, 21)
                    ),
                )
            )
            packages.append([self.basic])
        Contract.objects.bulk_create(contracts)
        Contract.packages.through.objects.bulk_create(
            Contract.packages.through(contract_id=c.pk, package_id=p.pk)
            for c, chosen_packages in zip(contracts, packages, strict=True)
            for p in chosen_packages
        )
        self.contract_of = {c.person_id: c for c in contracts if c.status == ContractStatus.ACTIVE}
        return signed

    def _elderly(self) -> None:
        rng, day = self.rng, self.day
        born_by = day.year - 65
        checks = []
        for person in self.residents:
            if person.birth_date.year > born_by:
                continue
            draw = rng.random()
            team_id = self.team_of_grid[person.grid_id]
            if draw < ELDERLY_DONE_SHARE and day.timetuple().tm_yday > 1:
                done = datetime.date(day.year, 1, 1) + datetime.timedelta(
                    days=rng.randint(0, day.timetuple().tm_yday - 2)
                )
                score = rng.choice([0, 0, 1, 2, 3, 5, 9])
                checks.append(
                    ElderlyCheck(
                        person_id=person.pk,
                        centre=self.centre,
                        grid_id=person.grid_id,
                        year=day.year,
                        status=ElderlyCheckStatus.DONE,
                        booked_for=done,
                        done_on=done,
                        self_care_score=score,
                        self_care=SelfCare.INDEPENDENT
                        if score <= 3
                        else SelfCare.MILD
                        if score <= 8
                        else SelfCare.MODERATE,
                        findings={
                            "blood_pressure": {
                                "value": f"{rng.randint(118, 158)}/{rng.randint(70, 92)}",
                                "abnormal": False,
                            }
                        },
                        result=rng.choice(
                            [CheckResult.NORMAL] * 3 + [CheckResult.ABNORMAL, CheckResult.CHRONIC]
                        ),
                        advice="低盐饮食，适量运动，按时复查",
                        recorded_by=self.staff_of[team_id],
                        recorded_at=_at(done, rng.randint(9, 16)),
                    )
                )
            elif draw < ELDERLY_DONE_SHARE + ELDERLY_BOOKED_SHARE:
                checks.append(
                    ElderlyCheck(
                        person_id=person.pk,
                        centre=self.centre,
                        grid_id=person.grid_id,
                        year=day.year,
                        status=ElderlyCheckStatus.BOOKED,
                        booked_for=day + datetime.timedelta(days=rng.randint(1, 30)),
                    )
                )
        self.checks = ElderlyCheck.objects.bulk_create(checks)

    def _survey(self, signed: list[Signed]) -> None:
        """Last quarter's survey: answers from some signed adults, rating their doctor (the
        contract) and whoever did their elderly check."""
        rng, day = self.rng, self.day
        quarter = (day.month - 1) // 3 + 1
        year, quarter = (day.year, quarter - 1) if quarter > 1 else (day.year - 1, 4)
        last = datetime.date(year + quarter // 4, quarter * 3 % 12 + 1, 1) - datetime.timedelta(
            days=1
        )
        opens = last.replace(day=1)
        survey = Survey.objects.create(
            centre=self.centre,
            year=year,
            quarter=quarter,
            opens_on=opens,
            closes_on=last,
            token=f"{rng.getrandbits(128):032x}",
        )
        checked: dict[int, Any] = {
            c.person_id: c for c in self.checks if c.status == ElderlyCheckStatus.DONE
        }
        answers = []
        for s in signed:
            contract = self.contract_of[s.person_id]
            if (contract.starts_on or day) > opens or age_on(s.birth_date, opens) < 18:
                continue  # only a resident already signed answers, rating a real contact
            if rng.random() < RESPONSE_SHARE:
                on = opens + datetime.timedelta(days=rng.randint(0, (last - opens).days))
                answers.append((s, contract, on))
        responses = SurveyResponse.objects.bulk_create(
            SurveyResponse(
                survey=survey,
                person_id=s.person_id,
                centre_score=rng.choice([3, 4, 4, 5, 5, 5]),
                comment=rng.choice(COMMENTS),
                submitted_at=_at(on, rng.randint(8, 21)),
            )
            for s, _contract, on in answers
        )
        ratings = []
        for (s, contract, on), response in zip(answers, responses, strict=True):
            ratings.append(
                StaffRating(
                    response=response,
                    staff=s.doctor,
                    score=rng.choice([4, 5, 5]),
                    contact_kind="contract",
                    contact_id=contract.pk,
                )
            )
            check = checked.get(s.person_id)
            if check and check.done_on <= on and check.recorded_by != s.doctor:
                ratings.append(
                    StaffRating(
                        response=response,
                        staff=check.recorded_by,
                        score=rng.choice([3, 4, 5]),
                        contact_kind="elderly_check",
                        contact_id=check.pk,
                    )
                )
        StaffRating.objects.bulk_create(ratings)
