"""Reporting rates as DHIS2 counts them: expected = schools × school days (China's holidays
and make-up workdays, each school's terms), actual = confirmed reports, on time = by the
deadline; per school, summed up the tree, per day and per week; only the actor's scope."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from shoumen.schools.models import DailyReport, Term
from shoumen.schools.rates import ERR_UNKNOWN_KIND, reporting_rates
from tests.schools.daily_helpers import at

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 9, 28)
SUNDAY_AFTER = datetime.date(2026, 10, 11)
# Mon 28 – Wed 30 Sep, then the National Day holiday to Wed 7 Oct (Sun 4 Oct off too), then
# Thu 8, Fri 9 and the make-up Saturday 10 Oct: six school days.
SCHOOL_DAYS = [
    datetime.date(2026, 9, 28),
    datetime.date(2026, 9, 29),
    datetime.date(2026, 9, 30),
    datetime.date(2026, 10, 8),
    datetime.date(2026, 10, 9),
    datetime.date(2026, 10, 10),
]


def report(school, day, on_time=True):
    return DailyReport.objects.create(
        school=school, date=day, confirmed_at=at(day, 15), on_time=on_time
    )


def rates(world, actor, unit_code="D1", start=MONDAY, end=SUNDAY_AFTER, now=None):
    with time_machine.travel(now or at(SUNDAY_AFTER, 20), tick=False):
        return reporting_rates(actor=actor, unit=world.unit(unit_code), start=start, end=end)


def by_code(result):
    return {row.school.unit.code: row for row in result.schools}


def test_expected_counts_school_days_over_a_holiday_and_a_make_up_workday(world):
    result = rates(world, world.education_officer)
    rows = by_code(result)
    assert rows["SCH1"].expected == len(SCHOOL_DAYS) == 6
    assert rows["SCH1"].missing == SCHOOL_DAYS
    assert result.total.expected == 12


def test_term_dates_limit_what_is_expected(world):
    Term.objects.create(
        school=world.other_school,
        name="秋季学期",
        starts_on=datetime.date(2026, 9, 29),
        ends_on=datetime.date(2026, 10, 9),
    )
    rows = by_code(rates(world, world.education_officer))
    assert rows["SCH2"].expected == 4  # 29, 30 Sep, 8, 9 Oct
    assert rows["SCH1"].expected == 6


def test_actual_on_time_late_and_missing_per_school(world):
    report(world.school, SCHOOL_DAYS[0])
    report(world.school, SCHOOL_DAYS[1], on_time=False)
    report(world.other_school, SCHOOL_DAYS[5])
    result = rates(world, world.cdc_officer)
    rows = by_code(result)
    sch1 = rows["SCH1"]
    assert (sch1.expected, sch1.actual, sch1.on_time) == (6, 2, 1)
    assert sch1.late == [SCHOOL_DAYS[1]]
    assert sch1.missing == SCHOOL_DAYS[2:]
    assert (sch1.percent, sch1.on_time_percent) == (33, 17)
    assert (result.total.expected, result.total.actual, result.total.on_time) == (12, 3, 2)


def test_sums_up_the_tree(world):
    report(world.school, SCHOOL_DAYS[0])
    report(world.other_school, SCHOOL_DAYS[0], on_time=False)
    units = {u.unit.code: u for u in rates(world, world.education_officer).units}
    assert list(units) == ["D1", "S1", "S2"]
    assert (units["D1"].expected, units["D1"].actual, units["D1"].on_time) == (12, 2, 1)
    assert (units["S1"].expected, units["S1"].actual, units["S1"].on_time) == (6, 1, 1)
    assert (units["S2"].expected, units["S2"].actual, units["S2"].on_time) == (6, 1, 0)


def test_per_day_and_per_week(world):
    report(world.school, SCHOOL_DAYS[0])
    result = rates(world, world.education_officer)
    days = dict(result.days)
    assert days[MONDAY].expected == 2 and days[MONDAY].actual == 1
    assert days[datetime.date(2026, 10, 1)].expected == 0  # National Day
    assert days[datetime.date(2026, 10, 10)].expected == 2  # make-up Saturday
    weeks = {label: rate for label, _monday, rate in result.weeks}
    assert list(weeks) == ["2026-W40", "2026-W41"]
    assert (weeks["2026-W40"].expected, weeks["2026-W40"].actual) == (6, 1)
    assert weeks["2026-W41"].expected == 6


def test_days_still_to_come_expect_nothing(world):
    result = rates(world, world.education_officer, now=at(datetime.date(2026, 10, 8), 9))
    assert by_code(result)["SCH1"].expected == 4


def test_a_principal_counts_their_own_school_only(world):
    report(world.other_school, SCHOOL_DAYS[0])
    result = rates(world, world.principal)
    assert list(by_code(result)) == ["SCH1"]
    assert result.total.expected == 6 and result.total.actual == 0


def test_roles_without_schools_count_nothing(world):
    assert rates(world, world.district_officer).schools == []


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        reporting_rates(
            actor=world.education_officer,
            kind="weekly",
            unit=world.unit("D1"),
            start=MONDAY,
            end=SUNDAY_AFTER,
        )
    assert refused.value.message_dict["kind"] == [str(ERR_UNKNOWN_KIND % {"kind": "weekly"})]


def test_reads_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    report(world.school, SCHOOL_DAYS[0])
    actor = world.education_officer
    unit = world.unit("D1")
    frozen = time_machine.travel(at(SUNDAY_AFTER, 20), tick=False)
    with frozen, django_assert_max_num_queries(5):
        reporting_rates(actor=actor, unit=unit, start=MONDAY, end=SUNDAY_AFTER)
