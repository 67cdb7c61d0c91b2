"""API shapes of key persons and health reports. Persons leave by name and masked fields only."""

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError

from shoumen.observation.models import (
    Kind,
    Observation,
    ObservationStatus,
    Reason,
    Slot,
    Source,
)
from shoumen.registry.schemas import Code, Id, Page, Text

MAX_BATCH = 1000
MAX_BULK_START = 500

ERR_BATCH_TOO_LARGE = _("Send at most %(max)d rows in one batch (this one has %(count)d).")
ERR_BATCH_EMPTY = _("Send at least one row.")
ERR_NOT_A_LIST = _("Send the rows as a JSON array.")


def _limited(max_rows: int):
    """A list of at most ``max_rows`` items, refused with a plain message before any row is
    looked at (so that a huge batch costs nothing to turn away)."""

    def check(value: Any) -> Any:
        if not isinstance(value, list):
            raise PydanticCustomError("rows_not_a_list", str(ERR_NOT_A_LIST))
        if not value:
            raise PydanticCustomError("rows_empty", str(ERR_BATCH_EMPTY))
        if len(value) > max_rows:
            raise PydanticCustomError(
                "rows_too_many",
                str(ERR_BATCH_TOO_LARGE % {"max": max_rows, "count": len(value)}),
            )
        return value

    return BeforeValidator(check)


# ---------------------------------------------------------------- health reports


class HealthReportIn(Schema):
    person: Id
    date: datetime.date
    slot: Slot
    temperature: Decimal | None = Field(None, allow_inf_nan=False, description="°C, 34.0–43.0")
    fever: bool = False
    cough: bool = False
    sore_throat: bool = False
    fatigue: bool = False
    diarrhoea: bool = False
    loss_of_smell_taste: bool = False
    short_of_breath: bool = False
    other_symptoms: Text = Field("", max_length=200)
    source: Source
    reached: bool | None = Field(None, description="Worker contacts only")
    client_uuid: uuid.UUID


class HealthReportBatchIn(Schema):
    rows: Annotated[
        list[Any],
        _limited(MAX_BATCH),
        Field(
            description=(
                f"Up to {MAX_BATCH} reports, each shaped like the single report; "
                "each row is checked and kept or refused on its own."
            )
        ),
    ]


class HealthReportOut(Schema):
    id: int
    person: int
    date: datetime.date
    slot: str
    temperature: Decimal | None
    symptoms: list[str]
    other_symptoms: str
    source: str
    reached: bool | None
    observation: int | None
    recorded_at: datetime.datetime


class HealthReportResultOut(Schema):
    result: Literal["created", "updated", "unchanged"]
    report: HealthReportOut


# Plain pydantic models: a 1,000-row answer skips ninja's per-object root validator.
class RowResultOut(BaseModel):
    index: int
    result: Literal["created", "updated", "unchanged", "error"]
    id: int | None = None
    errors: dict[str, list[str]] = {}


class BatchResultOut(BaseModel):
    counts: dict[str, int]
    results: list[RowResultOut]


# ---------------------------------------------------------------- observations


class ObservationFiltersIn(Page):
    status: ObservationStatus | Literal[""] = Field("", description="'' for any status")
    kind: Kind | Literal[""] = ""
    org_unit: Code = Field("", description="Code of an org unit to list under")
    responsible: Literal["", "me"] = Field("", description="'me': only those I am responsible for")


class ObservationFieldsIn(Schema):
    kind: Kind
    reason: Reason
    risk_area: Text = Field("", max_length=100)
    arrival_date: datetime.date | None = None
    last_exposure_date: datetime.date | None = None
    reason_note: Text = Field("", max_length=200)
    period_days: int | None = Field(None, ge=-32768, le=32767, description="Default per kind")
    responsible: Id | None = Field(None, description="User id; default: the grid's worker")


class ObservationStartIn(ObservationFieldsIn):
    person: Id


class ObservationBulkStartIn(ObservationFieldsIn):
    persons: Annotated[list[Any], _limited(MAX_BULK_START), Field(description="Person ids")]


class BulkStartResultOut(Schema):
    index: int
    person: Any
    result: Literal["created", "error"]
    id: int | None = None
    errors: dict[str, list[str]] = {}


class BulkStartOut(Schema):
    counts: dict[str, int]
    results: list[BulkStartResultOut]


class CloseIn(Schema):
    status: Literal["hospitalised", "lost", "cancelled"]
    reason: Text = Field("", max_length=200)


class ExtendIn(Schema):
    exposure_date: datetime.date
    reason: Text = Field("", max_length=200)


class AssignIn(Schema):
    responsible: Id


class TransferIn(Schema):
    to_community: Code
    reason: Text = Field("", max_length=200)


class TransferAcceptIn(Schema):
    grid: Code
    responsible: Id | None = None


class ReasonIn(Schema):
    reason: Text = Field("", max_length=200)


class CompleteIn(Schema):
    note: Text = Field("", max_length=200)


class ObservationOut(Schema):
    id: int
    person: int | None
    person_name: str
    person_id_number_masked: str
    person_phone_masked: str
    grid: str
    kind: str
    reason: str
    risk_area: str
    arrival_date: datetime.date | None
    last_exposure_date: datetime.date | None
    reason_note: str
    starts_on: datetime.date
    period_days: int
    ends_on: datetime.date
    responsible: int | None
    responsible_name: str
    status: str
    status_changed_at: datetime.datetime | None
    outcome_note: str
    transfer_to: str | None
    transferred_from: int | None

    @staticmethod
    def from_observation(obs: Observation) -> "ObservationOut":
        person = obs.person
        responsible = obs.responsible
        return ObservationOut(
            id=obs.pk,
            person=obs.person_id,
            person_name=person.name if person is not None else "",
            person_id_number_masked=person.id_number_masked if person is not None else "",
            person_phone_masked=person.phone_masked if person is not None else "",
            grid=obs.grid.code,
            kind=obs.kind,
            reason=obs.reason,
            risk_area=obs.risk_area,
            arrival_date=obs.arrival_date,
            last_exposure_date=obs.last_exposure_date,
            reason_note=obs.reason_note,
            starts_on=obs.starts_on,
            period_days=obs.period_days,
            ends_on=obs.ends_on,
            responsible=obs.responsible_id,
            responsible_name=str(responsible) if responsible is not None else "",
            status=obs.status,
            status_changed_at=obs.status_changed_at,
            outcome_note=obs.outcome_note,
            transfer_to=obs.transfer_to.code if obs.transfer_to is not None else None,
            transferred_from=obs.transferred_from_id,
        )


class ObservationPage(Schema):
    items: list[ObservationOut]
    count: int
