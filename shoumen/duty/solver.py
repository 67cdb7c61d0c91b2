"""Solving a duty roster with OR-Tools CP-SAT (the model is in model.py).

Hard rules always hold in a returned roster. Soft goals, weighted (``Problem.weights``):
the gaps (largest minus smallest count, not the variance) of nights, weekend shifts and
holiday shifts across people, preferences (no nights, weekends off) and, when solving again,
each shift of the published roster that is not kept. The solver runs until the time limit
or a proven optimum; ``on_progress`` hears of every better roster (objective, bound,
seconds) and may return False to stop early; the best roster so far is what is returned.
When no roster exists, ``Result.shortfalls`` says where and by how much (explain.py).
The search starts from a hint: the published roster when solving again, otherwise a quick
roster filled slot by slot (greedy.py)."""

import datetime
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ortools.sat.python import cp_model

from shoumen.duty import explain, greedy
from shoumen.duty.checker import violations
from shoumen.duty.model import Built, Slot, build
from shoumen.duty.rostering import Assignment, Problem, Result
from shoumen.lib.workdays import HOLIDAY, WEEKEND, day_kind

NUM_WORKERS = 2
Progress = Callable[[dict], bool | None]


class _Watcher(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float, on_progress: Progress | None) -> None:
        super().__init__()
        self.started = started
        self.on_progress = on_progress
        self.seen: list[dict] = []

    def on_solution_callback(self) -> None:
        event = {
            "objective": self.objective_value,
            "bound": self.best_objective_bound,
            "seconds": round(time.perf_counter() - self.started, 3),
        }
        self.seen.append(event)
        if self.on_progress is not None and self.on_progress(event) is False:
            self.stop_search()


def _run(
    problem: Problem,
    built: Built,
    time_limit_s: float,
    on_progress: Progress | None,
    started: float,
    hint: set[tuple[int, int, int, str]] | None = None,
) -> tuple[Any, cp_model.CpSolver, _Watcher]:
    if hint:
        for key, var in built.x.items():
            built.model.add_hint(var, key in hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit_s - (time.perf_counter() - started))
    solver.parameters.num_workers = NUM_WORKERS
    watcher = _Watcher(started, on_progress)
    status = solver.solve(built.model, watcher)
    return status, solver, watcher


def _result(problem: Problem, built: Built, solver, status: Any, watcher, started) -> Result:
    names: dict = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}
    result = Result(status=names.get(status, "unknown"))
    result.progress = watcher.seen
    if watcher.seen:
        result.first_solution_seconds = watcher.seen[0]["seconds"]
    dates = problem.dates
    for (person, post, di, code), var in built.x.items():
        if solver.boolean_value(var):
            result.assignments.append(problem.assignment(post, dates[di], code, person))
    result.assignments.sort(key=lambda a: (a.date, a.post, a.shift, a.person))
    for name, gap in built.gaps.items():
        setattr(result, f"{name}_gap", int(solver.value(gap)))
    result.preference_violations = sum(int(solver.boolean_value(v)) for v in built.preference)
    result.changes = built.changes_constant + sum(
        int(solver.boolean_value(v)) for v in built.changes
    )
    result.objective = solver.objective_value
    result.bound = solver.best_objective_bound
    return result


def solve(
    problem: Problem,
    time_limit_s: float = 60,
    on_progress: Progress | None = None,
    *,
    frozen: dict[Slot, list[int]] | None = None,
    hint: list[Assignment] | None = None,
) -> Result:
    started = time.perf_counter()
    shortfalls = explain.precheck(problem)
    if shortfalls:
        return Result(
            status="infeasible",
            shortfalls=shortfalls,
            wall_seconds=time.perf_counter() - started,
        )
    built = build(problem, frozen=frozen)
    if hint is None:
        hint = greedy.first_roster(problem)
    hint_keys = None
    if hint:
        hint_keys = {(a.person, a.post, (a.date - problem.start).days, a.shift) for a in hint}
    status, solver, watcher = _run(problem, built, time_limit_s, on_progress, started, hint_keys)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        result = _result(problem, built, solver, status, watcher, started)
    elif status == cp_model.INFEASIBLE and frozen is None:
        left = max(1.0, time_limit_s - (time.perf_counter() - started))
        result = Result(status="infeasible", shortfalls=explain.relaxed(problem, left))
    else:
        result = Result(status="infeasible" if status == cp_model.INFEASIBLE else "unknown")
        result.progress = watcher.seen
    result.wall_seconds = round(time.perf_counter() - started, 3)
    return result


def resolve_after_absence(
    problem: Problem,
    previous: list[Assignment],
    person_id: int,
    dates: list[datetime.date],
    time_limit_s: float = 10,
    on_progress: Progress | None = None,
) -> Result:
    """Solve again after ``person_id`` falls out on ``dates`` (sick call): the person's
    days become leave, and the published roster ``previous`` is kept wherever it can be.
    First every other shift stays as it is and only the vacated ones are filled; if that
    is impossible, the shifts within 1, 3, then 7 days either side of the absence are freed
    too, then all of them, the objective counting each published shift not kept (each try
    gets half the time left, the last all of it)."""
    started = time.perf_counter()
    out = set(dates)
    people = [
        replace(p, leave=frozenset(p.leave | out)) if p.id == person_id else p
        for p in problem.people
    ]
    problem = replace(problem, people=people, previous=list(previous))
    kept = [a for a in previous if not (a.person == person_id and a.date in out)]
    vacated = {
        (a.post, (a.date - problem.start).days, a.shift)
        for a in previous
        if a.person == person_id and a.date in out
    }
    lo, hi = min(out), max(out)
    result = Result(status="unknown")
    reaches = (None, 1, 3, 7, problem.days)  # days either side of the absence freed
    for reach in reaches:
        frozen: dict[Slot, list[int]] = {}
        for a in kept:
            slot = (a.post, (a.date - problem.start).days, a.shift)
            near = reach is not None and (
                lo - datetime.timedelta(days=reach) <= a.date <= hi + datetime.timedelta(days=reach)
            )
            if slot not in vacated and not near:
                frozen.setdefault(slot, []).append(a.person)
        left = time_limit_s - (time.perf_counter() - started)
        if left < 0.5:
            break
        result = solve(
            problem,
            left if reach == reaches[-1] else left / 2,
            on_progress,
            frozen=frozen or None,  # nothing frozen: explain if impossible
            hint=kept,
        )
        if result.solved:
            break
    result.wall_seconds = round(time.perf_counter() - started, 3)
    return result


def replacements(
    problem: Problem,
    assignments: list[Assignment],
    post: int,
    date: datetime.date,
    shift: str,
    exclude_person: int,
) -> list[tuple[int, int]]:
    """Who could take ``exclude_person``'s place at ``post`` on ``date``, ``shift`` while
    every hard rule still holds, fewest nights, weekend and holiday shifts so far first
    (the score; lower is fairer)."""
    crew = [
        a
        for a in assignments
        if (a.post, a.date, a.shift) == (post, date, shift) and a.person != exclude_person
    ]
    kinds = {d: day_kind(d) for d in problem.dates}
    found: list[tuple[int, int]] = []
    for person in problem.people:
        if person.id == exclude_person or any(a.person == person.id for a in crew):
            continue
        mine = [a for a in assignments if a.person == person.id]
        new = problem.assignment(post, date, shift, person.id)
        slots = {(a.post, a.date, a.shift) for a in mine}
        others = [
            a for a in assignments if (a.post, a.date, a.shift) in slots and a.person != person.id
        ]
        if violations(problem, [*mine, *others, *crew, new], coverage=False):
            continue
        score = sum(
            (problem.post(a.post).shift(a.shift).is_night)
            + (kinds.get(a.date) == WEEKEND)
            + (kinds.get(a.date) == HOLIDAY)
            for a in mine
        )
        found.append((person.id, int(score)))
    found.sort(key=lambda item: (item[1], item[0]))
    return found
