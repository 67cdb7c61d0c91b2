"""Reading the daily figures, scoped by the actor: past days from the stored rows; today
from the stored rows too while the scheduled fill of today is fresh
(SHOUMEN_TODAY_FIGURES_SECONDS), else computed live for the leaves under the units asked
for and kept in the cache briefly."""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, scope_paths
from shoumen.lib.dates import today
from shoumen.lib.metrics import Metric
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.models import DailyFigure, FilledDay
from shoumen.reports.services import compute_leaves, metrics_chosen

LIVE_SECONDS = 60
# Who sees the residents' figures of a unit; the schools' figures are seen by them and by
# those who see the schools.
# The registry alone (the health centre's people) shows no figures: they count key persons.
RESIDENT_PERMS = (Perm.VIEW_OBSERVATIONS,)
SCHOOL_PERMS = (*RESIDENT_PERMS, Perm.VIEW_SCHOOLS)


@dataclass(frozen=True)
class Figure:
    unit: OrgUnit
    date: datetime.date
    metric: str
    value: float


def _is_school_metric(metric: Metric) -> bool:
    return metric.level == Level.SCHOOL


def _perms_for(metric: Metric) -> tuple[str, ...]:
    if metric.perms:
        return metric.perms
    return SCHOOL_PERMS if _is_school_metric(metric) else RESIDENT_PERMS


def sees_figures_at(actor, path: str, perms: tuple[str, ...] = RESIDENT_PERMS) -> bool:
    """Whether ``actor`` sees the residents' figures (with ``perms`` = SCHOOL_PERMS, some
    figures) of the unit at ``path``."""
    return any(covers(actor, perm, path) for perm in perms)


def may_see_figures(actor) -> bool:
    """Whether ``actor`` sees some figures somewhere."""
    return any(scope_paths(actor, perm) for perm in SCHOOL_PERMS)


def metrics_visible_to(actor, unit: OrgUnit | None = None, names=None) -> list[Metric]:
    """The metrics (of ``names``, all by default) whose figures ``actor`` sees for ``unit``
    (somewhere, without one). An unknown name raises UnknownMetricError."""
    visible = []
    for metric in metrics_chosen(names):
        perms = _perms_for(metric)
        if unit is None:
            seen = any(scope_paths(actor, perm) for perm in perms)
        else:
            seen = sees_figures_at(actor, unit.path, perms)
        if seen:
            visible.append(metric)
    return visible


def figures_of(
    actor,
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    metrics=None,
    children: bool = False,
) -> list[Figure]:
    """The non-zero daily values from ``start`` to ``end`` of ``unit`` (or, with
    ``children``, of each unit directly under it) for the metrics ``actor`` sees there
    (of ``metrics``, names; all by default), by unit path, date and metric.

    Raises OrgUnit.DoesNotExist when the unit is outside the actor's scope."""
    if not sees_figures_at(actor, unit.path, SCHOOL_PERMS):
        raise OrgUnit.DoesNotExist
    shown = metrics_visible_to(actor, unit, metrics)
    if not shown:
        return []
    if children:
        units = list(
            OrgUnit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by(
                "path"
            )
        )
    else:
        units = [unit]
    if not units:
        return []
    names = [m.name for m in shown]
    by_id = {u.pk: u for u in units}
    current = today()
    found: list[Figure] = []
    today_stored = start <= current <= end and today_is_filled(current)
    last_stored = min(end, current if today_stored else current - datetime.timedelta(days=1))
    if start <= last_stored:
        rows = DailyFigure.objects.filter(
            unit_id__in=list(by_id), date__range=(start, last_stored), metric__in=names
        ).values_list("unit_id", "date", "metric", "value")
        found.extend(Figure(by_id[pk], day, name, value) for pk, day, name, value in rows)
    if start <= current <= end and not today_stored:
        for (pk, name), value in live_values(units, shown, current).items():
            found.append(Figure(by_id[pk], current, name, value))
    order = {name: i for i, name in enumerate(names)}
    found.sort(key=lambda f: (f.unit.path, f.date, order[f.metric]))
    return found


def today_is_filled(day: datetime.date) -> bool:
    """Whether ``day``'s stored figures are a fill younger than SHOUMEN_TODAY_FIGURES_SECONDS."""
    filled = FilledDay.objects.filter(date=day).values_list("filled_at", flat=True).first()
    fresh = datetime.timedelta(seconds=settings.SHOUMEN_TODAY_FIGURES_SECONDS)
    return filled is not None and timezone.now() - filled <= fresh


def live_values(
    units: list[OrgUnit], metrics: list[Metric], day: datetime.date
) -> dict[tuple[int, str], float]:
    """Each unit's non-zero value of each metric on ``day``, computed from the leaves under
    it, by (unit id, metric name); cached for LIVE_SECONDS."""
    asked = "|".join(
        [day.isoformat(), ",".join(str(u.pk) for u in units), ",".join(m.name for m in metrics)]
    )
    key = "reports:live:" + hashlib.sha256(asked.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    under = reduce(or_, (Q(path__startswith=u.path) for u in units))
    leaves = OrgUnit.objects.filter(under, level__in={m.level for m in metrics})
    path_of: dict[int, str] = {}
    by_level: dict[str, list[int]] = defaultdict(list)
    for pk, path, level in leaves.values_list("id", "path", "level"):
        path_of[pk] = path
        by_level[level].append(pk)
    values: dict[tuple[int, str], float] = defaultdict(float)
    for metric in metrics:
        for leaf, value in compute_leaves(metric, by_level.get(metric.level, []), day).items():
            leaf_path = path_of[leaf]
            for unit in units:
                if leaf_path.startswith(unit.path):
                    values[(unit.pk, metric.name)] += value
    result = {k: v for k, v in values.items() if v}
    cache.set(key, result, LIVE_SECONDS)
    return result
