"""Reads of the duty set-up, scoped by the actor's ``manage_duty``: a community's posts
with their shifts, its people on duty, the staff and volunteers who may be added."""

from django.db.models import Prefetch, Q, QuerySet

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.checkpoints.models import Checkpoint
from shoumen.duty.models import Absence, DutyPerson, Post, Shift
from shoumen.duty.people_services import staff_of
from shoumen.duty.selectors import people_visible_to, posts_visible_to
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import unit_by_code_or_id
from shoumen.registry.models import Volunteer


def communities_managed_by(user) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "path"), level=Level.COMMUNITY)


def community_for(user, pk: int) -> OrgUnit:
    """A community whose duty ``user`` sets up (DoesNotExist otherwise)."""
    return communities_managed_by(user).get(pk=pk)


def community_by_code_or_id(user, value: str) -> OrgUnit:
    """A community the user manages, by its code or its id (DoesNotExist otherwise)."""
    return unit_by_code_or_id(communities_managed_by(user), value)


def _with_shifts(qs: QuerySet[Post]) -> QuerySet[Post]:
    return qs.select_related("community", "checkpoint").prefetch_related(
        Prefetch("shifts", queryset=Shift.objects.order_by("order", "start"))
    )


def posts_of(user, community: OrgUnit | None = None) -> QuerySet[Post]:
    """Posts with their shifts, of ``community`` or of every community the user manages."""
    qs = posts_visible_to(user)
    if community is not None:
        qs = qs.filter(community=community)
    return _with_shifts(qs).order_by("community__path", "name", "pk")


def post_for(user, pk: int) -> Post:
    return _with_shifts(posts_visible_to(user)).get(pk=pk)


def people_of(user, community: OrgUnit | None = None, team: str = "") -> QuerySet[DutyPerson]:
    """People on duty, of ``community`` or of every community the user manages; of one
    team when ``team`` is given ("none": of no team)."""
    qs = people_visible_to(user)
    if community is not None:
        qs = qs.filter(community=community)
    if team == "none":
        qs = qs.filter(team="")
    elif team:
        qs = qs.filter(team=team)
    return qs.select_related("community", "volunteer", "user").order_by(
        "community__path", "-is_active", "name", "pk"
    )


def person_for(user, pk: int) -> DutyPerson:
    return people_visible_to(user).select_related("community", "volunteer", "user").get(pk=pk)


def absence_for(user, pk: int) -> Absence:
    return (
        Absence.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "person__community__path"))
        .select_related("person__community")
        .get(pk=pk)
    )


def absences_of(person: DutyPerson) -> list[Absence]:
    return list(person.absences.order_by("-starts_on", "pk"))


def checkpoints_for_post(community: OrgUnit, post: Post | None = None) -> QuerySet[Checkpoint]:
    """The community's checkpoints with no post yet (and ``post``'s own)."""
    free = Q(duty_post__isnull=True)
    if post is not None and post.checkpoint_id:
        free |= Q(pk=post.checkpoint_id)
    return Checkpoint.objects.filter(free, community=community).order_by("name", "pk")


def checkpoints_without_post(community: OrgUnit) -> int:
    return Checkpoint.objects.filter(
        community=community, is_active=True, duty_post__isnull=True
    ).count()


def staff_to_add(community: OrgUnit) -> QuerySet[User]:
    """Staff of the community (a role at or under it) not on its duty yet."""
    on_duty = DutyPerson.objects.filter(community=community, user__isnull=False)
    return (
        staff_of(community)
        .exclude(pk__in=on_duty.values("user_id"))
        .order_by("display_name", "username")
    )


def volunteers_to_add(community: OrgUnit) -> QuerySet[Volunteer]:
    """The community's active volunteers not on its duty yet."""
    on_duty = DutyPerson.objects.filter(community=community, volunteer__isnull=False)
    return (
        Volunteer.objects.filter(community=community, is_active=True)
        .exclude(pk__in=on_duty.values("volunteer_id"))
        .order_by("name", "pk")
    )
