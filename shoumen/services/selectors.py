"""Reads of the services pages, API, panels and the resident's link: each scoped by the
actor (``manage_services`` over the request's grid), or by assignment for a volunteer or
cadre's own tasks, or by the link's persons."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Person, Status, Volunteer, VolunteerStatus
from shoumen.services.models import (
    OPEN_STATUSES,
    HotlineCall,
    RequestStatus,
    ServiceRequest,
)

RELATED = ("grid", "community", "person", "household__building", "volunteer", "cadre")
MINE_DONE_HOURS = 24


def requests_visible_to(user, perm: str = Perm.MANAGE_SERVICES) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(scope_q(user, perm, "grid__path"))


def _assigned_q(user) -> Q:
    if user is None or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(cadre=user) | Q(volunteer__user=user)


def requests_list(
    user, *, status: str = "", kind: str = "", overdue: bool = False, unit: OrgUnit | None = None
) -> QuerySet[ServiceRequest]:
    """The requests in the actor's scope: open ones (the default), all, or one status;
    overdue first by due time."""
    qs = requests_visible_to(user)
    if unit is not None:
        qs = qs.filter(grid__path__startswith=unit.path)
    if status == "all":
        pass
    elif status in RequestStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=OPEN_STATUSES)
    if kind:
        qs = qs.filter(kind=kind)
    if overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    order = ["due_at", "pk"] if status in ("", "new", "assigned") else ["-created_at", "-pk"]
    return qs.select_related(*RELATED).order_by(*order)


def request_for(user, pk: int) -> ServiceRequest:
    """One request the actor manages or is assigned to, or ServiceRequest.DoesNotExist."""
    scope = scope_q(user, Perm.MANAGE_SERVICES, "grid__path")
    # An empty Q (the whole tree) ORed with another would narrow to the other alone.
    reach = (scope | _assigned_q(user)) if scope else Q()
    return (
        ServiceRequest.objects.filter(reach)
        .select_related(*RELATED, "visit", "done_by", "confirmed_by", "created_by")
        .get(pk=pk)
    )


def my_tasks(user) -> list[ServiceRequest]:
    """What the actor was given: open tasks by due time, then those done in the last day."""
    since = timezone.now() - datetime.timedelta(hours=MINE_DONE_HOURS)
    return list(
        ServiceRequest.objects.filter(_assigned_q(user))
        .filter(Q(status__in=OPEN_STATUSES) | Q(done_at__gte=since))
        .select_related(*RELATED)
        .order_by("done_at", "due_at", "pk")[:100]
    )


def has_tasks_page(user) -> bool:
    """Whether "my tasks" is for the actor: a volunteer with a login, or services staff."""
    if user is None or not user.is_authenticated:
        return False
    return bool(scope_paths(user, Perm.MANAGE_SERVICES)) or (
        Volunteer.objects.filter(user=user).exists()
    )


def volunteers_for(req: ServiceRequest) -> list[Volunteer]:
    return list(
        Volunteer.objects.filter(
            community_id=req.community_id, is_active=True, status=VolunteerStatus.APPROVED
        ).order_by("name")
    )


STAFF_ROLES = (Role.GRID_WORKER, Role.COMMUNITY_STAFF)


def staff_for(req: ServiceRequest) -> list[User]:
    """Who may carry a request as staff: the grid's workers and the community's staff."""
    return list(
        User.objects.filter(
            is_active=True,
            assignments__role__in=STAFF_ROLES,
            assignments__org_unit_id__in=[req.grid_id, req.community_id],
        )
        .distinct()
        .order_by("display_name", "username")
    )


def link_requests(persons: list[Person], days: int = 14) -> list[ServiceRequest]:
    """The requests of a link's persons and their households: the open ones, and those
    delivered or confirmed in the last ``days``."""
    since = timezone.now() - datetime.timedelta(days=days)
    households = {p.household_id for p in persons}
    return list(
        ServiceRequest.objects.filter(
            Q(person__in=[p.pk for p in persons]) | Q(household__in=households)
        )
        .filter(
            Q(status__in=OPEN_STATUSES)
            | Q(status__in=[RequestStatus.DONE, RequestStatus.CONFIRMED], done_at__gte=since)
        )
        .order_by("-created_at", "-pk")[:20]
    )


def link_request(persons: list[Person], pk) -> ServiceRequest | None:
    households = {p.household_id for p in persons}
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        ServiceRequest.objects.filter(pk=pk)
        .filter(Q(person__in=[p.pk for p in persons]) | Q(household__in=households))
        .select_related("grid", "community")
        .first()
    )


def person_requests(person: Person, limit: int = 10) -> list[ServiceRequest]:
    """The person's requests and their household's, newest first."""
    return list(
        ServiceRequest.objects.filter(
            Q(person=person) | Q(household_id=person.household_id, person__isnull=True)
        )
        .select_related("volunteer", "cadre")
        .order_by("-created_at", "-pk")[:limit]
    )


def persons_for_call(user, q: str, limit: int = 20) -> list[Person]:
    """Residents in the actor's services scope matching a search (name, pinyin, last 4,
    door number), to take a call for."""
    from shoumen.registry.selectors import PersonFilters, persons_search

    found = persons_search(user, PersonFilters(q=q))
    return [
        p
        for p in found.filter(scope_q(user, Perm.MANAGE_SERVICES, "grid__path"))[:limit]
        if p.status == Status.RESIDENT
    ]


def hotline_visible_to(user) -> QuerySet[HotlineCall]:
    return HotlineCall.objects.filter(scope_q(user, Perm.LOG_HOTLINE, "community__path"))


def communities_for(user, perm: str) -> list[OrgUnit]:
    """The communities under the actor's reach for ``perm``."""
    return list(
        OrgUnit.objects.filter(scope_q(user, perm, "path"), level="community").order_by("path")
    )
