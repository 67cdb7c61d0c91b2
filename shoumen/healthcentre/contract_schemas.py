"""API shapes of family doctor contracts. Residents are named by id and masked name,
never by ID number or phone."""

import datetime
import uuid

from ninja import Field, Schema

from shoumen.healthcentre.models import Contract
from shoumen.lib.names import mask_name
from shoumen.registry.schemas import Id, Page, Text


class ContractIn(Schema):
    client_uuid: uuid.UUID = Field(
        description="Made by the client; a replay answers 200 with the first contract"
    )
    person: Id = Field(description="The resident signing up")
    team: Id = Field(description="The family doctor team")
    packages: list[Text] = Field(
        [], max_length=20, description="Codes of personalised packages; the basic one is always in"
    )


class ContractRenewIn(Schema):
    packages: list[Text] | None = Field(
        None, max_length=20, description="Packages of the new term; by default the old term's"
    )


class ContractEndIn(Schema):
    reason: Text = Field(max_length=200, description="Why; recorded in the audit log")


class ContractFiltersIn(Page):
    status: Text = Field(
        "",
        max_length=10,
        description="pending, active, renewed, changed, ended, declined, cancelled; all; "
        "open (the default)",
    )
    team: Id | None = None
    ending: bool = Field(False, description="Active and ending within 30 days")


class ContractOut(Schema):
    id: int
    person: int
    person_name: str = Field(description="Masked")
    team: int
    grid: int
    status: str
    source: str
    packages: list[str]
    starts_on: datetime.date | None
    ends_on: datetime.date | None
    requested_at: datetime.datetime
    confirmed_at: datetime.datetime | None
    renewed_from: int | None

    @staticmethod
    def of(contract: Contract) -> "ContractOut":
        return ContractOut(
            id=contract.pk,
            person=contract.person_id,
            person_name=mask_name(contract.person.name),
            team=contract.team_id,
            grid=contract.grid_id,
            status=contract.status,
            source=contract.source,
            packages=sorted(p.code for p in contract.packages.all()),
            starts_on=contract.starts_on,
            ends_on=contract.ends_on,
            requested_at=contract.requested_at,
            confirmed_at=contract.confirmed_at,
            renewed_from=contract.renewed_from_id,
        )


class ContractPage(Schema):
    items: list[ContractOut]
    count: int
