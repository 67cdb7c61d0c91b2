"""Which days are holidays, weekends or working days in China (for school days, duty
rosters and anything else that follows the working calendar), from the ``holidays``
package: public holidays off, weekend make-up workdays (调休) on. A weekend day that joins
a run of days off holding a public holiday belongs to that holiday break (so the whole
Spring Festival break counts as holiday duty, not only its statutory days); other
Saturdays and Sundays are weekends."""

import datetime
from functools import lru_cache

import holidays

HOLIDAY = "holiday"
WEEKEND = "weekend"
WORKDAY = "workday"


@lru_cache(maxsize=16)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("CN", years=year)


def is_public_holiday(day: datetime.date) -> bool:
    return day in _china(day.year)


def is_working_day(day: datetime.date) -> bool:
    """A weekday that is not a public holiday, or a weekend make-up workday (调休)."""
    return _china(day.year).is_working_day(day)


def _break_holds_holiday(day: datetime.date) -> bool:
    """Whether the run of consecutive days off around ``day`` holds a public holiday."""
    for step in (-1, 1):
        other = day
        while True:
            other += datetime.timedelta(days=step)
            if is_working_day(other):
                break
            if is_public_holiday(other):
                return True
    return False


@lru_cache(maxsize=4096)
def day_kind(day: datetime.date) -> str:
    """``"holiday"``, ``"weekend"`` or ``"workday"``."""
    if is_public_holiday(day):
        return HOLIDAY
    if is_working_day(day):
        return WORKDAY
    return HOLIDAY if _break_holds_holiday(day) else WEEKEND
