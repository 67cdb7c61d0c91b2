"""API shapes of the school daily reports and the reporting rates."""

import datetime
from typing import Any

from ninja import Field, Schema

from shoumen.schools.rates import SCHOOL_DAILY


class SchoolReportsIn(Schema):
    date: datetime.date | None = Field(None, description="The day (default: today)")


class ConfirmIn(Schema):
    date: datetime.date | None = Field(None, description="The day to confirm (default: today)")
    remarks: str = Field("", max_length=500)


class SchoolReportOut(Schema):
    """One school's daily report of one day; ``confirmed`` false (and the times null) while
    it waits. ``figures``: classes, enrolled, present, sick_absent, personal_absent,
    symptomatic, by_symptom {code: pupils}, sessions {session: the checks' sums}; empty
    until confirmed."""

    school: int
    school_name: str
    date: datetime.date
    school_day: bool
    confirmed: bool
    confirmed_at: datetime.datetime | None
    on_time: bool | None
    nothing_found: bool | None
    remarks: str
    figures: dict[str, Any]


class RatesIn(Schema):
    kind: str = Field(SCHOOL_DAILY, description="The kind of regular report: school_daily")
    unit: str = Field(..., max_length=32, description="Org unit code (district, street, school)")
    start: datetime.date | None = Field(
        None, alias="from", description="First day (default: 6 days before to)"
    )
    end: datetime.date | None = Field(None, alias="to", description="Last day (default: today)")


class RateOut(Schema):
    expected: int
    actual: int
    on_time: int


class UnitRateOut(RateOut):
    code: str
    name: str
    level: str


class SchoolRateOut(RateOut):
    school: int
    code: str
    name: str
    late: list[datetime.date]
    missing: list[datetime.date]


class DayRateOut(RateOut):
    date: datetime.date


class WeekRateOut(RateOut):
    week: str
    monday: datetime.date


class RatesOut(RateOut):
    kind: str
    unit: str
    start: datetime.date = Field(..., alias="from")
    end: datetime.date = Field(..., alias="to")
    units: list[UnitRateOut]
    schools: list[SchoolRateOut]
    days: list[DayRateOut]
    weeks: list[WeekRateOut]
