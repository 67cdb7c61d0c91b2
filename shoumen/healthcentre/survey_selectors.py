"""Reads for the satisfaction surveys.

A resident rates only staff they had a real contact with in the last 12 months: the doctor
of one of their follow-ups, a member of the team of one of their contracts, the recorder
of one of their elderly checks. Results are aggregates only: a person's average is shown
from ``SHOUMEN_SURVEY_MIN_RATINGS`` ratings on (fewer could be traced back to a resident);
staff other than the manager see only the centre's overall score and their own; comments
go to the manager alone, without who wrote them or whom they rated."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.healthcentre.elderly_selectors import served_q
from shoumen.healthcentre.models import (
    Contract,
    ElderlyCheck,
    ElderlyCheckStatus,
    FollowUp,
    HealthCentre,
    StaffRating,
    Survey,
    TeamMember,
)
from shoumen.healthcentre.models.centres import OPEN_CONTRACT_STATUSES
from shoumen.healthcentre.setup_selectors import centres_of
from shoumen.lib.ids import normalize_id_number
from shoumen.lib.text import clean_line
from shoumen.registry.models import DocumentType, Person, Status, document_index

CONTACT_DAYS = 365
FOLLOW_UP = "follow_up"
CONTRACT = "contract"
ELDERLY_CHECK = "elderly_check"


def min_ratings() -> int:
    return settings.SHOUMEN_SURVEY_MIN_RATINGS


def surveys_of(user) -> QuerySet[Survey]:
    return (
        Survey.objects.filter(centre__in=centres_of(user))
        .select_related("centre")
        .annotate(answers=Count("responses"))
        .order_by("-year", "-quarter", "centre__name")
    )


def survey_for(user, pk: int) -> Survey:
    return Survey.objects.filter(centre__in=centres_of(user)).select_related("centre").get(pk=pk)


def manages(user, centre: HealthCentre) -> bool:
    return centres_of(user, Perm.MANAGE_HEALTH_CENTRE).filter(pk=centre.pk).exists()


def survey_by_token(token: str) -> Survey | None:
    if not token:
        return None
    return Survey.objects.filter(token=token).select_related("centre__street").first()


def is_open(survey: Survey, day: datetime.date) -> bool:
    return survey.opens_on <= day <= survey.closes_on


def survey_respondent(survey: Survey, name: str, id_number: str) -> Person | None:
    """The resident with this name and resident ID number living where the survey's centre
    serves, or None (the page says the same for every mismatch)."""
    number = normalize_id_number(clean_line(id_number or ""))
    name = clean_line(name or "")
    if not number or not name:
        return None
    index = document_index(DocumentType.RESIDENT_ID, number)
    return (
        Person.objects.filter(
            served_q([survey.centre], "grid__path"),
            id_number_index=index,
            name=name,
            status=Status.RESIDENT,
        )
        .select_related("grid")
        .first()
    )


@dataclass
class Contact:
    staff: User
    kind: str
    id: int
    label: str = ""


def staff_contacts(person: Person, day: datetime.date) -> list[Contact]:
    """The staff ``person`` met in the 12 months up to ``day``, each once (their latest
    contact), in a stable order."""
    since = day - datetime.timedelta(days=CONTACT_DAYS)
    found: dict[int, tuple[datetime.date, Contact]] = {}

    def keep(user, when, kind, pk):
        if user is None or not user.is_active:
            return
        if user.pk not in found or found[user.pk][0] < when:
            found[user.pk] = (when, Contact(user, kind, pk))

    follow_ups = FollowUp.objects.filter(
        patient__person=person, date__gte=since, date__lte=day
    ).select_related("doctor")
    for f in follow_ups:
        keep(f.doctor, f.date, FOLLOW_UP, f.pk)
    contracts = Contract.objects.filter(person=person, confirmed_at__isnull=False).filter(
        Q(status__in=OPEN_CONTRACT_STATUSES) | Q(ends_on__gte=since)
    )
    members = TeamMember.objects.filter(team__contracts__in=contracts).select_related("user")
    by_team = {c.team_id: c for c in contracts}
    for m in members:
        contract = by_team.get(m.team_id)
        if contract is not None and contract.confirmed_at is not None:
            keep(m.user, contract.confirmed_at.date(), CONTRACT, contract.pk)
    checks = ElderlyCheck.objects.filter(
        person=person, status=ElderlyCheckStatus.DONE, done_on__gte=since, done_on__lte=day
    ).select_related("recorded_by")
    for c in checks:
        keep(c.recorded_by, c.done_on, ELDERLY_CHECK, c.pk)
    return [
        c for _when, c in sorted(found.values(), key=lambda x: (str(x[1].staff), x[1].staff.pk))
    ]


def open_surveys_for(persons: list[Person], day: datetime.date) -> list[tuple[Person, Survey]]:
    """For each person, an open survey of the centre serving them they have not answered."""
    rows = []
    for person in persons:
        if person.status != Status.RESIDENT:
            continue
        prefixes = [person.grid.path[:n] for n in range(1, len(person.grid.path) + 1)]
        survey = (
            Survey.objects.filter(
                centre__communities__path__in=prefixes, opens_on__lte=day, closes_on__gte=day
            )
            .exclude(responses__person=person)
            .select_related("centre__street")
            .order_by("-opens_on", "pk")
            .first()
        )
        if survey is not None:
            rows.append((person, survey))
    return rows


@dataclass
class Aggregate:
    label: str
    count: int
    average: Decimal | None  # None: too few ratings to show


@dataclass
class Results:
    responses: int
    centre_average: Decimal | None
    teams: list[Aggregate] = field(default_factory=list)
    staff: list[Aggregate] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    manager: bool = False


def _shown(count: int, average) -> Decimal | None:
    if count < min_ratings() or average is None:
        return None
    return Decimal(average).quantize(Decimal("0.01"))


def survey_results(user, survey: Survey) -> Results:
    """What ``user`` may see of ``survey``'s results: aggregates only."""
    manager = manages(user, survey.centre)
    overall = survey.responses.aggregate(n=Count("pk"), avg=Avg("centre_score"))
    results = Results(
        responses=overall["n"],
        centre_average=_shown(overall["n"], overall["avg"]),
        manager=manager,
    )
    ratings = StaffRating.objects.filter(response__survey=survey)
    if not manager:
        ratings = ratings.filter(staff=user)
    by_staff = ratings.values("staff").annotate(n=Count("pk"), avg=Avg("score"))
    users = User.objects.in_bulk([r["staff"] for r in by_staff])
    results.staff = sorted(
        (Aggregate(str(users[r["staff"]]), r["n"], _shown(r["n"], r["avg"])) for r in by_staff),
        key=lambda a: a.label,
    )
    if manager:
        by_team = (
            TeamMember.objects.filter(team__centre=survey.centre)
            .values("team__name")
            .annotate(
                n=Count("user__ratings_received", filter=Q(user__ratings_received__in=ratings)),
                avg=Avg(
                    "user__ratings_received__score", filter=Q(user__ratings_received__in=ratings)
                ),
            )
            .order_by("team__name")
        )
        results.teams = [
            Aggregate(r["team__name"], r["n"], _shown(r["n"], r["avg"])) for r in by_team
        ]
        # Ordered by their text: neither the time nor the writer can be read from the order.
        results.comments = list(
            survey.responses.exclude(comment="")
            .order_by("comment")
            .values_list("comment", flat=True)
        )
    return results
