"""Scoping: one mechanism, the org unit's materialised path prefix.

``scope_q(user, perm, "household__grid__path")`` gives the filter for every selector;
``can(user, perm, org_unit)`` answers for one object.
"""

from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import Q

from shoumen.accounts.roles import Role, role_allows
from shoumen.lib.errors import ERR_OUT_OF_SCOPE, deny
from shoumen.places.models import OrgUnit

_ASSIGNMENTS_SQL = (
    "SELECT a.role, o.path FROM accounts_roleassignment a"
    " JOIN places_orgunit o ON o.id = a.org_unit_id WHERE a.user_id = %s"
)


def assignments_of(user) -> list[tuple[str, str]]:
    """(role, org path) pairs of an active user, cached on the user object per request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_shoumen_assignments", None)
    if cached is None:
        # Plain SQL: every scoped request runs it, and compiling the ORM query cost more
        # than running it.
        with connection.cursor() as cursor:
            cursor.execute(_ASSIGNMENTS_SQL, [user.pk])
            cached = [(role, path) for role, path in cursor.fetchall()]
        if user.is_superuser:
            cached.append((Role.SYSTEM_ADMIN, ""))
        user._shoumen_assignments = cached
    return cached


def scope_paths(user, perm: str) -> list[str]:
    """Path prefixes under which ``user`` holds ``perm``; the root path '' means everything."""
    paths = set()
    for role, path in assignments_of(user):
        if role_allows(role, perm):
            paths.add("" if role == Role.SYSTEM_ADMIN else path)
    if "" in paths:
        return [""]
    # A prefix already covered by a shorter one adds nothing.
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return kept


def scope_q(user, perm: str, path_field: str) -> Q:
    """A filter on ``path_field`` (a path lookup) covering the user's scope for ``perm``."""
    paths = scope_paths(user, perm)
    if not paths:
        return Q(pk__in=[])
    if paths == [""]:
        return Q()
    return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in paths))


def can(user, perm: str, org_unit: OrgUnit | None = None) -> bool:
    """Whether ``user`` holds ``perm`` at all (no unit) or over ``org_unit``."""
    if org_unit is None:
        return bool(scope_paths(user, perm))
    return covers(user, perm, org_unit.path)


def covers(user, perm: str, path: str) -> bool:
    """Whether ``user`` holds ``perm`` over the org unit at ``path``."""
    return any(path.startswith(p) for p in scope_paths(user, perm))


def require(user, perm: str, org_unit: OrgUnit) -> None:
    """Refuse (PermissionDenied) unless ``user`` holds ``perm`` over ``org_unit``."""
    if not can(user, perm, org_unit):
        raise deny(ERR_OUT_OF_SCOPE)


def require_somewhere(user, perm: str) -> None:
    """Refuse (PermissionDenied, a 403) a user who holds ``perm`` nowhere; a holder asking
    outside their scope is answered by the scoped selector instead (a 404)."""
    if not can(user, perm):
        raise deny()


def covers_everything(user, perm: str) -> bool:
    return scope_paths(user, perm) == [""]


def roles_of(user) -> set[str]:
    return {role for role, _ in assignments_of(user)}


def forget_assignments(user) -> None:
    user.__dict__.pop("_shoumen_assignments", None)
