"""Filling the daily figures: each registered metric computed for the leaf units of its
level in one set-based pass, summed up the tree by path prefix, and that day's rows for
those metrics replaced in one transaction. Running it again gives the same rows, so a
refill is how late data for a past day is taken in."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shoumen.lib.bulk import copy_rows
from shoumen.lib.metrics import Metric, metric_named, registered_metrics
from shoumen.places.models import OrgUnit
from shoumen.reports.models import DailyFigure, FilledDay

STEP = OrgUnit.steplen
# The key of the per-day advisory lock (PostgreSQL) that keeps two fills of one day apart.
_LOCK_KEY = 0x5D1F
_BATCH = 5000


class UnknownMetricError(ValueError):
    pass


@dataclass(frozen=True)
class Tree:
    """Every org unit's path and level, and the unit at each path, read in one query."""

    path: dict[int, str]
    level: dict[int, str]
    at: dict[str, int]

    @classmethod
    def read(cls) -> "Tree":
        rows = list(OrgUnit.objects.values_list("id", "path", "level"))
        return cls(
            path={pk: path for pk, path, _ in rows},
            level={pk: level for pk, _, level in rows},
            at={path: pk for pk, path, _ in rows},
        )

    def leaves(self, level: str, within: list[str] | None = None) -> list[int]:
        """The units of ``level`` (under one of the paths ``within``, when given)."""
        return [
            pk
            for pk, unit_level in self.level.items()
            if unit_level == level
            and (within is None or any(self.path[pk].startswith(p) for p in within))
        ]

    def ancestors(self, pk: int) -> list[int]:
        """The units above ``pk``, the nearest last."""
        path = self.path[pk]
        found = (self.at.get(path[:end]) for end in range(STEP, len(path), STEP))
        return [a for a in found if a is not None]


def metrics_chosen(names: Iterable[str] | None) -> list[Metric]:
    """The registered metrics named (all when ``names`` is None); an unknown name raises."""
    if names is None:
        return registered_metrics()
    chosen = []
    for name in names:
        metric = metric_named(name)
        if metric is None:
            raise UnknownMetricError(name)
        chosen.append(metric)
    return chosen


def sum_up(tree: Tree, leaf_values: dict[int, float], only: set[int] | None = None):
    """The leaves' values with each ancestor's sum of its leaves (``only`` those
    ancestors, when given)."""
    totals: dict[int, float] = defaultdict(float)
    for pk, value in leaf_values.items():
        totals[pk] += value
        for ancestor in tree.ancestors(pk):
            if only is None or ancestor in only:
                totals[ancestor] += value
    return totals


def compute_leaves(metric: Metric, leaves: list[int], day: datetime.date) -> dict[int, float]:
    """The metric's values for ``leaves``: those it gave for other units are left out."""
    if not leaves:
        return {}
    wanted = set(leaves)
    return {pk: float(v) for pk, v in metric.compute(leaves, day).items() if pk in wanted and v}


def figures_fill(
    *,
    day: datetime.date,
    metrics: Iterable[str] | None = None,
    unit_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Compute and store ``day``'s figures of ``metrics`` (all registered) for every unit.

    With ``unit_ids``, only the leaves under those units (the units themselves when they
    are leaves) are computed again; their ancestors are summed again from them and the
    other leaves' stored values. A fill of every metric and unit marks the day filled as of
    its start. Returns the counts of metrics, leaves computed and rows written."""
    started = timezone.now()
    chosen = metrics_chosen(metrics)
    tree = Tree.read()
    within = None
    if unit_ids is not None:
        within = [tree.path[pk] for pk in set(unit_ids) if pk in tree.path]
    computed: dict[str, dict[int, float]] = {}
    leaves_of: dict[str, list[int]] = {}
    for metric in chosen:
        leaves_of[metric.name] = tree.leaves(metric.level, within)
        computed[metric.name] = compute_leaves(metric, leaves_of[metric.name], day)

    rows: list[tuple[int, datetime.date, str, float]] = []
    replaced: dict[str, set[int]] = {}
    stored = _stored_leaf_values(tree, chosen, day) if within is not None else {}
    for metric in chosen:
        values = computed[metric.name]
        if within is None:
            totals = sum_up(tree, values)
        else:
            recomputed = set(leaves_of[metric.name])
            above = {a for pk in recomputed for a in tree.ancestors(pk)}
            others = {
                pk: v for pk, v in stored.get(metric.name, {}).items() if pk not in recomputed
            }
            totals = sum_up(tree, values, only=above)
            for pk, value in sum_up(tree, others, only=above).items():
                if pk in above:
                    totals[pk] += value
            replaced[metric.name] = recomputed | above
        rows.extend((pk, day, metric.name, v) for pk, v in sorted(totals.items()) if v)

    with transaction.atomic():
        _lock_day(day)
        gone = DailyFigure.objects.filter(date=day, metric__in=[m.name for m in chosen])
        if within is None:
            deleted, _ = gone.delete()
        else:
            deleted = 0
            for name, units in replaced.items():
                deleted += gone.filter(metric=name, unit_id__in=units).delete()[0]
        _write(rows)
        if metrics is None and within is None:
            FilledDay.objects.update_or_create(date=day, defaults={"filled_at": started})
    leaves = sum(len(v) for v in leaves_of.values())
    return {"metrics": len(chosen), "leaves": leaves, "rows": len(rows), "deleted": deleted}


def _stored_leaf_values(
    tree: Tree, chosen: list[Metric], day: datetime.date
) -> dict[str, dict[int, float]]:
    """The stored values of the chosen metrics' leaves for ``day``, by metric and unit."""
    level_of = {m.name: m.level for m in chosen}
    found: dict[str, dict[int, float]] = defaultdict(dict)
    rows = DailyFigure.objects.filter(date=day, metric__in=list(level_of)).values_list(
        "unit_id", "metric", "value"
    )
    for pk, name, value in rows:
        if tree.level.get(pk) == level_of[name]:
            found[name][pk] = value
    return found


def _lock_day(day: datetime.date) -> None:
    """Two fills of the same day wait for each other (PostgreSQL: an advisory lock held
    until the transaction ends; SQLite has one writer at a time anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_KEY, day.toordinal()])


def _write(rows: list[tuple[int, datetime.date, str, float]]) -> None:
    if connection.vendor == "postgresql":
        copy_rows(DailyFigure, ["unit_id", "date", "metric", "value"], rows)
        return
    DailyFigure.objects.bulk_create(
        (DailyFigure(unit_id=u, date=d, metric=m, value=v) for u, d, m, v in rows),
        batch_size=_BATCH,
    )
