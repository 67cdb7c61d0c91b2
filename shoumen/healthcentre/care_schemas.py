"""API shapes of the elderly check, survey results and work points. Residents are named by
id and masked name, never by ID number or phone; survey results are aggregates only."""

import datetime
import uuid
from decimal import Decimal

from ninja import Field, Schema

from shoumen.healthcentre.elderly_rules import FINDING_VALUE_MAX, SELF_CARE_SCORE_MAX
from shoumen.healthcentre.elderly_services import ADVICE_MAX
from shoumen.lib.names import mask_name
from shoumen.registry.schemas import Id, Page, Text


class ElderlyFiltersIn(Page):
    year: int | None = Field(None, ge=2000, le=2100, description="This year when left out")
    unit: Text = Field("", max_length=32, description="A community or grid: code or id")
    status: Text = Field("", max_length=8, description="due (not booked), booked or done")


class ElderlyBookIn(Schema):
    client_uuid: uuid.UUID = Field(description="Made by the client; a replay answers 200")
    person: Id = Field(description="The resident")
    year: int = Field(ge=2000, le=2100)
    booked_for: datetime.date | None = None


class FindingIn(Schema):
    value: Text = Field("", max_length=FINDING_VALUE_MAX)
    abnormal: bool = False


class ElderlyRecordIn(Schema):
    done_on: datetime.date
    self_care_score: int = Field(ge=0, le=SELF_CARE_SCORE_MAX)
    result: Text = Field(max_length=16, description="normal, chronic, referred or abnormal")
    findings: dict[str, FindingIn] = Field(
        default_factory=dict,
        description="blood_pressure, fasting_glucose, lipids, ecg, abdominal_ultrasound, "
        "blood_routine, urine_routine, liver_function, kidney_function",
    )
    advice: Text = Field("", max_length=ADVICE_MAX)


class ElderlyCheckOut(Schema):
    id: int
    person: int
    year: int
    status: str
    booked_for: datetime.date | None
    done_on: datetime.date | None
    self_care_score: int | None
    self_care: str
    findings: dict[str, FindingIn]
    result: str
    advice: str

    @staticmethod
    def of(check) -> "ElderlyCheckOut":
        return ElderlyCheckOut(
            id=check.pk,
            person=check.person_id,
            year=check.year,
            status=check.status,
            booked_for=check.booked_for,
            done_on=check.done_on,
            self_care_score=check.self_care_score,
            self_care=check.self_care,
            findings=check.findings,
            result=check.result,
            advice=check.advice,
        )


class ElderlyDueOut(Schema):
    person: int
    person_name: str = Field(description="Masked")
    age: int | None
    grid: int
    check: int | None
    status: str = Field(description="due (not booked), booked or done")
    booked_for: datetime.date | None
    done_on: datetime.date | None

    @staticmethod
    def of(person, year: int) -> "ElderlyDueOut":
        return ElderlyDueOut(
            person=person.pk,
            person_name=mask_name(person.name),
            age=person.age_on(datetime.date(year, 12, 31)),
            grid=person.grid_id,
            check=person.check_id,
            status=person.check_status or "due",
            booked_for=person.check_booked_for,
            done_on=person.check_done_on,
        )


class ElderlyDuePage(Schema):
    year: int
    due: int
    booked: int
    done: int
    count: int
    items: list[ElderlyDueOut]


class AggregateOut(Schema):
    label: str
    count: int
    average: Decimal | None = Field(description="Left out under the minimum of ratings")


class SurveyResultsOut(Schema):
    id: int
    year: int
    quarter: int
    responses: int
    centre_average: Decimal | None
    teams: list[AggregateOut]
    staff: list[AggregateOut] = Field(description="Everyone for the manager; else one's own")
    comments: list[str] = Field(description="For the manager only, without their writers")


class PointsOut(Schema):
    user: int
    name: str
    counts: dict[str, int]
    rating_count: int
    rating_average: Decimal | None
    points: dict[str, Decimal]
    total: Decimal


class PointsPage(Schema):
    month: str
    centre: int | None
    items: list[PointsOut]
