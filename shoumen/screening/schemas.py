"""API shapes of screening rounds, visit tasks and visits. Names leave masked."""

import datetime
import uuid
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from ninja import Field, Schema

from shoumen.api.types import Moment
from shoumen.lib.names import mask_name
from shoumen.observation.models import SYMPTOMS
from shoumen.registry.schemas import Code, Id, Page, Text
from shoumen.screening.models import Method, Outcome, TaskStatus


class RoundIn(Schema):
    scope: Code = Field(..., description="Code of a grid, community or street")
    name: Text = Field(..., max_length=100)
    purpose: Text = Field("", max_length=2000)
    starts_on: datetime.date
    ends_on: datetime.date
    questions: list[Code] = Field(..., min_length=1, max_length=50)


class RoundOut(Schema):
    id: int
    name: str
    purpose: str
    scope: str
    scope_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    questionnaire_version: int
    questions: list[dict[str, Any]]

    @classmethod
    def from_round(cls, round_, version) -> "RoundOut":
        return cls(
            id=round_.pk,
            name=round_.name,
            purpose=round_.purpose,
            scope=round_.scope.code,
            scope_name=round_.scope.name,
            starts_on=round_.starts_on,
            ends_on=round_.ends_on,
            status=round_.status,
            questionnaire_version=version.number,
            questions=version.questions,
        )


class RoundPage(Schema):
    items: list[RoundOut]
    count: int


class TaskFiltersIn(Page):
    status: TaskStatus | None = None
    grid: Code = Field("", description="Code of a grid")
    mine: bool = Field(False, description="Only the tasks assigned to the caller")


class TaskOut(Schema):
    id: int
    household: int
    household_label: str
    head_masked: str
    grid: str
    assignee: int | None
    status: str
    attempts: int
    revisit_on: datetime.date | None
    returnee_found: bool
    symptomatic: bool
    vulnerable: bool
    last_visit_at: datetime.datetime | None

    @classmethod
    def from_task(cls, task) -> "TaskOut":
        head = task.household.head
        return cls(
            id=task.pk,
            household=task.household_id,
            household_label=task.household.label,
            head_masked=mask_name(head.name) if head is not None else "",
            grid=task.grid.code,
            assignee=task.assignee_id,
            status=task.status,
            attempts=task.attempts,
            revisit_on=task.revisit_on,
            returnee_found=task.returnee_found,
            symptomatic=task.symptomatic,
            vulnerable=task.vulnerable,
            last_visit_at=task.last_visit_at,
        )


class TaskPage(Schema):
    items: list[TaskOut]
    count: int


Symptom = Literal[SYMPTOMS]  # type: ignore[valid-type]


class MemberReportIn(Schema):
    person: Id
    temperature: Decimal | None = Field(None, ge=Decimal("34.0"), le=Decimal("43.0"))
    symptoms: list[Symptom] = Field([], max_length=len(SYMPTOMS))


# Its own name in the schema: the alerts' Outcome would otherwise take the same component.
VisitOutcome = StrEnum("VisitOutcome", {m.name: m.value for m in Outcome})  # type: ignore[misc]


class VisitIn(Schema):
    task: Id
    client_uuid: uuid.UUID
    outcome: VisitOutcome  # type: ignore[valid-type]
    method: Method
    answers: dict[str, Any] = Field({}, description="Question code → answer, typed")
    members_present: list[Id] = Field([], max_length=50)
    member_reports: list[MemberReportIn] = Field([], max_length=50)
    service_need: Text = Field("", max_length=200)
    extras: dict[str, dict[str, Any]] = Field(
        {}, max_length=10, description="What other modules record with the visit, by module"
    )
    visited_at: Moment | None = None
    questionnaire_version: int | None = Field(None, ge=1, le=10_000)


class VisitOut(Schema):
    id: int
    task: int
    client_uuid: uuid.UUID
    outcome: str
    method: str
    questionnaire_version: int
    answers: dict[str, Any]
    members_present: list[int]
    service_need: str
    visited_at: datetime.datetime
    task_status: str

    @classmethod
    def from_visit(cls, visit) -> "VisitOut":
        return cls(
            id=visit.pk,
            task=visit.task_id,
            client_uuid=visit.client_uuid,
            outcome=visit.outcome,
            method=visit.method,
            questionnaire_version=visit.version.number,
            answers=visit.answers,
            members_present=visit.members_present,
            service_need=visit.service_need,
            visited_at=visit.visited_at,
            task_status=visit.task.status,
        )
