"""Reads about key persons and health reports, scoped by the actor."""

from django.db.models import QuerySet

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import scope_q
from shoumen.observation.models import HealthReport, Observation, ObservationStatus
from shoumen.places.models import OrgUnit


def grid_worker_of(grid: OrgUnit) -> User | None:
    """The grid's worker (the earliest assigned active one), the default responsible."""
    return (
        User.objects.filter(
            is_active=True,
            assignments__role=Role.GRID_WORKER,
            assignments__org_unit=grid,
        )
        .order_by("assignments__created_at", "pk")
        .first()
    )


def observations_visible_to(user, perm: str = Perm.VIEW_OBSERVATIONS) -> QuerySet[Observation]:
    return Observation.objects.filter(scope_q(user, perm, "grid__path"))


def observation_for(user, *, pk: int, perm: str = Perm.VIEW_OBSERVATIONS) -> Observation:
    """One observation in scope, or Observation.DoesNotExist."""
    return (
        observations_visible_to(user, perm)
        .select_related("person__household__building", "grid", "responsible", "transfer_to")
        .get(pk=pk)
    )


def active_observations_of(person_ids) -> dict[int | None, Observation]:
    """Each person's active observation (the one ending last, if several kinds)."""
    found: dict[int | None, Observation] = {}
    for obs in Observation.objects.filter(
        person_id__in=person_ids, status=ObservationStatus.ACTIVE
    ).order_by("ends_on"):
        found[obs.person_id] = obs
    return found


def incoming_transfers(user) -> QuerySet[Observation]:
    """Active observations waiting to be accepted by a community in the user's scope."""
    return Observation.objects.filter(
        scope_q(user, Perm.MANAGE_OBSERVATIONS, "transfer_to__path"),
        status=ObservationStatus.ACTIVE,
        transfer_to__isnull=False,
    ).select_related("person", "grid", "transfer_to")


def health_reports_visible_to(user, perm: str = Perm.VIEW_OBSERVATIONS) -> QuerySet[HealthReport]:
    return HealthReport.objects.filter(scope_q(user, perm, "grid__path"))
