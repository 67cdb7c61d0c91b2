"""The metric registry: each app declares its daily figures here (from its own
``metrics.py``, registered in its AppConfig.ready()), and the reports app computes, stores
and rolls them up the tree without knowing any app's tables.

A metric is computed for a set of leaf org units (grids; schools for the schools' metrics)
and one day, in one set-based pass: ``compute(unit_ids, day)`` returns the value of each
unit that has one (a unit left out counts 0). Values of a unit's subtree are summed, so a
rate is declared as two counts (done and due) and divided when it is shown."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise

Compute = Callable[[list[int], datetime.date], dict[int, float]]


@dataclass(frozen=True)
class Metric:
    name: str  # stable code, e.g. "observation.started"; the API's name
    label: "str | Promise"  # a lazy translation: what the board and the daily report show
    unit: str  # what it counts: "persons", "reports", "alerts", "households", "%"...
    compute: Compute
    # The org unit level whose units it is computed for: "grid", or "school".
    level: str = "grid"
    # Its place on boards and in the daily report's table, lower first.
    order: int = 100
    # A non-zero value is news the daily report must carry: with none, the report is the
    # unit's zero report ("nothing new to report today").
    notable: bool = False
    # What stands at the end of the day (persons under observation, a backlog), not what
    # happened that day: over several days it is the last day's value, never the sum.
    stock: bool = False
    # The daily report narrative's words for a non-zero value, formatted with %(value)s
    # (a lazy translation); None leaves the metric to the table.
    phrase: "str | Promise | None" = None
    # The rights (any of them) under which its figures are seen; empty: the residents' (or,
    # for a school metric, the schools') figures' rights.
    perms: tuple[str, ...] = ()


def shown(value: float) -> int | float:
    """A figure as pages, exports and the API show it: whole numbers without ".0"."""
    return int(value) if float(value).is_integer() else value


_metrics: dict[str, Metric] = {}


def register_metrics(metrics: Iterable[Metric]) -> None:
    """Register (or replace, on a second ready()) each metric by its name."""
    for metric in metrics:
        _metrics[metric.name] = metric


def registered_metrics() -> list[Metric]:
    return sorted(_metrics.values(), key=lambda m: (m.order, m.name))


def metric_named(name: str) -> Metric | None:
    return _metrics.get(name)
