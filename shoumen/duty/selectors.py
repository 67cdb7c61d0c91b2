"""Reads of the duty app, scoped by the actor: community staff and street and district
officers (``manage_duty``) see the rosters under their unit; everyone sees their own
shifts through the people on duty linked to their login or volunteer record."""

import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.duty.models import (
    Assignment,
    DutyPerson,
    Post,
    Roster,
    RosterStatus,
    Swap,
)


def posts_visible_to(user) -> QuerySet[Post]:
    return Post.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "community__path"))


def people_visible_to(user) -> QuerySet[DutyPerson]:
    return DutyPerson.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "community__path"))


def rosters_visible_to(user) -> QuerySet[Roster]:
    return Roster.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "community__path"))


def roster_for(user, pk: int) -> Roster:
    """One roster the user manages (404 otherwise)."""
    return get_object_or_404(rosters_visible_to(user).select_related("community"), pk=pk)


def swaps_visible_to(user) -> QuerySet[Swap]:
    return Swap.objects.filter(
        scope_q(user, Perm.MANAGE_DUTY, "assignment__roster__community__path")
    )


def me_on_duty(user) -> list[DutyPerson]:
    """The people on duty the user is: by login, or as the volunteer linked to it."""
    if not user.is_authenticated:
        return []
    return list(
        DutyPerson.objects.filter(Q(user=user) | Q(volunteer__user=user), is_active=True)
        .select_related("community")
        .order_by("pk")
    )


def shifts_of(
    people: list[DutyPerson], start: datetime.date, end: datetime.date
) -> QuerySet[Assignment]:
    """The published shifts of ``people`` from ``start`` to ``end``, sick calls included
    (marked), in time order."""
    return (
        Assignment.objects.filter(
            person__in=people,
            roster__status=RosterStatus.PUBLISHED,
            date__range=(start, end),
        )
        .select_related("shift__post", "person")
        .order_by("starts_at", "pk")
    )


def published_roster_of(community, day: datetime.date) -> Roster | None:
    """The published roster of ``community`` covering ``day``."""
    return (
        Roster.objects.filter(
            community=community,
            status=RosterStatus.PUBLISHED,
            starts_on__lte=day,
            ends_on__gte=day,
        )
        .order_by("-published_at")
        .first()
    )
