"""API shapes of the daily figures."""

import datetime

from ninja import Field, Schema


class FiguresIn(Schema):
    unit: str = Field(..., max_length=32, description="Org unit code")
    start: datetime.date | None = Field(
        None, alias="from", description="First day (default: 6 days before to)"
    )
    end: datetime.date | None = Field(None, alias="to", description="Last day (default: today)")
    metric: list[str] | None = Field(
        None, description="Metric names (repeat for several; default: every metric you see)"
    )
    children: bool = Field(False, description="Each unit directly under the unit instead")


class FigureOut(Schema):
    unit: str
    date: datetime.date
    metric: str
    value: int | float


class FiguresOut(Schema):
    """Daily values, by unit, date and metric; a unit, day and metric left out is 0."""

    items: list[FigureOut]


class MetricOut(Schema):
    name: str
    label: str
    unit: str = Field(..., description="What it counts: persons, reports, alerts, households...")
    level: str = Field(..., description="The units it is computed for: grid or school")


class CatalogueOut(Schema):
    items: list[MetricOut]
