"""Reads of the roster pages, scoped by the actor: the communities whose duty one manages,
a roster's table by week or month, and who stands where now and next."""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.duty.models import Assignment, Post, Roster, Shift
from shoumen.duty.selectors import published_roster_of, rosters_visible_to
from shoumen.lib.workdays import HOLIDAY, WEEKEND, day_kind
from shoumen.places.models import Level, OrgUnit

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(days=7)
WEEK_VIEW = "week"
MONTH_VIEW = "month"
VIEWS = (WEEK_VIEW, MONTH_VIEW)


def duty_units_of(user) -> QuerySet[OrgUnit]:
    """The communities whose duty ``user`` manages, in tree order."""
    return OrgUnit.objects.filter(
        scope_q(user, Perm.MANAGE_DUTY, "path"), level=Level.COMMUNITY
    ).order_by("path")


def duty_unit_for(user, pk: int) -> OrgUnit:
    """One community whose duty ``user`` manages, or OrgUnit.DoesNotExist."""
    return duty_units_of(user).get(pk=pk)


def rosters_of(user, community: OrgUnit) -> QuerySet[Roster]:
    """The community's rosters, newest period first."""
    return rosters_visible_to(user).filter(community=community).order_by("-starts_on", "-pk")


def assignment_for(user, pk: int) -> Assignment:
    """One shift of a roster ``user`` manages, or Assignment.DoesNotExist."""
    return Assignment.objects.select_related("roster__community", "shift").get(
        pk=pk, roster__in=rosters_visible_to(user)
    )


@dataclass(frozen=True)
class TableDay:
    date: datetime.date
    kind: str  # lib.workdays: holiday, weekend or workday
    in_roster: bool

    @property
    def is_holiday(self) -> bool:
        return self.kind == HOLIDAY

    @property
    def is_weekend(self) -> bool:
        return self.kind == WEEKEND


@dataclass
class TableRow:
    post: Post
    shift: Shift
    ends: datetime.time
    cells: list[list[Assignment]] = field(default_factory=list)


@dataclass
class RosterTable:
    start: datetime.date
    end: datetime.date
    days: list[TableDay]
    rows: list[TableRow]

    @property
    def is_empty(self) -> bool:
        return not any(cell for row in self.rows for cell in row.cells)


def shift_end(shift: Shift) -> datetime.time:
    start = datetime.datetime.combine(datetime.date(2000, 1, 1), shift.start)
    return (start + datetime.timedelta(hours=float(shift.hours))).time()


def roster_table(roster: Roster, start: datetime.date, end: datetime.date) -> RosterTable:
    """Rows post × shift (posts in use, and any post holding a shift of the roster), a
    column a day from ``start`` to ``end``, each cell the shift's people in that day (sick
    calls included, marked): two queries whatever the number of people."""
    shifts = list(
        Shift.objects.filter(post__community_id=roster.community_id)
        .select_related("post")
        .order_by("post__name", "post_id", "order", "start")
    )
    found: dict[tuple[int, datetime.date], list[Assignment]] = defaultdict(list)
    for a in (
        roster.assignments.filter(date__range=(start, end))
        .select_related("person")
        .order_by("date", "shift_id", "absent", "person__name", "pk")
    ):
        found[(a.shift_id, a.date)].append(a)
    used = {shift_id for shift_id, _day in found}
    dates = [start + DAY * i for i in range((end - start).days + 1)]
    days = [TableDay(d, day_kind(d), roster.starts_on <= d <= roster.ends_on) for d in dates]
    rows = [
        TableRow(
            post=s.post,
            shift=s,
            ends=shift_end(s),
            cells=[found.get((s.pk, d), []) for d in dates],
        )
        for s in shifts
        if s.post.is_active or s.pk in used
    ]
    return RosterTable(start=start, end=end, days=days, rows=rows)


def weeks_of(roster: Roster) -> list[tuple[datetime.date, datetime.date]]:
    """The roster's weeks: seven days at a time from its first day."""
    weeks = []
    first = roster.starts_on
    while first <= roster.ends_on:
        weeks.append((first, first + DAY * 6))
        first += WEEK
    return weeks


@dataclass(frozen=True)
class Window:
    """The days a roster page shows, and the neighbouring windows inside the roster."""

    view: str
    start: datetime.date
    end: datetime.date
    previous: datetime.date | None
    next: datetime.date | None


def window_of(
    roster: Roster, view: str, start: datetime.date | None, day: datetime.date | None = None
) -> Window:
    """One of the roster's weeks (seven days from its first day on) or a calendar month,
    holding ``start``; without one (or outside the roster), holding ``day`` (today) when
    the roster covers it, else its first day. Neighbours only where the roster goes on."""
    if view not in VIEWS:
        view = WEEK_VIEW
    if start is None or not roster.starts_on <= start <= roster.ends_on:
        inside = day is not None and roster.starts_on <= day <= roster.ends_on
        start = day if inside and day is not None else roster.starts_on
    if view == MONTH_VIEW:
        first = start.replace(day=1)
        last = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        before = first - DAY
        after = last + DAY
        previous = before.replace(day=1) if before >= roster.starts_on else None
        following = after if after <= roster.ends_on else None
        return Window(view, first, last, previous, following)
    first = roster.starts_on + WEEK * ((start - roster.starts_on).days // 7)
    last = first + DAY * 6
    previous = first - WEEK if first > roster.starts_on else None
    following = first + WEEK if last < roster.ends_on else None
    return Window(view, first, last, previous, following)


@dataclass
class PostOnDuty:
    post: Post
    now: list[Assignment]
    next: list[Assignment]


def on_duty(community: OrgUnit, now: datetime.datetime) -> list[PostOnDuty]:
    """Who stands at each post now and who comes next, from the published rosters (a
    night shift of yesterday's roster may still run): sick calls left out."""
    local = timezone.localtime(now).date()
    rosters = {
        roster.pk
        for day in (local - DAY, local, local + DAY)
        if (roster := published_roster_of(community, day)) is not None
    }
    if not rosters:
        return []
    rows = (
        Assignment.objects.filter(
            roster_id__in=rosters,
            date__range=(local - DAY, local + DAY),
            absent=False,
            ends_at__gt=now,
        )
        .select_related("shift__post", "person")
        .order_by("shift__post__name", "starts_at", "person__name")
    )
    posts: dict[int, PostOnDuty] = {}
    for a in rows:
        entry = posts.setdefault(a.shift.post_id, PostOnDuty(a.shift.post, [], []))
        if a.starts_at <= now:
            entry.now.append(a)
        elif not entry.next or entry.next[0].starts_at == a.starts_at:
            entry.next.append(a)
    return list(posts.values())
