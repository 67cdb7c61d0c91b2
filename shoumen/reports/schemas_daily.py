"""API shapes of the units' daily reports and of the reporting rates (every kind)."""

import datetime

from ninja import Field, Schema

from shoumen.reports.daily_services import REMARKS_MAX
from shoumen.schools.rates import SCHOOL_DAILY


class DailyReportIn(Schema):
    unit: str = Field(..., max_length=32, description="Code of a community, street or district")
    date: datetime.date | None = Field(None, description="The day (default: today)")


class DailyReportConfirmIn(Schema):
    date: datetime.date | None = Field(None, description="The day to confirm (default: today)")
    remarks: str = Field("", max_length=REMARKS_MAX)


class ReportFigureOut(Schema):
    metric: str
    label: str
    unit: str = Field(..., description="What it counts: persons, reports, alerts, households...")
    value: int | float


class SubUnitReportOut(Schema):
    """A community under a street or district, and its confirmation of the day."""

    unit: str
    name: str
    confirmed_at: datetime.datetime | None
    on_time: bool | None
    zero: bool | None


class DailyReportOut(Schema):
    """A unit's daily report of one day: its figures until confirmed, the figures as sent
    after; ``confirmed_at`` null while it waits. A street's or district's figures sum its
    confirmed communities; ``sub_units`` lists every community under it."""

    id: int = Field(..., description="The org unit's id, for the confirm")
    unit: str
    name: str
    level: str
    date: datetime.date
    deadline: datetime.datetime
    confirmed_at: datetime.datetime | None
    confirmed_by: str | None = Field(..., description="Display name of who confirmed")
    on_time: bool | None
    zero: bool = Field(..., description="No notable figure: the unit's zero report")
    remarks: str
    narrative: str
    figures: list[ReportFigureOut]
    sub_units: list[SubUnitReportOut]


class RatesIn(Schema):
    kind: str = Field(
        SCHOOL_DAILY,
        description="The kind of regular report: school_daily (schools) or unit_daily "
        "(communities' daily report)",
    )
    unit: str = Field(
        ..., max_length=32, description="Org unit code (district, street; a school or a community)"
    )
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


class CommunityRateOut(RateOut):
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
    """``schools`` for school_daily, ``communities`` for unit_daily (the other empty)."""

    kind: str
    unit: str
    start: datetime.date = Field(..., alias="from")
    end: datetime.date = Field(..., alias="to")
    units: list[UnitRateOut]
    schools: list[SchoolRateOut]
    communities: list[CommunityRateOut] = []
    days: list[DayRateOut]
    weeks: list[WeekRateOut]
