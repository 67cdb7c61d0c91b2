"""The rest watch (合理安排调休、轮休): for each active person on duty in a community, how
many days they have stood duty without a full day off, their planned hours this ISO week
and their night shifts this month, from the published rosters. Reads only: a fixed number
of queries whatever the number of people.

A day counts as worked when any published shift not called in sick touches it (a night
shift from 20:00 to 08:00 takes both calendar days); a full day off is a calendar day that
no such shift touches. Counting starts at the day itself and goes back at most
``LOOKBACK_DAYS``."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can, scope_q
from shoumen.duty.models import Assignment, DutyPerson, RestNotice, RosterStatus
from shoumen.duty.selectors import me_on_duty, people_visible_to
from shoumen.places.models import Level, OrgUnit

DAY = datetime.timedelta(days=1)
# How far back a streak without a day off is counted; a longer one shows as this many.
LOOKBACK_DAYS = 60


@dataclass
class RestRow:
    person: DutyPerson
    days_without_rest: int
    # The first day of the current run of days on duty (None when the day is a day off).
    streak_start: datetime.date | None
    hours_week: Decimal
    night_shifts_month: int
    night_hours_month: Decimal
    past_limit: bool
    capped: bool = False
    # Rest notices whose days are not over yet.
    notices: list[RestNotice] = field(default_factory=list)


@dataclass(frozen=True)
class RestSummary:
    community: OrgUnit
    day: datetime.date
    people: int
    past_limit: int
    longest: int
    longest_name: str
    limit: int


def alert_days() -> int:
    return int(settings.SHOUMEN_DUTY_REST_ALERT_DAYS)


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Monday and Sunday of ``day``'s ISO week."""
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def month_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of ``day``'s month."""
    first = day.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - DAY


def hours_between(start: datetime.datetime, end: datetime.datetime) -> Decimal:
    seconds = max(0, int((end - start).total_seconds()))
    return (Decimal(seconds) / Decimal(3600)).quantize(Decimal("0.01"))


def local_days(start: datetime.datetime, end: datetime.datetime) -> list[datetime.date]:
    """The local calendar days a shift from ``start`` to ``end`` touches."""
    first = timezone.localtime(start).date()
    last_moment = timezone.localtime(end) - datetime.timedelta(microseconds=1)
    last = max(first, last_moment.date())
    return [first + DAY * i for i in range((last - first).days + 1)]


def published_shifts(people_q: Q, start: datetime.date, end: datetime.date) -> QuerySet:
    """(person, shift, date, starts, ends, night) of the shifts stood (not called in sick)
    in published rosters from ``start`` to ``end``, in one query; ``people_q`` filters on
    ``person`` (the same filter serves the rest notices)."""
    return (
        Assignment.objects.filter(
            people_q,
            roster__status=RosterStatus.PUBLISHED,
            date__range=(start, end),
            absent=False,
        )
        .order_by()
        .values_list("person_id", "shift_id", "date", "starts_at", "ends_at", "shift__is_night")
    )


def _distinct(rows) -> list[tuple]:
    """One row per person, shift and day, should two published rosters hold the same one."""
    seen: set[tuple] = set()
    kept = []
    for row in rows:
        key = (row[0], row[1], row[2])
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def streak(worked: set[datetime.date], day: datetime.date) -> tuple[int, datetime.date | None]:
    """Days on duty in a row up to and including ``day`` (at most ``LOOKBACK_DAYS``) and the
    first of them."""
    count, current = 0, day
    while current in worked and count < LOOKBACK_DAYS:
        count += 1
        current -= DAY
    return count, (current + DAY if count else None)


def _rows(people: list[DutyPerson], people_q: Q, day: datetime.date) -> list[RestRow]:
    monday, sunday = week_of(day)
    first, last = month_of(day)
    start = min(day - DAY * LOOKBACK_DAYS, monday, first)
    end = max(sunday, last)
    worked: dict[int, set[datetime.date]] = defaultdict(set)
    week_hours: dict[int, Decimal] = defaultdict(Decimal)
    nights: dict[int, int] = defaultdict(int)
    night_hours: dict[int, Decimal] = defaultdict(Decimal)
    for person_id, _shift, date, starts, ends, is_night in _distinct(
        published_shifts(people_q, start, end)
    ):
        hours = hours_between(starts, ends)
        worked[person_id].update(local_days(starts, ends))
        if monday <= date <= sunday:
            week_hours[person_id] += hours
        if is_night and first <= date <= last:
            nights[person_id] += 1
            night_hours[person_id] += hours
    notices: dict[int, list[RestNotice]] = defaultdict(list)
    for notice in RestNotice.objects.filter(people_q, rest_to__gte=day):
        notices[notice.person_id].append(notice)
    limit = alert_days()
    rows = []
    for person in people:
        days, since = streak(worked[person.pk], day)
        rows.append(
            RestRow(
                person=person,
                days_without_rest=days,
                streak_start=since,
                hours_week=week_hours[person.pk],
                night_shifts_month=nights[person.pk],
                night_hours_month=night_hours[person.pk],
                past_limit=days >= limit,
                capped=days >= LOOKBACK_DAYS,
                notices=sorted(notices[person.pk], key=lambda n: n.rest_from),
            )
        )
    rows.sort(key=lambda r: (-r.days_without_rest, r.person.name, r.person.pk))
    return rows


def rest_watch(community: OrgUnit, day: datetime.date) -> list[RestRow]:
    """Every active person of ``community`` on ``day``, longest without a day off first;
    ``past_limit`` from ``SHOUMEN_DUTY_REST_ALERT_DAYS``. Three queries."""
    people = list(
        DutyPerson.objects.filter(community=community, is_active=True).order_by("name", "pk")
    )
    if not people:
        return []
    q = Q(person__community=community, person__is_active=True)
    return _rows(people, q, day)


def rest_of_person(person: DutyPerson, day: datetime.date) -> RestRow:
    """One person's figures on ``day``."""
    return _rows([person], Q(person=person), day)[0]


def days_without_rest(person: DutyPerson, day: datetime.date) -> int:
    return rest_of_person(person, day).days_without_rest


def rest_summary(community: OrgUnit, day: datetime.date) -> RestSummary:
    """How many of ``community``'s people are past the limit and the longest run, for the
    duty index page (partial ``duty/rest/_summary.html``, as ``summary``)."""
    rows = rest_watch(community, day)
    top = rows[0] if rows else None
    return RestSummary(
        community=community,
        day=day,
        people=len(rows),
        past_limit=sum(1 for r in rows if r.past_limit),
        longest=top.days_without_rest if top else 0,
        longest_name=top.person.name if top and top.days_without_rest else "",
        limit=alert_days(),
    )


# ---------------------------------------------------------------- scoping


def may_watch_rest(user) -> bool:
    """Whether ``user`` manages duty anywhere (otherwise the watch pages are a 403)."""
    return can(user, Perm.MANAGE_DUTY)


def rest_community_for(user, pk: int) -> OrgUnit:
    """A community under the user's duty management, or OrgUnit.DoesNotExist."""
    return OrgUnit.objects.filter(scope_q(user, Perm.MANAGE_DUTY, "path")).get(
        pk=pk, level=Level.COMMUNITY
    )


def rest_person_for(user, pk: int) -> DutyPerson:
    """A person the user manages the duty of, or is; DutyPerson.DoesNotExist otherwise."""
    managed = people_visible_to(user).select_related("community").filter(pk=pk).first()
    if managed is not None:
        return managed
    for person in me_on_duty(user):
        if person.pk == pk:
            return person
    raise DutyPerson.DoesNotExist


def manages(user, person: DutyPerson) -> bool:
    """Whether ``user`` manages the duty of ``person``'s community."""
    return can(user, Perm.MANAGE_DUTY, person.community)


def managed_person_for(user, pk: int) -> DutyPerson:
    """A person the user manages the duty of, or DutyPerson.DoesNotExist."""
    return people_visible_to(user).select_related("community").get(pk=pk)


def rest_notice_for(user, pk: int) -> RestNotice:
    """A rest notice of someone the user manages or is, or RestNotice.DoesNotExist."""
    notice = (
        RestNotice.objects.select_related("person__community", "issued_by").filter(pk=pk).first()
    )
    if notice is None:
        raise RestNotice.DoesNotExist
    try:
        rest_person_for(user, notice.person_id)
    except DutyPerson.DoesNotExist as exc:
        raise RestNotice.DoesNotExist from exc
    return notice


def notices_of(person: DutyPerson) -> QuerySet[RestNotice]:
    return RestNotice.objects.filter(person=person).select_related("issued_by")


def shifts_during(person: DutyPerson, start: datetime.date, end: datetime.date) -> QuerySet:
    """``person``'s published shifts from ``start`` to ``end`` (not called in sick): those a
    rest notice's days still hold until the roster is solved again or covered."""
    return (
        Assignment.objects.filter(
            person=person,
            roster__status=RosterStatus.PUBLISHED,
            date__range=(start, end),
            absent=False,
        )
        .select_related("shift__post")
        .order_by("starts_at")
    )
