"""China's holidays and make-up workdays (调休) from the ``holidays`` package decide which
shifts are holiday or weekend duty."""

import datetime
from collections import Counter

import holidays

from shoumen.duty.solver import solve
from shoumen.lib.workdays import HOLIDAY, WEEKEND, WORKDAY, day_kind
from tests.duty.helpers import people, post, problem


def test_spring_festival_2026_days_are_holidays():
    spring = [
        d
        for d, name in holidays.country_holidays("CN", years=2026).items()
        if "Spring Festival" in name
    ]
    assert datetime.date(2026, 2, 17) in spring
    for day in spring:
        assert day_kind(day) == HOLIDAY
    # The weekend inside the break is part of it.
    assert day_kind(datetime.date(2026, 2, 21)) == HOLIDAY
    assert day_kind(datetime.date(2026, 2, 15)) == HOLIDAY


def test_a_make_up_workday_is_not_a_weekend():
    saturday = datetime.date(2026, 2, 14)  # 调休: worked for the Spring Festival
    assert saturday.weekday() == 5
    assert day_kind(saturday) == WORKDAY
    assert day_kind(datetime.date(2026, 2, 28)) == WORKDAY
    assert day_kind(datetime.date(2026, 3, 7)) == WEEKEND
    assert day_kind(datetime.date(2026, 3, 9)) == WORKDAY


def test_holiday_headcount_applies_on_holidays():
    spot = post(1)
    spot.headcount[("holiday", "D")] = 2
    assert spot.need(datetime.date(2026, 2, 17), "D") == 2
    assert spot.need(datetime.date(2026, 2, 14), "D") == 1
    spot.headcount[(5, "D")] = 3  # Saturdays
    assert spot.need(datetime.date(2026, 3, 7), "D") == 3
    assert spot.need(datetime.date(2026, 2, 21), "D") == 2


def test_spring_festival_duty_counts_as_holiday_duty_and_is_shared():
    prob = problem([post(1)], people(6), days=7, start=datetime.date(2026, 2, 15))
    result = solve(prob, time_limit_s=8)
    assert result.solved
    holiday_shifts = Counter(a.person for a in result.assignments if day_kind(a.date) == HOLIDAY)
    assert sum(holiday_shifts.values()) == 21  # every day from 2-15 to 2-21 is in the break
    counts = [holiday_shifts.get(i, 0) for i in range(1, 7)]
    assert result.holidays_gap == max(counts) - min(counts) <= 1
