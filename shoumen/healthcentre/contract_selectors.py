"""Reads of family doctor contracts: scoped by the actor's health assignments (the
resident's grid under ``view_health_records``); a doctor's list narrows to a team on ask.

``contracts_active_on(qs, day)`` is the one definition of "under contract on a day", for
lists, figures and indicators."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.healthcentre.models import Contract, ContractStatus, Package, Team, TeamMember
from shoumen.healthcentre.models.centres import OPEN_CONTRACT_STATUSES
from shoumen.healthcentre.setup_selectors import centres_of
from shoumen.lib.dates import today
from shoumen.registry.models import Person

ENDING_DAYS = 30
RELATED = ("person", "team", "grid", "confirmed_by")
# Statuses a confirmed term may have once it is over or replaced.
TERM_STATUSES = (
    ContractStatus.ACTIVE,
    ContractStatus.RENEWED,
    ContractStatus.CHANGED,
    ContractStatus.ENDED,
)


def _midnight_after(day: datetime.date) -> datetime.datetime:
    following = day + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(following, datetime.time()))


def contracts_active_on(qs: QuerySet[Contract], day: datetime.date) -> QuerySet[Contract]:
    """The contracts of ``qs`` in force on ``day``: confirmed, the day within their term,
    and not closed before it (a renewed contract runs to its term's end)."""
    return qs.filter(status__in=TERM_STATUSES, starts_on__lte=day, ends_on__gte=day).filter(
        Q(closed_at__isnull=True)
        | Q(status=ContractStatus.RENEWED)
        | Q(closed_at__gte=_midnight_after(day))
    )


def contracts_signed_on(qs: QuerySet[Contract], day: datetime.date) -> QuerySet[Contract]:
    """The contracts of ``qs`` confirmed (or signed active) on ``day``, renewals apart."""
    start = _midnight_after(day - datetime.timedelta(days=1))
    return qs.filter(confirmed_at__gte=start, confirmed_at__lt=_midnight_after(day)).exclude(
        source="renewal"
    )


def contracts_visible_to(user, perm: str = Perm.VIEW_HEALTH_RECORDS) -> QuerySet[Contract]:
    return Contract.objects.filter(scope_q(user, perm, "grid__path"))


@dataclass(frozen=True)
class ContractFilters:
    status: str = ""  # "" the open ones, "all", or a status
    team: int | None = None
    ending: bool = False  # active and ending within ENDING_DAYS


def contracts_list(user, filters: ContractFilters) -> QuerySet[Contract]:
    qs = contracts_visible_to(user)
    if filters.status == "all":
        pass
    elif filters.status in ContractStatus.values:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status__in=OPEN_CONTRACT_STATUSES)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.ending:
        day = today()
        qs = qs.filter(
            status=ContractStatus.ACTIVE,
            ends_on__gte=day,
            ends_on__lte=day + datetime.timedelta(days=ENDING_DAYS),
        )
    # Those awaiting the team first: the team confirms them from the top of its list.
    awaiting_first = Case(When(status=ContractStatus.PENDING, then=Value(0)), default=Value(1))
    return qs.select_related(*RELATED).order_by(awaiting_first, "ends_on", "-requested_at", "-pk")


def contract_for(user, pk: int) -> Contract:
    """One contract in the actor's reach, or Contract.DoesNotExist."""
    return (
        contracts_visible_to(user)
        .select_related(*RELATED, "team__centre", "renewed_from")
        .prefetch_related("packages")
        .get(pk=pk)
    )


def contract_history(contract: Contract) -> list[Contract]:
    """The person's contracts, newest first (a handful)."""
    return list(
        Contract.objects.filter(person_id=contract.person_id)
        .select_related("team")
        .order_by("-requested_at", "-pk")[:20]
    )


def teams_for_contracts(user) -> list[Team]:
    """The active teams of the centres the actor works for: to sign with or filter by."""
    return list(
        Team.objects.filter(centre__in=centres_of(user), active=True)
        .select_related("centre")
        .order_by("centre__name", "name", "pk")
    )


def packages_for(team: Team) -> list[Package]:
    return list(Package.objects.filter(centre_id=team.centre_id, active=True).order_by("code"))


def personalised_packages(user) -> list[Package]:
    return list(
        Package.objects.filter(centre__in=centres_of(user), active=True, kind="personalised")
        .select_related("centre")
        .order_by("centre__name", "code")
    )


def person_contract(person: Person) -> Contract | None:
    """The person's open contract (pending or active) with its team's doctor, or None."""
    return (
        Contract.objects.filter(person=person, status__in=OPEN_CONTRACT_STATUSES)
        .select_related("team")
        .prefetch_related(
            Prefetch(
                "team__members",
                TeamMember.objects.filter(role="doctor").select_related("user"),
                to_attr="doctors",
            )
        )
        .first()
    )


def contracts_to_remind(day: datetime.date, notice_days: int) -> QuerySet[Contract]:
    """Active contracts ending within ``notice_days`` of ``day`` not yet reminded."""
    return Contract.objects.filter(
        status=ContractStatus.ACTIVE,
        reminded_on__isnull=True,
        ends_on__gte=day,
        ends_on__lte=day + datetime.timedelta(days=notice_days),
    ).select_related("team", "grid")
