"""The supplies' daily figures, per community and day (see ``shoumen.lib.metrics``):
households handed supplies that day, and low-stock alerts open at the day's end, so that
boards and the daily report carry them without anyone counting again."""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.alerts.models import Alert, Cause
from shoumen.lib.metrics import Metric, register_metrics
from shoumen.places.models import Level, OrgUnit
from shoumen.supplies.models import Movement, MovementKind


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return start, start + datetime.timedelta(days=1)


def households_served(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Distinct households handed supplies on ``day`` from holders under each community."""
    paths = dict(OrgUnit.objects.filter(pk__in=unit_ids).values_list("path", "pk"))
    if not paths:
        return {}
    start, end = _day_bounds(day)
    under = Q()
    for path in paths:
        under |= Q(holder__org_unit__path__startswith=path)
    rows = (
        Movement.objects.filter(
            under,
            kind=MovementKind.ISSUE,
            household__isnull=False,
            recorded_at__gte=start,
            recorded_at__lt=end,
        )
        .values_list("holder__org_unit__path", "household_id")
        .distinct()
        .order_by()
    )
    length = len(next(iter(paths)))
    served: dict[int, set[int]] = defaultdict(set)
    for path, household_id in rows:
        unit_id = paths.get(path[:length])
        if unit_id is not None:
            served[unit_id].add(household_id)
    return {unit_id: float(len(h)) for unit_id, h in served.items() if h}


def low_stock_open(unit_ids: list[int], day: datetime.date) -> dict[int, float]:
    """Low-stock alerts of each community open at the end of ``day``."""
    _start, end = _day_bounds(day)
    rows = Alert.objects.filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=end),
        cause=Cause.SUPPLIES_LOW_STOCK,
        grid_id__in=unit_ids,
        opened_at__lt=end,
    ).values_list("grid_id", flat=True)
    counts: dict[int, float] = defaultdict(float)
    for grid_id in rows:
        counts[grid_id] += 1
    return dict(counts)


def metrics() -> list[Metric]:
    return [
        Metric(
            "supplies.households_served",
            _("Households handed supplies"),
            "households",
            households_served,
            level=Level.COMMUNITY,
            order=85,
            phrase=_("supplies handed to %(value)s households"),
        ),
        Metric(
            "supplies.low_stock",
            _("Supplies below their reorder level"),
            "alerts",
            low_stock_open,
            level=Level.COMMUNITY,
            order=86,
            stock=True,
            phrase=_("%(value)s supplies below their reorder level"),
        ),
    ]


def register() -> None:
    register_metrics(metrics())
