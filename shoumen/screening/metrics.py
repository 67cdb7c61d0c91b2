"""The screening module's daily figures, per grid and day (see ``shoumen.lib.metrics``):
households visited that day, and households still to visit in the open rounds.

Each is one grouped query over the grids asked for, rebuilt from the visits' own times so
that a past day computed again gives what it gave then."""

import datetime

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.lib.metrics import Metric, register_metrics
from shoumen.observation.metrics import day_bounds
from shoumen.screening.models import Outcome, RoundStatus, TaskStatus, Visit, VisitTask

NOT_DONE = (TaskStatus.DUE, TaskStatus.REVISIT)


def households_visited(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Households with a visit that found them at home that day (once each)."""
    start, end = day_bounds(day)
    rows = (
        Visit.objects.filter(
            task__grid_id__in=unit_ids,
            visited_at__gte=start,
            visited_at__lt=end,
            outcome=Outcome.VISITED,
        )
        .values("task__grid_id")
        .annotate(n=Count("task_id", distinct=True))
        .values_list("task__grid_id", "n")
        .order_by()
    )
    return {grid_id: float(n) for grid_id, n in rows if n}


def households_due(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Tasks of the open rounds under way not done at the end of ``day`` (today: now): never
    visited, or last found nobody home. A task's status tells it unless it was visited
    after then; for those, the last visit before then does."""
    at = min(day_bounds(day)[1], timezone.now())
    last_outcome = Subquery(
        Visit.objects.filter(task_id=OuterRef("pk"), visited_at__lt=at)
        .order_by("-visited_at", "-pk")
        .values("outcome")[:1]
    )
    visited_since = Q(last_visit_at__gte=at)
    rows = (
        VisitTask.objects.filter(
            grid_id__in=unit_ids,
            round__status=RoundStatus.OPEN,
            round__starts_on__lte=day,
            round__created_at__lt=at,
        )
        .alias(outcome_then=last_outcome)
        .filter(
            (~visited_since & Q(status__in=NOT_DONE))
            | (visited_since & (Q(outcome_then__isnull=True) | Q(outcome_then=Outcome.NOBODY_HOME)))
        )
        .values("grid_id")
        .annotate(n=Count("pk"))
        .values_list("grid_id", "n")
        .order_by()
    )
    return {grid_id: float(n) for grid_id, n in rows if n}


def metrics() -> list[Metric]:
    return [
        Metric(
            "screening.households_visited",
            _("Households visited"),
            "households",
            households_visited,
            order=60,
            phrase=_("%(value)s households visited"),
        ),
        Metric(
            "screening.households_due",
            _("Households still to visit in open rounds"),
            "households",
            households_due,
            order=61,
            stock=True,
        ),
    ]


def register() -> None:
    register_metrics(metrics())
