"""Reads for setting health centres up: the streets one may set a centre up in, their
communities, and the centres there."""

from django.db.models import Q, QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.healthcentre.models import HealthCentre
from shoumen.places.models import Level, OrgUnit

# Who sets centres up: those who manage the users of a street (and give the centre's
# people their roles there).
SET_UP = Perm.MANAGE_USERS


def sets_up_centres(actor) -> bool:
    """Whether ``actor`` may set centres up: ``SET_UP`` over a street or more."""
    street_depth = 2 * OrgUnit.steplen
    return any(len(path) <= street_depth for path in scope_paths(actor, SET_UP))


def streets_for_centres(actor) -> QuerySet[OrgUnit]:
    """The streets where ``actor`` may set a centre up."""
    return OrgUnit.objects.filter(scope_q(actor, SET_UP, "path"), level=Level.STREET).order_by(
        "path"
    )


def communities_of(streets) -> QuerySet[OrgUnit]:
    """The communities of ``streets`` (a centre serves some of its street's)."""
    q = Q(pk__in=[])
    for street in streets:
        q |= Q(path__startswith=street.path)
    return OrgUnit.objects.filter(q, level=Level.COMMUNITY).order_by("path")


def centres_set_up_by(actor) -> QuerySet[HealthCentre]:
    """The centres of the streets ``actor`` may set centres up in."""
    return (
        HealthCentre.objects.filter(scope_q(actor, SET_UP, "street__path"))
        .select_related("street")
        .prefetch_related("communities", "teams")
        .order_by("street__path", "name")
    )


def centre_set_up_for(actor, pk: int) -> HealthCentre:
    """One centre of ``actor``'s streets, or HealthCentre.DoesNotExist."""
    return centres_set_up_by(actor).get(pk=pk)
