"""Reads of the centres, teams and packages, scoped by the actor's health assignments.

A health role is assigned at a community; the centres a user works for are those that
serve a community under one of their health assignments. Teams are narrower: a user is
on a team by membership, not by assignment."""

from django.db.models import Prefetch, QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.healthcentre.models import HealthCentre, Package, Team, TeamMember


def centres_of(user, perm: str = Perm.VIEW_HEALTH_RECORDS) -> QuerySet[HealthCentre]:
    """The centres serving a community where ``user`` holds ``perm`` (a health role)."""
    paths = scope_paths(user, perm)
    if not paths:
        return HealthCentre.objects.none()
    if paths == [""]:
        return HealthCentre.objects.all().order_by("name", "pk")
    ids = HealthCentre.objects.filter(scope_q(user, perm, "communities__path")).values("pk")
    return HealthCentre.objects.filter(pk__in=ids).order_by("name", "pk")


def teams_of(user) -> QuerySet[Team]:
    """The active teams ``user`` is a member of."""
    if user is None or not user.is_authenticated:
        return Team.objects.none()
    return (
        Team.objects.filter(members__user=user, active=True)
        .select_related("centre")
        .distinct()
        .order_by("name", "pk")
    )


def teams_managed(user) -> QuerySet[Team]:
    """The teams of the centres ``user`` manages."""
    return Team.objects.filter(centre__in=centres_of(user, Perm.MANAGE_HEALTH_CENTRE))


def centre_for(user, pk: int, perm: str = Perm.MANAGE_HEALTH_CENTRE) -> HealthCentre:
    """One centre the actor works for under ``perm``, or HealthCentre.DoesNotExist."""
    return centres_of(user, perm).select_related("street").get(pk=pk)


def centre_teams(centre: HealthCentre) -> list[Team]:
    return list(
        centre.teams.order_by("-active", "name", "pk").prefetch_related(
            "grids", Prefetch("members", TeamMember.objects.select_related("user"))
        )
    )


def centre_packages(centre: HealthCentre) -> list[Package]:
    return list(centre.packages.order_by("kind", "code", "pk"))


def team_for(user, pk: int) -> Team:
    """One team of a centre the actor manages, or Team.DoesNotExist."""
    return teams_managed(user).select_related("centre").get(pk=pk)


def package_for(user, pk: int) -> Package:
    return (
        Package.objects.filter(centre__in=centres_of(user, Perm.MANAGE_HEALTH_CENTRE))
        .select_related("centre")
        .get(pk=pk)
    )


def team_members(team: Team) -> list[TeamMember]:
    return list(team.members.select_related("user").order_by("role", "user__display_name", "pk"))


def team_by_token(token: str) -> Team | None:
    """The active team whose QR code carries ``token``; None for an unknown or retired one."""
    if not token:
        return None
    return Team.objects.filter(signup_token=token, active=True).select_related("centre").first()
