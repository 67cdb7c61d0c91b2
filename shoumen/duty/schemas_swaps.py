"""API shapes of swaps: a request, and a swap as it stands with the rules it would break
(or broke when it was refused) in words."""

import datetime
import uuid

from ninja import Field, Schema

from shoumen.duty.models import Assignment, Swap
from shoumen.duty.swap_problems import texts_of
from shoumen.registry.schemas import Code, Id, Page, Text


class SwapIn(Schema):
    client_uuid: uuid.UUID = Field(description="Made by the client; a replay answers 200")
    assignment: Id = Field(description="The shift to hand over")
    partner: Id = Field(description="The person on duty who takes it")
    partner_assignment: Id | None = Field(
        None, description="The partner's shift taken in exchange (optional)"
    )
    reason: Text = Field("", max_length=200)


class SwapFiltersIn(Page):
    unit: Code = Field("", description="Code of an org unit: its communities' swaps")
    status: Text = Field("", max_length=16, description="pending, approved, refused, withdrawn")


class ShiftOut(Schema):
    id: int
    date: datetime.date
    post: str
    shift: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    person: int
    person_name: str
    absent: bool

    @staticmethod
    def of(a: Assignment) -> "ShiftOut":
        return ShiftOut(
            id=a.pk,
            date=a.date,
            post=a.shift.post.name,
            shift=a.shift.label,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            person=a.person_id,
            person_name=a.person.name,
            absent=a.absent,
        )


class ProblemOut(Schema):
    rule: str = Field(description="The checker's rule: rest, consecutive, day-off, …")
    text: str


class SwapOut(Schema):
    id: int
    status: str
    assignment: ShiftOut
    partner: int
    partner_name: str
    partner_assignment: ShiftOut | None
    reason: str
    problems: list[ProblemOut] = Field(description="The rules the swap broke when refused")
    requested_at: datetime.datetime
    decided_at: datetime.datetime | None

    @staticmethod
    def of(swap: Swap) -> "SwapOut":
        kept = swap.problems or []
        texts = texts_of(kept)
        return SwapOut(
            id=swap.pk,
            status=swap.status,
            assignment=ShiftOut.of(swap.assignment),
            partner=swap.partner_id,
            partner_name=swap.partner.name,
            partner_assignment=(
                ShiftOut.of(swap.partner_assignment)
                if swap.partner_assignment is not None
                else None
            ),
            reason=swap.reason,
            problems=[
                ProblemOut(rule=p.get("rule", "other"), text=t)
                for p, t in zip(kept, texts, strict=False)
            ],
            requested_at=swap.requested_at,
            decided_at=swap.decided_at,
        )


class SwapPage(Schema):
    items: list[SwapOut]
    count: int
