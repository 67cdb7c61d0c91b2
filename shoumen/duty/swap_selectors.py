"""Reads for swaps and sick calls, scoped by the actor: community staff and the officers
above them (``manage_duty``) reach every shift and swap under their units; someone on
duty reaches their own shifts and the swaps they asked for or are part of."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.duty.models import Assignment, DutyPerson, RosterStatus, Swap, SwapStatus
from shoumen.places.models import Level, OrgUnit

MAX_PENDING_SHOWN = 50


def _own(user, prefix: str) -> Q:
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(**{f"{prefix}user": user}) | Q(**{f"{prefix}volunteer__user": user})


def _managed_or(scope: Q, other: Q) -> Q:
    # An empty Q (scope over everything) would vanish from an OR and narrow it instead.
    return Q() if not scope.children else scope | other


def assignments_reachable_by(user) -> QuerySet[Assignment]:
    """Shifts the user manages, and their own."""
    scope = scope_q(user, Perm.MANAGE_DUTY, "roster__community__path")
    return Assignment.objects.filter(_managed_or(scope, _own(user, "person__")))


def assignment_for(user, pk: int) -> Assignment:
    """One shift the user manages or stands (Assignment.DoesNotExist otherwise: a 404)."""
    return (
        assignments_reachable_by(user)
        .select_related("roster__community", "shift__post", "person__volunteer")
        .get(pk=pk)
    )


def swaps_reachable_by(user) -> QuerySet[Swap]:
    """Swaps the user manages, asked for, or is part of (giving or taking)."""
    if not user.is_authenticated:
        return Swap.objects.none()
    scope = scope_q(user, Perm.MANAGE_DUTY, "assignment__roster__community__path")
    mine = Q(requested_by=user) | _own(user, "assignment__person__") | _own(user, "partner__")
    return Swap.objects.filter(_managed_or(scope, mine))


def _with_rows(qs: QuerySet[Swap]) -> QuerySet[Swap]:
    return qs.select_related(
        "assignment__roster__community",
        "assignment__shift__post",
        "assignment__person__volunteer",
        "partner__volunteer",
        "partner_assignment__shift__post",
        "partner_assignment__person",
        "requested_by",
        "decided_by",
    )


def swap_for(user, pk: int) -> Swap:
    return _with_rows(swaps_reachable_by(user)).get(pk=pk)


def community_for(user, pk: int) -> OrgUnit:
    """A community the user manages duty in (OrgUnit.DoesNotExist otherwise: a 404)."""
    return OrgUnit.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "path")).get(
        pk=pk, level=Level.COMMUNITY
    )


def swaps_of_community(user, community: OrgUnit) -> QuerySet[Swap]:
    from shoumen.duty.selectors import swaps_visible_to

    return _with_rows(swaps_visible_to(user).filter(assignment__roster__community=community))


def pending_swaps(user, community: OrgUnit) -> list[Swap]:
    qs = swaps_of_community(user, community).filter(status=SwapStatus.PENDING)
    return list(qs.order_by("assignment__starts_at", "pk")[:MAX_PENDING_SHOWN])


def decided_swaps(user, community: OrgUnit) -> QuerySet[Swap]:
    qs = swaps_of_community(user, community).exclude(status=SwapStatus.PENDING)
    return qs.order_by("-decided_at", "-pk")


def swaps_under(user, unit: OrgUnit | None) -> QuerySet[Swap]:
    """Swaps the user manages, under ``unit`` when given, newest first."""
    from shoumen.duty.selectors import swaps_visible_to

    qs = swaps_visible_to(user)
    if unit is not None:
        qs = qs.filter(assignment__roster__community__path__startswith=unit.path)
    return _with_rows(qs).order_by("-requested_at", "-pk")


def swaps_of_assignment(user, assignment: Assignment) -> list[Swap]:
    """The swaps of one shift the user may see, newest first."""
    qs = swaps_reachable_by(user).filter(
        Q(assignment=assignment) | Q(partner_assignment=assignment)
    )
    return list(_with_rows(qs).order_by("-requested_at", "-pk")[:20])


def partners_for(assignment: Assignment) -> QuerySet[DutyPerson]:
    """Who could take a shift over: the community's other active people on duty."""
    return (
        DutyPerson.objects.filter(community_id=assignment.roster.community_id, is_active=True)
        .exclude(pk=assignment.person_id)
        .order_by("name", "pk")
    )


def partner_shifts(assignment: Assignment) -> QuerySet[Assignment]:
    """Shifts still to come of the others in the same published roster, to exchange for."""
    return (
        Assignment.objects.filter(
            roster_id=assignment.roster_id,
            roster__status=RosterStatus.PUBLISHED,
            absent=False,
            starts_at__gt=timezone.now(),
        )
        .exclude(person_id=assignment.person_id)
        .select_related("person", "shift__post")
        .order_by("starts_at", "pk")
    )


def people_of(assignment: Assignment) -> QuerySet[DutyPerson]:
    """The community's active people on duty (whom a cover may name)."""
    return DutyPerson.objects.filter(
        community_id=assignment.roster.community_id, is_active=True
    ).order_by("name", "pk")
