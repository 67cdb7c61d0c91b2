"""API shapes of service requests. Residents are named by id (and masked name), never by
ID number or phone."""

import datetime
import uuid

from ninja import Field, Schema

from shoumen.lib.names import mask_name
from shoumen.registry.schemas import Id, Page, Text
from shoumen.services.models import NOTE_MAX, ServiceRequest


class ServiceRequestIn(Schema):
    person: Id = Field(description="The resident the help is for")
    kind: Text = Field(
        max_length=16, description="groceries, medicine, doctor, transport, psychological, other"
    )
    urgency: Text = Field("normal", max_length=8, description="normal, today or urgent")
    note: Text = Field("", max_length=NOTE_MAX, description="What is needed; no ID numbers")
    client_uuid: uuid.UUID | None = Field(
        None, description="Made by the client; a replay answers 200 with the first request"
    )


class ServiceAssignIn(Schema):
    volunteer: Id | None = Field(None, description="An active volunteer of the community")
    cadre: Id | None = Field(None, description="Or a user working for the request's grid")


class ServiceDoneIn(Schema):
    note: Text = Field(max_length=NOTE_MAX, description="What was delivered")


class ServiceRequestFiltersIn(Page):
    status: Text = Field(
        "", max_length=10, description="new, assigned, done, confirmed, cancelled; all; open"
    )
    kind: Text = Field("", max_length=16)
    overdue: bool = False


class ServiceRequestOut(Schema):
    id: int
    community: int
    grid: int
    household: int | None
    person: int | None
    person_name: str = Field(description="Masked")
    kind: str
    urgency: str
    note: str
    door: str
    status: str
    standing: bool
    standing_until: datetime.date | None
    volunteer: int | None
    cadre: int | None
    due_at: datetime.datetime
    assigned_at: datetime.datetime | None
    done_at: datetime.datetime | None
    done_note: str
    confirmed_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def of(req: ServiceRequest) -> "ServiceRequestOut":
        return ServiceRequestOut(
            id=req.pk,
            community=req.community_id,
            grid=req.grid_id,
            household=req.household_id,
            person=req.person_id,
            person_name=mask_name(req.person.name) if req.person else "",
            kind=req.kind,
            urgency=req.urgency,
            note=req.note,
            door=req.door,
            status=req.status,
            standing=req.standing,
            standing_until=req.standing_until,
            volunteer=req.volunteer_id,
            cadre=req.cadre_id,
            due_at=req.due_at,
            assigned_at=req.assigned_at,
            done_at=req.done_at,
            done_note=req.done_note,
            confirmed_at=req.confirmed_at,
            created_at=req.created_at,
        )


class ServiceRequestPage(Schema):
    items: list[ServiceRequestOut]
    count: int
