"""Reporting rates, as DHIS2 counts them: expected reports, actual (confirmed) ones and
those on time (confirmed by the deadline), per reporting unit, summed up the tree, per day
and per ISO week. Each kind of report (the schools' daily report, the units' daily report)
counts its own; this is their common arithmetic."""

import datetime
from dataclasses import dataclass


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
