"""Reads about screening rounds: scoped task lists and coverage figures."""

from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import TruncDate

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.places.models import OrgUnit
from shoumen.screening.models import (
    Outcome,
    QuestionnaireVersion,
    ScreeningRound,
    TaskStatus,
    Visit,
    VisitTask,
)


def rounds_visible_to(user) -> QuerySet[ScreeningRound]:
    """Rounds over the user's scope or part of it, and rounds over a wider unit that
    includes it (a street's round reaches each of its grid workers)."""
    paths = scope_paths(user, Perm.RECORD_VISITS)
    if paths == [""]:
        # Q() | Q(...) would keep only the second filter.
        return ScreeningRound.objects.select_related("scope")
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


# ---------------------------------------------------------------- pages and API


def task_for(user, *, pk: int) -> VisitTask:
    """One visit task in the user's scope (for recording visits), or DoesNotExist."""
    return (
        VisitTask.objects.filter(scope_q(user, Perm.RECORD_VISITS, "grid__path"))
        .select_related("round__scope", "household__building", "household__head", "grid")
        .get(pk=pk)
    )


def visit_for(user, *, pk: int) -> Visit:
    return (
        Visit.objects.filter(scope_q(user, Perm.RECORD_VISITS, "task__grid__path"))
        .select_related(
            "task__round", "task__household__building", "task__grid", "version", "visitor"
        )
        .get(pk=pk)
    )


TODO = "todo"
DONE = "done"
ALL = "all"
DONE_STATUSES = (
    TaskStatus.VISITED,
    TaskStatus.REFUSED,
    TaskStatus.MOVED_AWAY,
    TaskStatus.NOT_FOUND,
)


def task_list(
    user,
    round_: ScreeningRound,
    *,
    day,
    mine: bool = True,
    show: str = TODO,
    grid_id: int | None = None,
) -> QuerySet[VisitTask]:
    """A worker's list: households not yet visited first, then revisits due by ``day``,
    each in building, unit and door order. ``show=done`` lists what is finished."""
    qs = tasks_visible_to(user, round_).select_related("household__head")
    if mine:
        qs = qs.filter(assignee=user)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if show == TODO:
        qs = qs.filter(Q(status=TaskStatus.DUE) | Q(status=TaskStatus.REVISIT, revisit_on__lte=day))
    elif show == DONE:
        qs = qs.exclude(status=TaskStatus.DUE).exclude(
            status=TaskStatus.REVISIT, revisit_on__lte=day
        )
    first = Case(When(status=TaskStatus.DUE, then=Value(0)), default=Value(1))
    return qs.annotate(first=first).order_by(
        "first",
        "grid__path",
        "household__building__name",
        "household__unit",
        "household__door_number",
        "household__address",
        "pk",
    )


def task_counts(user, round_: ScreeningRound, *, day, mine: bool) -> dict[str, int]:
    qs = tasks_visible_to(user, round_)
    if mine:
        qs = qs.filter(assignee=user)
    todo = Q(status=TaskStatus.DUE) | Q(status=TaskStatus.REVISIT, revisit_on__lte=day)
    return qs.order_by().aggregate(
        all=Count("id"), todo=Count("id", filter=todo), done=Count("id", filter=~todo)
    )


def reassign_candidates(user, round_: ScreeningRound) -> QuerySet:
    """Grid workers of the grids of the round that the user manages."""
    return (
        User.objects.filter(
            scope_q(user, Perm.MANAGE_SCREENING, "assignments__org_unit__path"),
            is_active=True,
            assignments__role=Role.GRID_WORKER,
            assignments__org_unit__path__startswith=round_.scope.path,
        )
        .distinct()
        .order_by("username")
    )


def _covers_round(user, round_: ScreeningRound) -> bool:
    return any(round_.scope.path.startswith(p) for p in scope_paths(user, Perm.RECORD_VISITS))


def coverage(user, round_: ScreeningRound) -> dict:
    """Coverage of a round as far as the user sees it, from one grouped count over the
    tasks (per grid and worker), then summed per community and street in Python; visits
    per day are a second grouped count. A street of 100,000 households is two scans."""
    tasks = VisitTask.objects.filter(round=round_)
    if not _covers_round(user, round_):
        tasks = tasks.filter(scope_q(user, Perm.RECORD_VISITS, "grid__path"))
    rows: list[dict[str, Any]] = [
        dict(r) for r in tasks.order_by().values("grid_id", "assignee_id").annotate(**COVERAGE)
    ]
    grid_ids = {r["grid_id"] for r in rows}
    grids = {u.pk: u for u in OrgUnit.objects.filter(pk__in=grid_ids).only("name", "path", "depth")}
    parent_paths = {
        g.path[: -OrgUnit.steplen * i] for g in grids.values() for i in (1, 2) if g.depth > i
    }
    parents = {
        u.path: u
        for u in OrgUnit.objects.filter(path__in=parent_paths).only("name", "path", "level")
    }
    workers = {
        u.pk: u
        for u in User.objects.filter(pk__in={r["assignee_id"] for r in rows}).only(
            "username", "display_name"
        )
    }

    def add(bucket: dict, key, label, row, **extra):
        entry = bucket.setdefault(
            key, {"key": key, "name": label, **extra, **dict.fromkeys(COVERAGE, 0)}
        )
        for name in COVERAGE:
            entry[name] += row[name]

    by_grid: dict = {}
    by_unit: dict = {}
    by_worker: dict = {}
    total = dict.fromkeys(COVERAGE, 0)
    for row in rows:
        grid = grids[row["grid_id"]]
        add(by_grid, grid.pk, grid.name, row, path=grid.path)
        for i in (1, 2):
            parent = parents.get(grid.path[: -OrgUnit.steplen * i])
            if parent is not None and parent.path.startswith(round_.scope.path):
                add(by_unit, parent.path, parent.name, row, path=parent.path, level=parent.level)
        worker = workers.get(row["assignee_id"])
        add(by_worker, row["assignee_id"], str(worker) if worker else "", row)
        for name in COVERAGE:
            total[name] += row[name]

    days = (
        Visit.objects.filter(task__round=round_)
        .filter(
            Q()
            if _covers_round(user, round_)
            else scope_q(user, Perm.RECORD_VISITS, "task__grid__path")
        )
        .annotate(day=TruncDate("visited_at"))
        .values("day")
        .annotate(
            visits=Count("id"),
            **{o.value: Count("id", filter=Q(outcome=o.value)) for o in Outcome},
        )
        .order_by("-day")
    )
    grid_list = sorted(by_grid.values(), key=lambda g: g["path"])
    units = sorted(by_unit.values(), key=lambda u: u["path"])
    for unit in units:
        unit["grids"] = [g for g in grid_list if g["path"].startswith(unit["path"])]
    return {
        "total": total,
        "units": units,
        "grids": grid_list,
        "workers": sorted(by_worker.values(), key=lambda w: w["name"]),
        "days": list(days),
    }


def tasks_in_scope(user) -> QuerySet[VisitTask]:
    """Visit tasks of every round in the user's scope (for recording visits)."""
    return VisitTask.objects.filter(scope_q(user, Perm.RECORD_VISITS, "grid__path")).select_related(
        "round", "grid", "household"
    )


def current_versions(rounds) -> dict[int, QuestionnaireVersion]:
    """Each round's latest questionnaire version, in one query."""
    latest: dict[int, QuestionnaireVersion] = {}
    for version in QuestionnaireVersion.objects.filter(round__in=rounds).order_by("number"):
        latest[version.round_id] = version
    return latest
