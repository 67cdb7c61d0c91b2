"""API shape of a re-solve around a sick call: its status, the shifts that would change
hands (or did), and what is short when no roster was found."""

import datetime

from ninja import Schema

from shoumen.duty.models import Resolve


class ResolveShiftOut(Schema):
    post: int
    date: datetime.date
    shift: str
    person: int


class ResolveShortOut(Schema):
    post: int
    date: datetime.date | None
    shift: str
    missing: int
    text: str


class ResolveOut(Schema):
    id: int
    roster: int
    person: int
    dates: list[datetime.date]
    starts_on: datetime.date
    status: str
    time_limit_seconds: int
    found: int
    dropped: list[ResolveShiftOut]
    added: list[ResolveShiftOut]
    shortfalls: list[ResolveShortOut]
    message: str
    created_at: datetime.datetime

    @staticmethod
    def of(r: Resolve) -> "ResolveOut":
        def shifts(entries: list[dict]) -> list[ResolveShiftOut]:
            return [
                ResolveShiftOut(
                    post=e["post"], date=e["date"], shift=e["shift"], person=e["person"]
                )
                for e in entries
            ]

        return ResolveOut(
            id=r.pk,
            roster=r.roster_id,
            person=r.person_id,
            dates=r.dates,
            starts_on=r.starts_on,
            status=r.status,
            time_limit_seconds=r.time_limit_seconds,
            found=len(r.progress),
            dropped=shifts(r.dropped),
            added=shifts(r.added),
            shortfalls=[
                ResolveShortOut(
                    post=s["post"],
                    date=s["date"] or None,
                    shift=s["shift"],
                    missing=s["missing"],
                    text=s["text"],
                )
                for s in r.shortfalls
            ],
            message=r.message,
            created_at=r.created_at,
        )
