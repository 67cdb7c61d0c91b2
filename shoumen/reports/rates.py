"""Reporting rates of the units' daily report (kind ``unit_daily``): expected = communities
× days whose deadline has passed, actual = confirmed reports, on time = confirmed by the
deadline; per community, summed up the tree (street, district), per day and per ISO week.
Only communities in the actor's scope count. Today is expected once its deadline has
passed; before that it counts neither way."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from shoumen.lib.rates import (
    Rate,
    ReporterRate,
    UnitRate,
    by_week,
    days_between,
    period_check,
    total_of,
    units_rolled_up,
)
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.daily import deadline_of
from shoumen.reports.models import DailyReport
from shoumen.reports.selectors import sees_figures_at

UNIT_DAILY = "unit_daily"
ROLLUP_LEVELS = (Level.DISTRICT, Level.STREET)


@dataclass(kw_only=True)
class CommunityRate(ReporterRate):
    unit: OrgUnit


@dataclass
class UnitRates:
    unit: OrgUnit
    start: datetime.date
    end: datetime.date
    total: Rate
    communities: list[CommunityRate]
    units: list[UnitRate]  # the unit and the streets and districts under it, tree order
    days: list[tuple[datetime.date, Rate]]
    weeks: list[tuple[str, datetime.date, Rate]]


def due_days(
    start: datetime.date, end: datetime.date, now: datetime.datetime | None = None
) -> list[datetime.date]:
    """The days from ``start`` to ``end`` whose report is due by ``now``."""
    now = now or timezone.now()
    current = timezone.localdate(now)
    last = min(end, current)
    if last == current and now <= deadline_of(last):
        last -= datetime.timedelta(days=1)
    return days_between(start, last) if start <= last else []


def communities_seen(actor, unit: OrgUnit) -> list[OrgUnit]:
    """The communities under ``unit`` (itself, when it is one) in the actor's scope."""
    found = OrgUnit.objects.filter(path__startswith=unit.path, level=Level.COMMUNITY)
    return [c for c in found.order_by("path") if sees_figures_at(actor, c.path)]


def unit_report_rates(
    *,
    actor,
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
    now: datetime.datetime | None = None,
) -> UnitRates:
    """Rates of the communities under ``unit`` from ``start`` to ``end``; two queries, whatever
    the number of communities. The caller checks the actor sees ``unit``; a period that
    ends before it starts or is too long is refused (ValidationError)."""
    period_check(start, end)
    communities = communities_seen(actor, unit)
    due = due_days(start, end, now)
    punctual = {
        (unit_id, day): on_time
        for unit_id, day, on_time in DailyReport.objects.filter(
            unit_id__in=[c.pk for c in communities], date__in=due
        ).values_list("unit_id", "date", "on_time")
    }
    by_day = {d: Rate() for d in days_between(start, end)}
    rows: list[CommunityRate] = []
    for community in communities:
        row = CommunityRate(unit=community)
        for day in due:
            row.count(day, by_day[day], punctual.get((community.pk, day)))
        rows.append(row)
    return UnitRates(
        unit=unit,
        start=start,
        end=end,
        total=total_of(rows),
        communities=rows,
        units=_rolled_up(unit, rows),
        days=list(by_day.items()),
        weeks=by_week(by_day),
    )


def _rolled_up(unit: OrgUnit, rows) -> list[UnitRate]:
    """The unit and each street or district under it, with its communities' sums."""
    nodes = OrgUnit.objects.filter(path__startswith=unit.path, level__in=ROLLUP_LEVELS)
    return units_rolled_up(unit, nodes.order_by("path"), ((row.unit.path, row) for row in rows))
