"""Reads about screening rounds: scoped task lists and coverage figures."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, Max, Q, QuerySet, Value, When
from django.db.models.functions import Length, TruncDate
from django.utils import timezone

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import scope_paths, scope_q
from shoumen.places.models import Level, OrgUnit
from shoumen.screening.models import (
    Outcome,
    QuestionnaireVersion,
    RoundStatus,
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


def _natural(field: str) -> list:
    """Numbers in names compare as numbers (1号楼 < 2号楼 < 10号楼; door 101 < 1001): the
    shorter text first, then the text. The same on SQLite and PostgreSQL."""
    return [Length(field), field]


# Building, unit, door: the order a worker walks a neighbourhood in.
WALKING_ORDER = [
    *_natural("household__building__name"),
    *_natural("household__unit"),
    *_natural("household__door_number"),
    "household__address",
]


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
    return qs.annotate(first=first).order_by("first", "grid__path", *WALKING_ORDER, "pk")


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


DAYS_SHOWN = 14

# Task status → the coverage figure it counts towards.
_STATUS_KEY = {
    TaskStatus.VISITED: "visited",
    TaskStatus.DUE: "due",
    TaskStatus.REVISIT: "revisit",
    TaskStatus.REFUSED: "refused",
    TaskStatus.MOVED_AWAY: "moved_away",
    TaskStatus.NOT_FOUND: "not_found",
}


def _counts(group: Mapping[str, Any]) -> dict[str, int]:
    """The coverage figures of a group of tasks with one status and the same findings."""
    n = group["n"]
    counts = {"households": n, _STATUS_KEY[group["status"]]: n}
    for flag, key in (
        ("returnee_found", "returnees"),
        ("symptomatic", "symptomatic"),
        ("vulnerable", "vulnerable"),
    ):
        if group[flag]:
            counts[key] = n
    return counts


def _add(entry: dict, counts: dict) -> None:
    for name, n in counts.items():
        entry[name] += n


def coverage(user, round_: ScreeningRound, *, unit_pk: int | None = None) -> dict:
    """Coverage of a round as far as the user sees it.

    One grouped count over the round's tasks (by grid, worker, status and findings: a few
    hundred groups for a street of 100,000 households), summed per grid, community, street
    and worker in Python. Over a whole street the page lists the communities; the grids
    and workers of one community (``unit_pk``) are listed when it is opened. Visits per
    day, for the last ``DAYS_SHOWN`` days with visits, come from the visits' own
    (round, visited_at) index."""
    covers = _covers_round(user, round_)
    tasks = VisitTask.objects.filter(round=round_)
    if not covers:
        tasks = tasks.filter(scope_q(user, Perm.RECORD_VISITS, "grid__path"))
    # Grid, status and findings only: the (round, grid, status) index includes the
    # findings, so this is an index-only scan.
    rows = [
        (g["grid_id"], _counts(g))
        for g in tasks.order_by()
        .values("grid_id", "status", "returnee_found", "symptomatic", "vulnerable")
        .annotate(n=Count("id"))
    ]
    grid_ids = {grid_id for grid_id, _ in rows}
    grids = {u.pk: u for u in OrgUnit.objects.filter(pk__in=grid_ids).only("name", "path", "depth")}
    parent_paths = {
        g.path[: -OrgUnit.steplen * i] for g in grids.values() for i in (1, 2) if g.depth > i
    }
    parents = {
        u.path: u
        for u in OrgUnit.objects.filter(path__in=parent_paths).only("name", "path", "level")
        if u.path.startswith(round_.scope.path)
    }
    # A street's communities are listed first; their grids and workers on demand. A
    # smaller round, or the part of a round a user works in, is listed in full.
    opened = next(
        (u for u in parents.values() if u.pk == unit_pk and u.level == Level.COMMUNITY), None
    )
    detailed = opened is not None or round_.scope.level != Level.STREET or not covers

    def shown(grid) -> bool:
        return detailed and (opened is None or grid.path.startswith(opened.path))

    def entry(bucket: dict, key, **fields) -> dict:
        if key not in bucket:
            bucket[key] = {"key": key, **fields, **dict.fromkeys(COVERAGE, 0)}
        return bucket[key]

    by_grid: dict = {}
    by_unit: dict = {}
    total = dict.fromkeys(COVERAGE, 0)
    for grid_id, counts in rows:
        grid = grids[grid_id]
        _add(total, counts)
        for i in (1, 2):
            parent = parents.get(grid.path[: -OrgUnit.steplen * i])
            if parent is not None:
                unit = entry(
                    by_unit,
                    parent.path,
                    pk=parent.pk,
                    name=parent.name,
                    path=parent.path,
                    level=parent.level,
                )
                _add(unit, counts)
        if shown(grid):
            _add(entry(by_grid, grid.pk, name=grid.name, path=grid.path), counts)
    by_worker: dict = {}
    if by_grid:
        for g in (
            tasks.filter(grid_id__in=list(by_grid))
            .order_by()
            .values("assignee_id", "status", "returnee_found", "symptomatic", "vulnerable")
            .annotate(n=Count("id"))
        ):
            _add(entry(by_worker, g["assignee_id"]), _counts(g))
    workers = {
        u.pk: str(u)
        for u in User.objects.filter(pk__in=[k for k in by_worker if k is not None]).only(
            "username", "display_name"
        )
    }
    for key, worker in by_worker.items():
        worker["name"] = workers.get(key, "")
    grid_list = sorted(by_grid.values(), key=lambda g: g["path"])
    units = sorted(by_unit.values(), key=lambda u: u["path"])
    for unit in units:
        unit["grids"] = (
            [g for g in grid_list if g["path"].startswith(unit["path"])]
            if unit["level"] != Level.STREET and (opened is None or opened.path == unit["path"])
            else []
        )
        unit["opened"] = bool(unit["grids"])
    return {
        "total": total,
        "units": units,
        "grids": grid_list,
        "detailed": detailed,
        "opened": opened,
        "workers": sorted(by_worker.values(), key=lambda w: w["name"]),
        "days": _visits_per_day(user, round_, covers),
    }


def _visits_per_day(user, round_: ScreeningRound, covers: bool) -> list[dict]:
    visits = Visit.objects.filter(round=round_)
    if not covers:
        visits = visits.filter(scope_q(user, Perm.RECORD_VISITS, "task__grid__path"))
    latest = visits.aggregate(at=Max("visited_at"))["at"]
    if latest is None:
        return []
    since = datetime.datetime.combine(
        timezone.localdate(latest) - datetime.timedelta(days=DAYS_SHOWN - 1),
        datetime.time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    days = (
        visits.filter(visited_at__gte=since)
        .annotate(day=TruncDate("visited_at"))
        .values("day")
        .annotate(
            visits=Count("id"),
            **{o.value: Count("id", filter=Q(outcome=o.value)) for o in Outcome},
        )
        .order_by("-day")
    )
    return [dict(d) for d in days]


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


# ---------------------------------------------------------------- home


def my_tasks_due(user, *, day: datetime.date) -> QuerySet[VisitTask]:
    """The actor's visit tasks to do by ``day`` in open rounds under way."""
    todo = Q(status=TaskStatus.DUE) | Q(status=TaskStatus.REVISIT, revisit_on__lte=day)
    return VisitTask.objects.filter(
        todo,
        scope_q(user, Perm.RECORD_VISITS, "grid__path"),
        assignee=user,
        round__status=RoundStatus.OPEN,
        round__starts_on__lte=day,
    )


def open_rounds_progress(user, *, day: datetime.date, limit: int = 10) -> list[ScreeningRound]:
    """Open rounds in scope with ``done`` and ``total`` tasks (of the actor's scope)."""
    done = ~(Q(tasks__status=TaskStatus.DUE) | Q(tasks__status=TaskStatus.REVISIT))
    in_scope = scope_q(user, Perm.RECORD_VISITS, "tasks__grid__path")
    rounds = (
        rounds_visible_to(user)
        .filter(status=RoundStatus.OPEN, starts_on__lte=day)
        .annotate(
            total=Count("tasks", filter=in_scope),
            done=Count("tasks", filter=in_scope & done),
        )
        .order_by("ends_on", "pk")
    )
    return list(rounds[:limit])
