"""Reporting rates, as DHIS2 counts them: expected reports, actual (confirmed) ones and
those on time (confirmed by the deadline), per reporting unit, summed up the tree, per day
and per ISO week. Each kind of report (the schools' daily report, the units' daily report)
counts its own; this is their common arithmetic."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERR_PERIOD = _("The period must end on or after its first day.")
ERR_PERIOD_TOO_LONG = _("Ask for at most %(days)d days at a time.")
MAX_DAYS = 400


def period_check(start: datetime.date, end: datetime.date) -> None:
    """Refuse a period that ends before it starts or is longer than MAX_DAYS."""
    if end < start:
        raise ValidationError({"end": [ERR_PERIOD]})
    if (end - start).days >= MAX_DAYS:
        raise ValidationError({"end": [ERR_PERIOD_TOO_LONG % {"days": MAX_DAYS}]})


@dataclass
class Rate:
    expected: int = 0
    actual: int = 0
    on_time: int = 0

    def add(self, other: "Rate") -> None:
        self.expected += other.expected
        self.actual += other.actual
        self.on_time += other.on_time

    @property
    def percent(self) -> int | None:
        return round(100 * self.actual / self.expected) if self.expected else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.expected) if self.expected else None


@dataclass(kw_only=True)
class ReporterRate(Rate):
    """One reporting unit's counts, with the days it missed and the days it was late."""

    missing: list[datetime.date] = field(default_factory=list)
    late: list[datetime.date] = field(default_factory=list)

    def count(self, day: datetime.date, day_rate: Rate, on_time: bool | None) -> None:
        """One report expected of this unit on ``day`` (also counted in ``day_rate``):
        ``on_time`` is None when it is missing."""
        for rate in (self, day_rate):
            rate.expected += 1
            if on_time is not None:
                rate.actual += 1
                rate.on_time += int(on_time)
        if on_time is None:
            self.missing.append(day)
        elif not on_time:
            self.late.append(day)


def total_of(rows: Iterable[Rate]) -> Rate:
    total = Rate()
    for row in rows:
        total.add(row)
    return total


R = TypeVar("R", bound=Rate)


def rolled_up(nodes: dict[str, R], rows: Iterable[tuple[str, Rate]]) -> list[R]:
    """Each node (by its tree path) with the sums of the rows (by path) under it."""
    for path, row in rows:
        for node_path, node in nodes.items():
            if path.startswith(node_path):
                node.add(row)
    return list(nodes.values())


@dataclass(kw_only=True)
class UnitRate(Rate):
    """A unit of the tree (an OrgUnit) with the sums of the reporting units under it."""

    unit: Any


def units_rolled_up(
    unit: Any, nodes: Iterable[Any], rows: Iterable[tuple[str, Rate]]
) -> list[UnitRate]:
    """``unit`` and the ``nodes`` under it (org units in tree order), each with the sums
    of the rows (by path) under it."""
    found = {n.path: UnitRate(unit=n) for n in nodes}
    if unit.path not in found:
        found = {unit.path: UnitRate(unit=unit), **found}
    return rolled_up(found, rows)


def days_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    return [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)]


def week_label(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def by_week(days: dict[datetime.date, Rate]) -> list[tuple[str, datetime.date, Rate]]:
    """The days' rates summed per ISO week: ("2026-W49", its Monday, rate), in order."""
    weeks: dict[str, tuple[datetime.date, Rate]] = {}
    for day, rate in sorted(days.items()):
        monday = day - datetime.timedelta(days=day.weekday())
        weeks.setdefault(week_label(day), (monday, Rate()))[1].add(rate)
    return [(label, monday, rate) for label, (monday, rate) in weeks.items()]
