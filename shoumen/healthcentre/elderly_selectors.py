"""Reads for the elderly's annual check, scoped by the actor: residents of the communities
the actor's centres serve, under the actor's ``view_health_records`` assignments."""

from functools import reduce
from operator import or_

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.healthcentre.elderly_rules import elderly_born_by
from shoumen.healthcentre.models import ElderlyCheck, ElderlyCheckStatus, HealthCentre
from shoumen.healthcentre.setup_selectors import centres_of
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person, Status

# The list's status filter: not yet booked, booked, done.
DUE = "due"
STATUS_FILTERS = (DUE, ElderlyCheckStatus.BOOKED, ElderlyCheckStatus.DONE)


def served_q(centres, path_field: str) -> Q:
    """A filter on ``path_field`` for the communities the centres serve."""
    paths = list(OrgUnit.objects.filter(health_centres__in=centres).values_list("path", flat=True))
    if not paths:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in set(paths)))


def _care_q(user, path_field: str, perm: str = Perm.VIEW_HEALTH_RECORDS) -> Q:
    return scope_q(user, perm, path_field) & served_q(centres_of(user, perm), path_field)


def centre_of_grid(grid: OrgUnit) -> HealthCentre | None:
    """The centre serving the community ``grid`` is in."""
    prefixes = [grid.path[:n] for n in range(1, len(grid.path) + 1)]
    return HealthCentre.objects.filter(communities__path__in=prefixes).order_by("pk").first()


def elderly_units(user) -> QuerySet[OrgUnit]:
    """Communities and grids the list may be narrowed to."""
    return OrgUnit.objects.filter(
        _care_q(user, "path"), level__in=[Level.COMMUNITY, Level.GRID]
    ).order_by("path")


def elderly_due(
    user, *, year: int, status: str = "", unit: OrgUnit | None = None
) -> QuerySet[Person]:
    """Residents due for the check in ``year``, each with its booking or record that year
    (``check_id``, ``check_status``, ``check_booked_for``, ``check_done_on``)."""
    checks = ElderlyCheck.objects.filter(person=OuterRef("pk"), year=year).exclude(
        status=ElderlyCheckStatus.CANCELLED
    )
    qs = (
        Person.objects.filter(
            _care_q(user, "grid__path"),
            status=Status.RESIDENT,
            birth_date__lte=elderly_born_by(year),
        )
        .annotate(
            check_id=Subquery(checks.values("pk")[:1]),
            check_status=Subquery(checks.values("status")[:1]),
            check_booked_for=Subquery(checks.values("booked_for")[:1]),
            check_done_on=Subquery(checks.values("done_on")[:1]),
        )
        .select_related("grid")
    )
    if unit is not None:
        qs = qs.filter(grid__path__startswith=unit.path)
    if status == DUE:
        qs = qs.filter(check_id__isnull=True)
    elif status in (ElderlyCheckStatus.BOOKED, ElderlyCheckStatus.DONE):
        qs = qs.filter(check_status=status)
    return qs.order_by("grid__path", "name", "pk")


def elderly_counts(user, *, year: int, unit: OrgUnit | None = None) -> dict[str, int]:
    """Due, booked and done in ``year``: one query."""
    return (
        elderly_due(user, year=year, unit=unit)
        .order_by()
        .aggregate(
            due=Count("pk"),
            booked=Count("pk", filter=Q(check_status=ElderlyCheckStatus.BOOKED)),
            done=Count("pk", filter=Q(check_status=ElderlyCheckStatus.DONE)),
        )
    )


def elderly_person_for(user, pk: int, perm: str = Perm.VIEW_HEALTH_RECORDS) -> Person:
    """A resident the actor's centres care for, or Person.DoesNotExist."""
    return (
        Person.objects.filter(_care_q(user, "grid__path", perm)).select_related("grid").get(pk=pk)
    )


def elderly_checks(user) -> QuerySet[ElderlyCheck]:
    return ElderlyCheck.objects.filter(_care_q(user, "grid__path"))


def elderly_check_for(user, pk: int) -> ElderlyCheck:
    """One check the actor may see, or ElderlyCheck.DoesNotExist."""
    return elderly_checks(user).select_related("person", "grid", "centre", "recorded_by").get(pk=pk)
