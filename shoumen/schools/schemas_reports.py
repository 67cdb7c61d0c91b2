"""API shapes of the school daily reports (the reporting rates' shapes: reports.schemas_daily)."""

import datetime
from typing import Any

from ninja import Field, Schema


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
