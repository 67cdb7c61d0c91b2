"""API shapes of illness absences and their follow-ups: pupils leave by masked name only."""

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema

from shoumen.registry.schemas import Code, Id, Page, Text
from shoumen.schools.models import AbsenceStatus, Course


class AbsenceFiltersIn(Page):
    school: Id | None = Field(None, description="Id of a school to list")
    status: AbsenceStatus | Literal[""] = Field("", description="'' for any status")


class AbsenceOut(Schema):
    id: int
    pupil: int
    pupil_name: str = Field(description="Masked: surname and one * per hidden character")
    school: int
    school_class: int
    class_name: str
    first_day: datetime.date
    days_absent: int
    symptoms: list[str]
    onset_date: datetime.date | None
    saw_doctor: bool
    disease: str | None = Field(description="Code of the diagnosis, when known")
    diagnosis_note: str
    status: AbsenceStatus
    reported_by_guardian: bool
    last_follow_up: datetime.date | None
    follow_up_due: bool
    returned_on: datetime.date | None
    return_pending: bool


class AbsencePage(Schema):
    items: list[AbsenceOut]
    count: int


class FollowUpIn(Schema):
    client_uuid: uuid.UUID
    date: datetime.date
    reached: bool = True
    course: Course | Literal[""] = ""
    disease: Code = Field("", description="Code of the diagnosis, e.g. varicella")
    diagnosis_note: Text = Field("", max_length=100)
    note: Text = Field("", max_length=200)


class FollowUpOut(Schema):
    id: int
    client_uuid: uuid.UUID
    absence: int
    date: datetime.date
    reached: bool
    course: str
    disease: str | None
    diagnosis_note: str
    note: str
    recorded_at: datetime.datetime
    absence_status: AbsenceStatus
