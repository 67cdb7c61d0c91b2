"""Published rosters made row by row for the swap and sick-call tests (no solver needed),
and the small set-up the page and API access matrices use for them."""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from shoumen.duty import greedy
from shoumen.duty.checker import violations
from shoumen.duty.models import (
    Assignment,
    DutyPerson,
    Post,
    PostKind,
    Resolve,
    ResolveStatus,
    Roster,
    RosterStatus,
    Shift,
    Swap,
)
from shoumen.duty.problem import aware, problem_for, rows_of
from shoumen.lib.dates import today
from shoumen.registry.models import Volunteer

DAY = datetime.timedelta(days=1)


def published(community, start: datetime.date, end: datetime.date) -> Roster:
    return Roster.objects.create(
        community=community,
        starts_on=start,
        ends_on=end,
        status=RosterStatus.PUBLISHED,
        published_at=timezone.now(),
    )


def put(roster: Roster, post: Post, code: str, day: datetime.date, person, **kw) -> Assignment:
    """``person`` on ``post``'s shift ``code`` on ``day``."""
    shift = post.shifts.get(code=code)
    start = aware(datetime.datetime.combine(day, shift.start))
    return Assignment.objects.create(
        roster=roster,
        shift=shift,
        date=day,
        person=person,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=float(shift.hours)),
        **kw,
    )


def full_roster(community, start: datetime.date, end: datetime.date) -> Roster:
    """A published roster filling every shift under every hard rule (the quick greedy
    roster, checked)."""
    problem = problem_for(community, start, end)
    found = greedy.first_roster(problem)
    assert violations(problem, found) == []
    roster = published(community, start, end)
    Assignment.objects.bulk_create(rows_of(roster, found))
    return roster


# The access matrices' set-up: a patrol in C1 with one day shift, the checkpoint volunteer
# persona on duty (by the volunteer record linked to the login) and two colleagues, and a
# published roster three weeks ahead where the volunteer stands the patrol every day.
MATRIX_POST = "换班矩阵巡逻"
MATRIX_START = 20  # days from today


def matrix_rows(w) -> dict:
    community = w.community
    post, made = Post.objects.get_or_create(
        community=community, name=MATRIX_POST, defaults={"kind": PostKind.PATROL}
    )
    if made:
        Shift.objects.create(
            post=post, code="D", label="白班", start=datetime.time(8), hours=Decimal(8)
        )
    volunteer = Volunteer.objects.filter(user=w.volunteer).first() or Volunteer.objects.create(
        community=community, name="志愿者小李", user=w.volunteer
    )
    me = DutyPerson.objects.get_or_create(
        community=community, volunteer=volunteer, defaults={"name": volunteer.name}
    )[0]
    mates = []
    for name in ("换班甲", "换班乙"):
        v = Volunteer.objects.get_or_create(community=community, name=name)[0]
        mates.append(
            DutyPerson.objects.get_or_create(
                community=community, volunteer=v, defaults={"name": name}
            )[0]
        )
    start = today() + MATRIX_START * DAY
    roster = Roster.objects.filter(community=community, starts_on=start, ends_on=start + 6 * DAY)
    found = roster.first()
    if found is None:
        found = published(community, start, start + 6 * DAY)
        for i in range(7):
            put(found, post, "D", start + i * DAY, me)
    elif found.status != RosterStatus.PUBLISHED:
        Roster.objects.filter(pk=found.pk).update(status=RosterStatus.PUBLISHED)
    rows = {a.date: a for a in Assignment.objects.filter(roster=found, person=me).order_by("date")}
    return {"post": post, "me": me, "mates": mates, "roster": found, "rows": rows, "start": start}


def matrix_row(w, day: int) -> Assignment:
    """The volunteer's patrol shift ``day`` days into the matrix roster."""
    made = matrix_rows(w)
    return made["rows"][made["start"] + day * DAY]


def matrix_swap(w, day: int, key: str) -> Swap:
    """A pending swap, asked by the volunteer, of their shift ``day`` days in."""
    made = matrix_rows(w)
    client_uuid = uuid.uuid5(uuid.NAMESPACE_URL, f"swap-matrix-{key}")
    swap = Swap.objects.filter(client_uuid=client_uuid).first()
    return swap or Swap.objects.create(
        assignment=matrix_row(w, day),
        partner=made["mates"][0],
        requested_by=w.volunteer,
        client_uuid=client_uuid,
    )


def ready_resolve(row: Assignment) -> Resolve:
    """A re-solve around ``row``'s sick day, found and waiting to be applied (no changes)."""
    found = Resolve.objects.filter(sick=row).first()
    return found or Resolve.objects.create(
        roster=row.roster,
        sick=row,
        person=row.person,
        dates=[row.date.isoformat()],
        starts_on=row.date,
        status=ResolveStatus.READY,
        base="-",
    )


def matrix_resolve(w) -> Resolve:
    """A re-solve around the volunteer's patrol shift six days into the matrix roster."""
    return ready_resolve(matrix_row(w, 6))
