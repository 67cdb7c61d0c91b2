"""API shapes of schools, classes, pupils and class checks. Pupils' ID numbers and
guardians' phones leave masked only, with age in years instead of the birth date."""

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from shoumen.registry.schemas import Id, Page, Text
from shoumen.schools.models import ClassCheck, Pupil, School, SchoolClass


class SchoolOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    boarding: bool

    @staticmethod
    def of(school: School) -> "SchoolOut":
        unit = school.unit
        return SchoolOut(
            id=school.pk,
            code=unit.code,
            name=unit.name,
            kind=school.kind,
            boarding=school.boarding,
        )


class SchoolPage(Schema):
    items: list[SchoolOut]
    count: int


class ClassOut(Schema):
    id: int
    code: str
    name: str
    school: int
    grade: int
    boarding: bool
    sessions: list[str] = Field(description="The checks the class owes each school day")
    pupils: int = Field(description="Pupils on the roll")


class ClassPage(Schema):
    items: list[ClassOut]
    count: int


class PupilOut(Schema):
    """A pupil as residents are shown: the ID number masked, so age and never the birth
    date."""

    id: int
    name: str
    sex: str
    kind: str
    age: int | None = Field(description="Age in years today")
    id_number_masked: str
    boarding: bool
    class_id: int
    return_pending: bool

    @staticmethod
    def of(pupil: Pupil) -> "PupilOut":
        return PupilOut(
            id=pupil.pk,
            name=pupil.name,
            sex=pupil.sex,
            kind=pupil.kind,
            age=pupil.age,
            id_number_masked=pupil.id_number_masked,
            boarding=pupil.boarding,
            class_id=pupil.klass_id,
            return_pending=pupil.return_pending,
        )


class PupilPage(Schema):
    items: list[PupilOut]
    count: int


ListPage = Page

Symptoms = list[Text]


class AbsenceRowIn(Schema):
    pupil_id: Id
    kind: Literal["sick", "personal"]
    symptoms: Symptoms = Field(default_factory=list, max_length=30)
    onset_date: datetime.date | None = None
    saw_doctor: bool = False
    diagnosis: Text = Field("", max_length=100)
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)


class SymptomaticRowIn(Schema):
    pupil_id: Id
    symptoms: Symptoms = Field(default_factory=list, max_length=30)
    temperature: Decimal | None = Field(None, max_digits=3, decimal_places=1)
    onset_date: datetime.date | None = None
    to_observation_room: bool = False
    guardian_notified: bool = False
    diagnosis: Text = Field("", max_length=100)


class ClassCheckIn(Schema):
    """One class's check of one session; empty ``absences`` and ``symptomatic`` is the
    class's zero report."""

    client_uuid: uuid.UUID
    class_id: Id
    date: datetime.date
    session: Literal["morning", "noon", "evening"]
    present: int = Field(ge=0, le=10_000)
    absences: list[AbsenceRowIn] = Field(default_factory=list, max_length=500)
    symptomatic: list[SymptomaticRowIn] = Field(default_factory=list, max_length=500)


class ClassCheckOut(Schema):
    id: int
    client_uuid: uuid.UUID
    class_id: int
    school: int
    date: datetime.date
    session: str
    enrolled: int
    present: int
    sick_absent: int
    personal_absent: int
    symptomatic: int
    zero_report: bool
    late: bool
    submitted_at: datetime.datetime

    @staticmethod
    def of(check: ClassCheck) -> "ClassCheckOut":
        return ClassCheckOut(
            id=check.pk,
            client_uuid=check.client_uuid,
            class_id=check.klass_id,
            school=check.school_id,
            date=check.date,
            session=check.session,
            enrolled=check.enrolled,
            present=check.present,
            sick_absent=check.sick_absent,
            personal_absent=check.personal_absent,
            symptomatic=check.symptomatic,
            zero_report=check.is_zero_report,
            late=check.late,
            submitted_at=check.submitted_at,
        )


def class_out(klass: SchoolClass, sessions: list[str], pupils: int) -> ClassOut:
    return ClassOut(
        id=klass.pk,
        code=klass.unit.code,
        name=klass.unit.name,
        school=klass.school_id,
        grade=klass.grade,
        boarding=klass.boarding,
        sessions=sessions,
        pupils=pupils,
    )
