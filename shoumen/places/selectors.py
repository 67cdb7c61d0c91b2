"""Reads of the jurisdiction tree, scoped by the actor."""

from django.db.models import QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.places.models import Level, OrgUnit

# Schools and their classes hang in the tree, but the residents' pages and API leave them
# out: they have pages of their own. Granting roles and managing the tree see them.
SCHOOL_LEVELS = (Level.SCHOOL, Level.CLASS)
_SEES_SCHOOL_UNITS = (Perm.MANAGE_USERS, Perm.MANAGE_ORG_UNITS)


def org_units_visible_to(user, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[OrgUnit]:
    """The actor's subtrees, in tree order."""
    units = OrgUnit.objects.filter(scope_q(user, perm, "path"))
    if perm not in _SEES_SCHOOL_UNITS:
        units = units.exclude(level__in=SCHOOL_LEVELS)
    return units.order_by("path")


def grids_visible_to(user, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[OrgUnit]:
    return org_units_visible_to(user, perm).filter(level=Level.GRID)


def org_unit_for(user, *, pk: int, perm: str = Perm.VIEW_REGISTRY) -> OrgUnit:
    """One unit in the actor's scope, or OrgUnit.DoesNotExist (a 404 to the caller)."""
    return org_units_visible_to(user, perm).get(pk=pk)


def top_units_of(user, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[OrgUnit]:
    """The units at the top of the actor's scope (their assignments, or the roots)."""
    paths = scope_paths(user, perm)
    if paths == [""]:
        return OrgUnit.objects.get_root_nodes()
    return OrgUnit.objects.filter(path__in=paths).order_by("path")


def ancestors_of(unit: OrgUnit) -> list[OrgUnit]:
    """The breadcrumb above ``unit``, in one query."""
    step = unit.steplen
    paths = [unit.path[: i * step] for i in range(1, unit.depth)]
    return list(OrgUnit.objects.filter(path__in=paths).order_by("depth"))


def parent_codes_of(units: list[OrgUnit]) -> dict[str, str]:
    """Each unit's path mapped to its parent's code, with at most one query."""
    codes = {u.path: u.code for u in units}
    wanted = {u.path[: -u.steplen] for u in units if u.depth > 1}
    missing = wanted - codes.keys()
    if missing:
        codes.update(OrgUnit.objects.filter(path__in=missing).values_list("path", "code"))
    return {u.path: codes[u.path[: -u.steplen]] for u in units if u.depth > 1}


def children_of(user, unit: OrgUnit, perm: str = Perm.VIEW_REGISTRY) -> QuerySet[OrgUnit]:
    """The units directly under ``unit`` that the actor can see, in tree order."""
    return org_units_visible_to(user, perm).filter(path__startswith=unit.path, depth=unit.depth + 1)


def unit_by_code_or_id(units: QuerySet[OrgUnit], value: str) -> OrgUnit:
    """The unit of ``units`` an API caller names by its code or its id (DoesNotExist
    otherwise): a code first, then digits as an id."""
    value = (value or "").strip()
    found = units.filter(code=value).first()
    if found is None and value.isascii() and value.isdigit() and len(value) < 19:
        found = units.filter(pk=int(value)).first()
    if found is None:
        raise OrgUnit.DoesNotExist
    return found
