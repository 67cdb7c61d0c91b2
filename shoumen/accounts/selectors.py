"""Reads of users and role assignments, scoped by the actor's right to manage users."""

from django.db.models import Prefetch, QuerySet

from shoumen.accounts.models import RoleAssignment, User
from shoumen.accounts.roles import ROLE_RANK, Perm, Role, role_allows
from shoumen.accounts.scoping import assignments_of, scope_q


def users_visible_to(actor) -> QuerySet[User]:
    """Users holding at least one assignment under the actor's MANAGE_USERS scope."""
    assignments = RoleAssignment.objects.filter(scope_q(actor, Perm.MANAGE_USERS, "org_unit__path"))
    return (
        User.objects.filter(pk__in=assignments.values("user_id"))
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=RoleAssignment.objects.select_related("org_unit").order_by(
                    "org_unit__path", "role"
                ),
            )
        )
        .order_by("username")
    )


def user_for(actor, *, pk: int) -> User:
    """One user the actor can see, or User.DoesNotExist."""
    return users_visible_to(actor).get(pk=pk)


def assignments_with_units(user) -> list[RoleAssignment]:
    """The user's own assignments for the navbar, cached on the user object per request."""
    cached = getattr(user, "_shoumen_assignment_rows", None)
    if cached is None:
        if not user.is_authenticated:
            return []
        cached = list(
            user.assignments.select_related("org_unit").order_by("org_unit__path", "role")
        )
        user._shoumen_assignment_rows = cached
    return cached


def roles_grantable_by(actor) -> list[Role]:
    """Roles ranked below the actor's best user-managing role (the service checks scope)."""
    best = max(
        (
            ROLE_RANK[Role(role)]
            for role, _ in assignments_of(actor)
            if role_allows(role, Perm.MANAGE_USERS)
        ),
        default=0,
    )
    return [r for r in Role if r != Role.SYSTEM_ADMIN and ROLE_RANK[r] < best]
