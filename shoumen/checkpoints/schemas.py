"""API shapes of the checkpoint scan: what a volunteer's phone sends and gets back.

Nothing here carries an ID number or a phone; names leave masked (surname + *)."""

import datetime
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from shoumen.api.types import Moment
from shoumen.checkpoints.models import Direction, Verdict
from shoumen.registry.schemas import Id, Text

MAX_BATCH = 1000
TOKEN_MAX = 512


AwareTime = Moment
Token = Annotated[Text, Field(min_length=1, max_length=TOKEN_MAX)]
Temperature = Annotated[Decimal, Field(max_digits=3, decimal_places=1)]


class VerifyIn(Schema):
    checkpoint: Id
    token: Token
    temperature: Temperature | None = None


class VerifyOut(Schema):
    verdict: Verdict
    reason: str
    reason_label: str
    display_name: str = Field(description="Surname and a masked given name only")
    pass_id: int | None
    valid_until: datetime.date | None


class ScanRowIn(BaseModel):  # a plain model: up to 1,000 a request
    client_uuid: uuid.UUID
    token: Token
    direction: Direction
    temperature: Temperature | None = None
    scanned_at: AwareTime | None = None
    offline: bool = False
    verdict: Verdict | None = Field(None, description="What the phone showed, for offline scans")


class BatchIn(Schema):
    checkpoint: Id
    rows: list[ScanRowIn] = Field(..., min_length=1, max_length=MAX_BATCH)


class ScanRowOut(BaseModel):
    index: int
    client_uuid: uuid.UUID | None
    result: Literal["created", "unchanged", "error"]
    scan_id: int | None = None
    verdict: str = ""
    reason: str = ""
    reason_label: str = ""
    flagged: bool = False
    errors: dict[str, list[str]] = {}


class BatchOut(Schema):
    created: int
    unchanged: int
    errors: int
    flagged: int
    results: list[ScanRowOut]


class RevocationsIn(Schema):
    checkpoint: Id
    since: AwareTime | None = None


class PassChangeOut(Schema):
    id: int
    version: int
    status: str
    revoke_reason: str = Field(
        description="Why a revoked pass was revoked (isolation, moved_out, manual); empty if valid"
    )
    changed_at: datetime.datetime
    name: str = Field(description="Surname and a masked given name only")
    building: int | None = Field(
        description="The building of the pass's household (none for an address without one)"
    )


class RevocationsOut(Schema):
    server_time: datetime.datetime
    since: datetime.datetime | None
    community: int
    keys: dict[str, str] = Field(description="Ed25519 public keys (raw, base64url) by key id")
    fever_temperature: Decimal
    expiry_warning_days: int
    buildings: list[int] = Field(
        description="Buildings whose residents this checkpoint lets through; empty: every one"
    )
    changes: list[PassChangeOut]


class LookupIn(Schema):
    surname: Text = Field("", max_length=2)
    id_last4: Text = Field("", pattern=r"^$|^[0-9]{3}[0-9Xx]$")
    building: Text = Field("", max_length=50)
    door: Text = Field("", max_length=20)


class CandidateOut(Schema):
    """A resident found by the lookup: never their pass token, only what the gate needs."""

    person: int
    display_name: str = Field(description="Surname and a masked given name only")
    place: str = Field(description="Building and unit, to tell two candidates apart")
    has_pass: bool
    may_pass: bool
    verdict: Verdict
    reason: str = Field(
        description="ok, expiring, no_pass, revoked, isolation (under observation), "
        "building (not served by this checkpoint), expired, other_community, old_version"
    )
    reason_label: str


class LookupOut(Schema):
    candidates: list[CandidateOut]


class LookupScanIn(Schema):
    """The passage of a resident found by the lookup; the server scans their pass."""

    client_uuid: uuid.UUID
    direction: Direction
    temperature: Temperature | None = None
    scanned_at: AwareTime | None = None
