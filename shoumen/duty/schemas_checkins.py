"""API shapes of check-ins and of one's own shifts. Times leave aware, in the project's
time zone."""

import datetime
import uuid
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Schema

from shoumen.duty.models import CheckIn
from shoumen.duty.my_selectors import ShiftRow
from shoumen.registry.schemas import Id


class CheckInIn(Schema):
    client_uuid: uuid.UUID
    assignment: Id
    kind: Literal["in", "out"]
    # When it happened, for a phone that was offline; now when left out.
    at: datetime.datetime | None = None


class CheckInOut(Schema):
    id: int
    client_uuid: uuid.UUID
    assignment: int
    kind: str
    at: datetime.datetime
    from_scan_page: bool
    replay: bool

    @staticmethod
    def of(check: CheckIn, replay: bool) -> "CheckInOut":
        return CheckInOut(
            id=check.pk,
            client_uuid=check.client_uuid,
            assignment=check.assignment_id,
            kind=check.kind,
            at=timezone.localtime(check.at),
            from_scan_page=check.from_scan_page,
            replay=replay,
        )


class MyShiftsIn(Schema):
    # Days of the shifts (a shift belongs to the day it starts); default 7 days back to 14
    # ahead, at most 62 days.
    start: datetime.date | None = None
    end: datetime.date | None = None


class MyShiftOut(Schema):
    assignment: int
    person: str
    community: str
    post: str
    shift: str
    shift_code: str
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    called_in_sick: bool
    team_mates: list[str]
    checked_in_at: datetime.datetime | None
    checked_out_at: datetime.datetime | None
    actual_hours: Decimal | None
    may_check_in: bool
    may_check_out: bool

    @staticmethod
    def of(row: ShiftRow) -> "MyShiftOut":
        a = row.assignment
        local = timezone.localtime
        return MyShiftOut(
            assignment=a.pk,
            person=a.person.name,
            community=a.roster.community.name,
            post=a.shift.post.name,
            shift=a.shift.label,
            shift_code=a.shift.code,
            date=a.date,
            starts_at=local(a.starts_at),
            ends_at=local(a.ends_at),
            called_in_sick=a.absent,
            team_mates=row.team_mates,
            checked_in_at=local(row.checked_in.at) if row.checked_in else None,
            checked_out_at=local(row.checked_out.at) if row.checked_out else None,
            actual_hours=row.actual_hours,
            may_check_in=row.may_check_in,
            may_check_out=row.may_check_out,
        )


class MyShiftsOut(Schema):
    start: datetime.date
    end: datetime.date
    items: list[MyShiftOut]
