"""Reads about screening rounds: scoped task lists and coverage figures."""

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.places.models import OrgUnit
from shoumen.screening.models import ScreeningRound, TaskStatus, Visit, VisitTask


def rounds_visible_to(user) -> QuerySet[ScreeningRound]:
    """Rounds over the user's scope or part of it, and rounds over a wider unit that
    includes it (a street's round reaches each of its grid workers)."""
    paths = scope_paths(user, Perm.RECORD_VISITS)
    wider = {p[:i] for p in paths for i in range(OrgUnit.steplen, len(p), OrgUnit.steplen)}
    return ScreeningRound.objects.filter(
        scope_q(user, Perm.RECORD_VISITS, "scope__path") | Q(scope__path__in=wider)
    ).select_related("scope")


def round_for(user, *, pk: int) -> ScreeningRound:
    return rounds_visible_to(user).get(pk=pk)


def tasks_visible_to(user, round_: ScreeningRound) -> QuerySet[VisitTask]:
    return VisitTask.objects.filter(
        scope_q(user, Perm.RECORD_VISITS, "grid__path"), round=round_
    ).select_related("household__building", "grid", "assignee")


COVERAGE = {
    "households": Count("id"),
    "visited": Count("id", filter=Q(status=TaskStatus.VISITED)),
    "due": Count("id", filter=Q(status=TaskStatus.DUE)),
    "revisit": Count("id", filter=Q(status=TaskStatus.REVISIT)),
    "refused": Count("id", filter=Q(status=TaskStatus.REFUSED)),
    "moved_away": Count("id", filter=Q(status=TaskStatus.MOVED_AWAY)),
    "not_found": Count("id", filter=Q(status=TaskStatus.NOT_FOUND)),
    "returnees": Count("id", filter=Q(returnee_found=True)),
    "symptomatic": Count("id", filter=Q(symptomatic=True)),
    "vulnerable": Count("id", filter=Q(vulnerable=True)),
}


def coverage_by_grid(user, round_: ScreeningRound) -> list[dict]:
    """Per grid in the user's scope: households, each status, and findings."""
    rows = (
        tasks_visible_to(user, round_)
        .order_by()
        .values("grid_id", "grid__name", "grid__path")
        .annotate(**COVERAGE)
        .order_by("grid__path")
    )
    return [dict(row) for row in rows]


def coverage_total(rows: list[dict]) -> dict:
    return {key: sum(row[key] for row in rows) for key in COVERAGE}


def coverage_by_worker(user, round_: ScreeningRound) -> list[dict]:
    rows = (
        tasks_visible_to(user, round_)
        .order_by()
        .values("assignee_id", "assignee__username", "assignee__display_name")
        .annotate(**COVERAGE)
        .order_by("assignee__username")
    )
    return [dict(row) for row in rows]


def visits_by_day(user, round_: ScreeningRound) -> list[dict]:

    rows = (
        Visit.objects.filter(
            scope_q(user, Perm.RECORD_VISITS, "task__grid__path"), task__round=round_
        )
        .annotate(day=TruncDate("visited_at"))
        .values("day", "outcome")
        .annotate(n=Count("id"))
        .order_by("day", "outcome")
    )
    return [dict(row) for row in rows]
