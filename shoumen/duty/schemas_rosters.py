"""API shapes of duty rosters: solving one, reading its progress, figures, shortfalls and
shifts, publishing it, listing a community's rosters."""

import datetime

from ninja import Field, Schema

from shoumen.duty.models import RosterStatus
from shoumen.duty.roster_services import MAX_SOLVE_SECONDS, MIN_SOLVE_SECONDS
from shoumen.registry.schemas import Code, Page


class RosterSolveIn(Schema):
    unit: Code = Field(..., description="Code of the community")
    starts_on: datetime.date = Field(..., description="First day")
    ends_on: datetime.date = Field(..., description="Last day (at most 28 days in all)")
    time_limit_seconds: int | None = Field(
        None,
        ge=MIN_SOLVE_SECONDS,
        le=MAX_SOLVE_SECONDS,
        description="How long the solver may search (default: the server's setting)",
    )


class RosterFiltersIn(Page):
    unit: Code = Field("", description="Code of a community (default: every one you manage)")


class RosterProgressOut(Schema):
    """A better roster found while solving."""

    objective: float | None = None
    bound: float | None = None
    seconds: float | None = None


class RosterFiguresOut(Schema):
    """Fairness gaps (most minus fewest), wishes not met and changes from the published
    roster; empty until solved."""

    nights_gap: int | None = None
    weekends_gap: int | None = None
    holidays_gap: int | None = None
    preference_violations: int | None = None
    changes: int | None = None
    objective: float | None = None
    bound: float | None = None
    seconds: float | None = None


class RosterShortfallOut(Schema):
    post: int
    date: datetime.date
    shift: str
    missing: int
    text: str = Field(..., description="In words, e.g. 北门卡点 2月1日 夜班 缺1人")


class RosterAssignmentOut(Schema):
    id: int
    post: int
    post_name: str
    date: datetime.date
    shift: str = Field(..., description="Code of the shift")
    shift_label: str
    person: int
    person_name: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    absent: bool = Field(..., description="Called in sick")
    source: str = Field(..., description="solver, fixed, swap or cover")
    fixed: bool = Field(..., description="Fixed by hand: solving again keeps it")


class RosterSummaryOut(Schema):
    id: int
    unit: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: RosterStatus
    message: str
    created_at: datetime.datetime
    published_at: datetime.datetime | None


class RosterOut(RosterSummaryOut):
    time_limit_seconds: int
    progress: list[RosterProgressOut]
    figures: RosterFiguresOut
    shortfalls: list[RosterShortfallOut]
    assignments: list[RosterAssignmentOut]


class RosterPage(Schema):
    items: list[RosterSummaryOut]
    count: int
