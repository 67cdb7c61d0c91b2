"""Reads about key persons and health reports, scoped by the actor."""

import datetime
import re
import uuid
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role, role_allows
from shoumen.accounts.scoping import assignments_of, roles_of, scope_q
from shoumen.alerts.rules import slot_deadline
from shoumen.audit.models import AuditEvent
from shoumen.lib.text import clean_line, to_halfwidth
from shoumen.observation.models import HealthReport, Observation, ObservationStatus, Slot
from shoumen.places.models import Level, OrgUnit
from shoumen.registry.models import Person, Status, id_last4_index

ERR_LINE_FORMAT = _("Write a name, then the last 4 characters of the ID number or phone.")
ERR_LINE_NOBODY = _("No resident in your jurisdiction has this name and number.")
ERR_LINE_SEVERAL = _("Several residents match; pick the person from the list instead.")

# "张三 1234", "张三，110105198503070019", "张三 138****5678" is not accepted: digits only.
LINE_RE = re.compile(r"^(?P<name>\D+?)[\s,，、;；:：]*(?P<digits>\d[0-9Xx]{3,17})$")


def grid_worker_of(grid: OrgUnit) -> User | None:
    """The grid's worker (the earliest assigned active one), the default responsible."""
    return (
        User.objects.filter(
            is_active=True,
            assignments__role=Role.GRID_WORKER,
            assignments__org_unit=grid,
        )
        .order_by("assignments__created_at", "pk")
        .first()
    )


def observations_visible_to(user, perm: str = Perm.VIEW_OBSERVATIONS) -> QuerySet[Observation]:
    return Observation.objects.filter(scope_q(user, perm, "grid__path"))


def observation_for(user, *, pk: int, perm: str = Perm.VIEW_OBSERVATIONS) -> Observation:
    """One observation in scope, or Observation.DoesNotExist."""
    return (
        observations_visible_to(user, perm)
        .select_related("person__household__building", "grid", "responsible", "transfer_to")
        .get(pk=pk)
    )


def active_observations_of(person_ids) -> dict[int | None, Observation]:
    """Each person's active observation (the one ending last, if several kinds)."""
    found: dict[int | None, Observation] = {}
    for obs in Observation.objects.filter(
        person_id__in=person_ids, status=ObservationStatus.ACTIVE
    ).order_by("ends_on"):
        found[obs.person_id] = obs
    return found


def incoming_transfers(user) -> QuerySet[Observation]:
    """Active observations waiting to be accepted by a community in the user's scope."""
    return Observation.objects.filter(
        scope_q(user, Perm.MANAGE_OBSERVATIONS, "transfer_to__path"),
        status=ObservationStatus.ACTIVE,
        transfer_to__isnull=False,
    ).select_related("person", "grid", "transfer_to")


def health_reports_visible_to(user, perm: str = Perm.VIEW_OBSERVATIONS) -> QuerySet[HealthReport]:
    return HealthReport.objects.filter(scope_q(user, perm, "grid__path"))


# ---------------------------------------------------------------- pages: Today


class TodayState(models.IntegerChoices):
    OVERDUE = 0, _("Overdue")
    DUE = 1, _("Due now")
    DONE = 2, _("Done")


# The afternoon slot starts at noon: a report made before then is the morning's.
AFTERNOON_FROM = datetime.time(12, 0)


def current_slot(now: datetime.datetime) -> str:
    return Slot.AFTERNOON if timezone.localtime(now).time() >= AFTERNOON_FROM else Slot.MORNING


def _today_scope_q(user, *, mine_only: bool) -> Q:
    """The actor's own observed persons; staff above a grid also see those in their scope."""
    mine = Q(responsible=user) & scope_q(user, Perm.RECORD_HEALTH_REPORTS, "grid__path")
    if mine_only:
        return mine
    staff_paths = {
        path
        for role, path in assignments_of(user)
        if role != Role.GRID_WORKER and role_allows(role, Perm.RECORD_HEALTH_REPORTS)
    }
    if "" in staff_paths or Role.SYSTEM_ADMIN in roles_of(user):
        return Q()
    return reduce(or_, (Q(grid__path__startswith=p) for p in staff_paths), mine)


def _reached(day: datetime.date, slot: str):
    """A report for the slot that counts: anything but a worker's call that got no answer."""
    return Exists(
        HealthReport.objects.filter(person=OuterRef("person"), date=day, slot=slot).exclude(
            reached=False
        )
    )


def with_today_state(qs: QuerySet[Observation], *, now: datetime.datetime, rules):
    """Annotate ``today_state``: done when the current slot has a report (a call that got
    no answer does not count); overdue when the slot's deadline has passed, or when it is
    the afternoon and the morning went unreported past its deadline; due otherwise."""
    day, slot = timezone.localdate(now), current_slot(now)
    whens = [When(_reached(day, slot), then=Value(TodayState.DONE))]
    default = TodayState.DUE
    if slot_deadline(rules, day, slot) <= now:
        default = TodayState.OVERDUE
    elif slot == Slot.AFTERNOON and slot_deadline(rules, day, Slot.MORNING) <= now:
        whens.append(When(~_reached(day, Slot.MORNING), then=Value(TodayState.OVERDUE)))
    return qs.annotate(
        today_state=Case(*whens, default=Value(default), output_field=IntegerField())
    ).select_related("person__household__building", "grid", "responsible")


def today_observations(
    user, *, now: datetime.datetime, rules, mine_only: bool = False, state: int | None = None
) -> QuerySet[Observation]:
    """Active observations the actor follows up today: overdue first, then due, then done."""
    qs = with_today_state(
        Observation.objects.filter(
            _today_scope_q(user, mine_only=mine_only),
            status=ObservationStatus.ACTIVE,
            person__isnull=False,
        ),
        now=now,
        rules=rules,
    )
    if state is not None:
        qs = qs.filter(**{"today_state": state})
    return qs.order_by("today_state", "person__name", "pk")


def today_observation_for(user, *, pk: int, now: datetime.datetime, rules) -> Observation:
    """One active observation the actor may record reports for, or Observation.DoesNotExist."""
    qs = observations_visible_to(user, Perm.RECORD_HEALTH_REPORTS).filter(
        status=ObservationStatus.ACTIVE, person__isnull=False
    )
    return with_today_state(qs, now=now, rules=rules).get(pk=pk)


@dataclass
class TodayRow:
    observation: Observation
    reports: dict[str, HealthReport]
    alerts: list
    day: datetime.date
    slot: str
    # Carried by the row's one-tap buttons: a double tap replays it and changes nothing.
    client_uuid: uuid.UUID = field(default_factory=uuid.uuid4)

    @property
    def slots(self) -> list[tuple[str, Any, HealthReport | None]]:
        return [(value, label, self.reports.get(value)) for value, label in Slot.choices]


def today_rows(observations, *, day: datetime.date, slot: str) -> list[TodayRow]:
    """A page of Today's observations with the day's reports and open alerts (two queries)."""
    from shoumen.alerts.selectors import open_alerts_of

    observations = list(observations)
    person_ids = [obs.person_id for obs in observations]
    reports = reports_of_day(person_ids, day)
    alerts = open_alerts_of(person_ids)
    return [
        TodayRow(obs, reports.get(obs.person_id, {}), alerts.get(obs.person_id, []), day, slot)
        for obs in observations
    ]


def today_counts(observations: QuerySet[Any]) -> dict[int, int]:
    """How many observations are in each Today state (one grouped query)."""
    counts = dict.fromkeys(TodayState.values, 0)
    rows = observations.order_by().values("today_state").annotate(n=Count("pk"))
    for row in rows:
        counts[row["today_state"]] = row["n"]
    return counts


def reports_of_day(person_ids, day: datetime.date) -> dict[int, dict[str, HealthReport]]:
    """The day's reports of a few persons, by person and slot."""
    found: dict[int, dict[str, HealthReport]] = {}
    for report in HealthReport.objects.filter(person_id__in=list(person_ids), date=day):
        found.setdefault(report.person_id, {})[report.slot] = report
    return found


# ---------------------------------------------------------------- pages: observations


@dataclass(frozen=True)
class ObservationFilters:
    status: str = ObservationStatus.ACTIVE  # "" means every status
    kind: str = ""
    grid: OrgUnit | None = None
    person: int | None = None


def observations_list(user, filters: ObservationFilters) -> QuerySet[Observation]:
    qs = observations_visible_to(user).filter(person__isnull=False)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.grid is not None:
        qs = qs.filter(grid__path__startswith=filters.grid.path)
    if filters.person is not None:
        qs = qs.filter(person_id=filters.person)
    return qs.select_related("person__household__building", "grid", "responsible").order_by(
        "ends_on", "pk"
    )


TIMELINE_LIMIT = 60


def observation_reports(obs: Observation) -> QuerySet[HealthReport]:
    """The person's health reports during the observation (the caller scoped it), newest
    first, at most two a day for the longest period."""
    if obs.person_id is None:
        return HealthReport.objects.none()
    return (
        HealthReport.objects.filter(
            person_id=obs.person_id, date__gte=obs.starts_on, date__lte=obs.ends_on
        )
        .select_related("recorded_by")
        .order_by("-date", "-slot")[: TIMELINE_LIMIT * 2]
    )


def observation_history(obs: Observation) -> QuerySet[AuditEvent]:
    """Audit events about the observation (the caller scoped it), newest first."""
    return AuditEvent.objects.filter(
        target_type=Observation._meta.label_lower, target_id=str(obs.pk)
    ).order_by("-id")


def workers_for(grid: OrgUnit) -> QuerySet[User]:
    """Active users who may follow persons up in ``grid``: its workers and the staff above."""
    prefixes = [
        grid.path[:end] for end in range(OrgUnit.steplen, len(grid.path) + 1, OrgUnit.steplen)
    ]
    roles = [role for role in Role if role_allows(role, Perm.RECORD_HEALTH_REPORTS)]
    return (
        User.objects.filter(
            is_active=True, assignments__role__in=roles, assignments__org_unit__path__in=prefixes
        )
        .distinct()
        .order_by("username")
    )


def transfer_targets(obs: Observation) -> QuerySet[OrgUnit]:
    """Communities a person can be transferred to: any but the current one."""
    current = obs.grid.path[: len(obs.grid.path) - OrgUnit.steplen]
    return OrgUnit.objects.filter(level=Level.COMMUNITY).exclude(path=current).order_by("path")


def grids_of(community: OrgUnit) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(level=Level.GRID, path__startswith=community.path).order_by(
        "path"
    )


def persons_for_observation(user, *, q: str, limit: int) -> list[Person]:
    """Current residents the actor may put under observation, matching a search."""
    from shoumen.registry.selectors import PersonFilters, persons_search

    found = persons_search(user, PersonFilters(q=q, status=Status.RESIDENT))
    allowed = scope_q(user, Perm.MANAGE_OBSERVATIONS, "grid__path")
    return list(found.filter(allowed)[:limit])


@dataclass
class PersonLine:
    """One pasted line of the bulk start screen, resolved to a person or an error."""

    number: int
    text: str
    person: Person | None = None
    error: str = ""


def persons_from_lines(user, lines: list[str]) -> list[PersonLine]:
    """Resolve lines of "name + last 4 of the ID number (or phone)" to residents in the
    actor's scope, one query for all; a line matching nobody or several persons is an error."""
    parsed: list[PersonLine] = []
    wanted: set[str] = set()
    for number, raw in enumerate(lines, start=1):
        text = clean_line(to_halfwidth(raw))
        if not text:
            continue
        match = LINE_RE.match(text)
        line = PersonLine(number, text)
        if match is None:
            line.error = str(ERR_LINE_FORMAT)
        else:
            wanted.add(match["digits"][-4:].upper())
        parsed.append(line)
    candidates: dict[tuple[str, str], list[Person]] = {}
    if wanted:
        by_index = {id_last4_index(last4): last4 for last4 in wanted}
        scoped = Person.objects.filter(
            scope_q(user, Perm.MANAGE_OBSERVATIONS, "grid__path"), status=Status.RESIDENT
        ).filter(Q(id_number_last4_index__in=by_index) | Q(phone_last4__in=wanted))
        for person in scoped.select_related("household__building", "grid"):
            id_last4 = by_index.get(person.id_number_last4_index, "")
            for last4 in {id_last4, person.phone_last4} - {""}:
                candidates.setdefault((person.name, last4.upper()), []).append(person)
    for line in parsed:
        if line.error:
            continue
        match = LINE_RE.match(line.text)
        assert match is not None
        key = (match["name"].strip(), match["digits"][-4:].upper())
        found = candidates.get(key, [])
        unique = {p.pk: p for p in found}
        if not unique:
            line.error = str(ERR_LINE_NOBODY)
        elif len(unique) > 1:
            line.error = str(ERR_LINE_SEVERAL)
        else:
            line.person = next(iter(unique.values()))
    return parsed


def persons_picked(user, ids: list[int]) -> list[Person]:
    """Residents picked from the list, those the actor may put under observation."""
    return list(
        Person.objects.filter(
            scope_q(user, Perm.MANAGE_OBSERVATIONS, "grid__path"),
            pk__in=ids,
            status=Status.RESIDENT,
        )
        .select_related("household__building", "grid")
        .order_by("pk")
    )


def pending_transfer_for(user, *, pk: int) -> Observation:
    """An observation waiting for a transfer that the actor manages on either side, or
    Observation.DoesNotExist."""
    sides = scope_q(user, Perm.MANAGE_OBSERVATIONS, "grid__path") | scope_q(
        user, Perm.MANAGE_OBSERVATIONS, "transfer_to__path"
    )
    return (
        Observation.objects.filter(
            sides, status=ObservationStatus.ACTIVE, transfer_to__isnull=False
        )
        .select_related("person", "grid", "transfer_to")
        .get(pk=pk)
    )
