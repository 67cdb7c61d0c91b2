"""Community, street and district boards: who is observed, today's reporting rate, who has not
reported, and open alerts by age and owner.

Every figure is one aggregate query over the unit's grids (a fixed number of queries per
board, whatever the population): the grids are read once and everything else filters on
``grid_id IN (...)``, which the (status, grid) indexes of observations and alerts serve;
today's reports are looked up per observed person on the unique (person, date, slot) key,
inside today's partition on PostgreSQL.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.alerts.models import OPEN_STATUSES, Alert, AlertStatus, Cause
from shoumen.alerts.rules import current_rules, due_slots
from shoumen.observation.models import (
    HealthReport,
    Kind,
    Observation,
    ObservationStatus,
    Reason,
)
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import org_units_visible_to

BOARD_LEVELS = (Level.COMMUNITY, Level.STREET, Level.DISTRICT)
# Finished observations stay on the board this long after their last change.
RECENT_DAYS = 30
HOUR = datetime.timedelta(hours=1)
# Alert age buckets: (key, label, from hours, to hours or None).
AGE_BUCKETS = (
    ("h0_2", _("0–2 h"), 0, 2),
    ("h2_8", _("2–8 h"), 2, 8),
    ("h8_24", _("8–24 h"), 8, 24),
    ("h24", _("over 24 h"), 24, None),
)


@dataclass
class Rate:
    """Reports received against the slots due so far today, for one grid or a total."""

    unit: OrgUnit | None
    persons: int = 0
    expected: int = 0
    received: int = 0
    community: OrgUnit | None = None

    @property
    def percent(self) -> float | None:
        return round(100 * self.received / self.expected, 1) if self.expected else None

    @property
    def missing(self) -> int:
        return self.expected - self.received


@dataclass
class CountTable:
    """Counts of observations per row key (kind or reason) and status."""

    rows: list[tuple[str, str, dict[str, int], int]]  # key, label, by status, total
    totals: dict[str, int]
    total: int


@dataclass
class OwnerRow:
    owner_id: int | None
    name: str
    open: int
    acknowledged: int
    overdue: int

    @property
    def total(self) -> int:
        return self.open + self.acknowledged


@dataclass
class AgeRow:
    cause: str
    label: str
    buckets: list[int]
    total: int


@dataclass
class Board:
    unit: OrgUnit
    day: datetime.date
    now: datetime.datetime
    due: list[str]
    by_kind: CountTable
    by_reason: CountTable
    statuses: list[tuple[str, str]]
    rates: list[Rate]
    community_rates: list[Rate]
    total_rate: Rate
    # One row per unit directly below: communities of a street, streets of a district.
    child_rates: list[Rate]
    alerts_by_age: list[AgeRow]
    age_totals: list[int]
    alerts_by_owner: list[OwnerRow]
    non_reporting: QuerySet[Observation]
    grids: list[OrgUnit] = field(repr=False, default_factory=list)


def board_unit_for(user, *, pk: int) -> OrgUnit:
    """A community, street or district the actor may watch, or OrgUnit.DoesNotExist."""
    return org_units_visible_to(user, Perm.VIEW_OBSERVATIONS).get(pk=pk, level__in=BOARD_LEVELS)


def _units_under(unit: OrgUnit) -> tuple[list[OrgUnit], dict[str, OrgUnit]]:
    """The unit's grids in tree order, and the units above them by path (one query)."""
    below = OrgUnit.objects.filter(
        path__startswith=unit.path, level__in=[Level.STREET, Level.COMMUNITY, Level.GRID]
    ).order_by("path")
    grids, units = [], {}
    for u in below:
        if u.level == Level.GRID:
            grids.append(u)
        else:
            units[u.path] = u
    units[unit.path] = unit
    return grids, units


def observed_today(grid_ids: list[int], day: datetime.date) -> QuerySet[Observation]:
    """Observations that expect reports today in these grids."""
    return Observation.objects.filter(
        grid_id__in=grid_ids,
        status=ObservationStatus.ACTIVE,
        starts_on__lte=day,
        ends_on__gte=day,
    )


def _count_tables(grid_ids: list[int], now: datetime.datetime) -> tuple[CountTable, CountTable]:
    since = now - datetime.timedelta(days=RECENT_DAYS)
    rows = (
        Observation.objects.filter(grid_id__in=grid_ids)
        .filter(Q(status=ObservationStatus.ACTIVE) | Q(status_changed_at__gte=since))
        .values_list("kind", "reason", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_reason: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for kind, reason, status, n in rows:
        by_kind[kind][status] += n
        by_reason[reason][status] += n
    return _table(by_kind, Kind.choices), _table(by_reason, Reason.choices)


def _table(counts: dict[str, dict[str, int]], choices) -> CountTable:
    totals: dict[str, int] = defaultdict(int)
    rows = []
    for key, label in choices:
        by_status = {s: counts.get(key, {}).get(s, 0) for s in ObservationStatus.values}
        for s, n in by_status.items():
            totals[s] += n
        rows.append((key, str(label), by_status, sum(by_status.values())))
    return CountTable(rows=rows, totals=dict(totals), total=sum(totals.values()))


def _reports_due(grid_ids: list[int], day: datetime.date, due: list[str]):
    """Today's reports for the due slots, filed in these grids (the (grid, date) index)."""
    return HealthReport.objects.filter(grid_id__in=grid_ids, date=day, slot__in=due)


def _rates(
    grids: list[OrgUnit],
    communities: dict[str, OrgUnit],
    day: datetime.date,
    due: list[str],
    unit: OrgUnit,
) -> tuple[list[Rate], list[Rate], Rate]:
    grid_ids = [g.pk for g in grids]
    observed = observed_today(grid_ids, day)
    persons = dict(
        observed.values("grid_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("grid_id", "n")
        .order_by()
    )
    # One report per person, date and slot (a unique key): counting reports of observed
    # persons counts the slots they reported.
    received = (
        dict(
            _reports_due(grid_ids, day, due)
            .filter(person_id__in=observed.values("person_id"))
            .values("grid_id")
            .annotate(n=Count("pk"))
            .values_list("grid_id", "n")
            .order_by()
        )
        if due
        else {}
    )
    steplen = unit.steplen
    rates = []
    for grid in grids:
        rate = Rate(unit=grid, community=communities.get(grid.path[:-steplen]))
        rate.persons = persons.get(grid.pk, 0)
        rate.expected = rate.persons * len(due)
        rate.received = received.get(grid.pk, 0)
        rates.append(rate)
    per_community: dict[str, Rate] = {}
    for rate in rates:
        if rate.community is None:
            continue
        total = per_community.setdefault(rate.community.path, Rate(unit=rate.community))
        total.persons += rate.persons
        total.expected += rate.expected
        total.received += rate.received
    overall = Rate(unit=unit)
    for rate in rates:
        overall.persons += rate.persons
        overall.expected += rate.expected
        overall.received += rate.received
    return rates, list(per_community.values()), overall


def _child_rates(rates: list[Rate], units: dict[str, OrgUnit], unit: OrgUnit) -> list[Rate]:
    """The grids' rates rolled up to the units directly below ``unit``, in tree order."""
    cut = len(unit.path) + unit.steplen
    per_child: dict[str, Rate] = {}
    for rate in rates:
        child = units.get(rate.unit.path[:cut]) if rate.unit is not None else None
        if child is None or child.level == Level.GRID:
            continue
        total = per_child.setdefault(child.path, Rate(unit=child))
        total.persons += rate.persons
        total.expected += rate.expected
        total.received += rate.received
    return [per_child[p] for p in sorted(per_child)]


def non_reporting(grid_ids: list[int], day: datetime.date, due: list[str]):
    """Observed persons with no report for a slot due today (once each), in grid and name
    order. ``mark_missing`` tells which slots, for the rows shown."""
    if not due:
        return Observation.objects.none()
    complete = (
        _reports_due(grid_ids, day, due)
        .values("person_id")
        .annotate(n=Count("pk"))
        .filter(n=len(due))
        .values("person_id")
    )
    # A person observed under two kinds is listed once: by the lowest observation id.
    earlier = Observation.objects.filter(
        person_id=OuterRef("person_id"),
        grid_id__in=grid_ids,
        status=ObservationStatus.ACTIVE,
        starts_on__lte=day,
        ends_on__gte=day,
        pk__lt=OuterRef("pk"),
    )
    return (
        observed_today(grid_ids, day)
        .exclude(person_id__in=complete)
        .filter(~Exists(earlier))
        .order_by("grid__path", "person__name", "pk")
    )


# What a row of the non-reporting list shows.
_ROW_RELATED = ("person", "grid", "responsible")
_ROW_FIELDS = (
    "pk",
    "kind",
    "ends_on",
    "person_id",
    "person__name",
    "grid_id",
    "grid__name",
    "grid__path",
    "responsible_id",
    "responsible__username",
    "responsible__display_name",
)


def non_reporting_page(board: "Board", number, per_page: int) -> Page:
    """A page of the board's non-reporting list, its rows marked with the missing slots.
    The list's ids are read once, in order (they also give the count); then only the
    page's rows are read in full."""
    ids = list(board.non_reporting.values_list("pk", flat=True))
    page = Paginator(ids, per_page).get_page(number)
    shown = Observation.objects.select_related(*_ROW_RELATED).only(*_ROW_FIELDS)
    by_id = shown.in_bulk(page.object_list)
    rows = mark_missing([by_id[pk] for pk in page.object_list], board.day, board.due)
    return Page(rows, page.number, page.paginator)


def mark_missing(observations, day: datetime.date, due: list[str]) -> list[Observation]:
    """Set ``has_<slot>`` on each observation (one query for the rows of a page)."""
    rows = list(observations)
    reported = set(
        HealthReport.objects.filter(
            person_id__in=[o.person_id for o in rows], date=day, slot__in=due
        ).values_list("person_id", "slot")
    )
    for obs in rows:
        for slot in due:
            setattr(obs, f"has_{slot}", (obs.person_id, slot) in reported)
    return rows


def _alerts(grid_ids: list[int], now: datetime.datetime):
    open_alerts = Alert.objects.filter(grid_id__in=grid_ids, status__in=OPEN_STATUSES)
    aggregates = {}
    for key, _label, start, end in AGE_BUCKETS:
        q = Q(opened_at__lte=now - start * HOUR)
        if end is not None:
            q &= Q(opened_at__gt=now - end * HOUR)
        aggregates[key] = Count("pk", filter=q)
    by_cause: dict[str, dict[str, Any]] = {
        row["cause"]: dict(row)
        for row in open_alerts.values("cause").annotate(**aggregates).order_by()
    }
    age_rows = []
    for cause, label in Cause.choices:
        row = by_cause.get(cause)
        buckets = [row[key] if row else 0 for key, *_ in AGE_BUCKETS]
        age_rows.append(AgeRow(cause, str(label), buckets, sum(buckets)))
    age_totals = [sum(r.buckets[i] for r in age_rows) for i in range(len(AGE_BUCKETS))]

    owners = (
        open_alerts.values("owner_id", "owner__username", "owner__display_name")
        .annotate(
            n_open=Count("pk", filter=Q(status=AlertStatus.OPEN)),
            n_ack=Count("pk", filter=Q(status=AlertStatus.ACKNOWLEDGED)),
            n_overdue=Count("pk", filter=Q(status=AlertStatus.OPEN, due_at__lt=now)),
        )
        .order_by()
    )
    owner_rows = [
        OwnerRow(
            owner_id=row["owner_id"],
            name=row["owner__display_name"] or row["owner__username"] or str(_("(no owner)")),
            open=row["n_open"],
            acknowledged=row["n_ack"],
            overdue=row["n_overdue"],
        )
        for row in owners
    ]
    owner_rows.sort(key=lambda r: (-r.overdue, -r.total, r.name))
    return age_rows, age_totals, owner_rows


def board_for(user, *, pk: int, now: datetime.datetime | None = None) -> Board:
    """The board of one community or street in the actor's scope (or DoesNotExist)."""
    unit = board_unit_for(user, pk=pk)
    now = now or timezone.now()
    day = timezone.localdate(now)
    due = due_slots(current_rules(), now)
    grids, units = _units_under(unit)
    grid_ids = [g.pk for g in grids]
    by_kind, by_reason = _count_tables(grid_ids, now)
    communities = {p: u for p, u in units.items() if u.level == Level.COMMUNITY}
    rates, community_rates, total_rate = _rates(grids, communities, day, due, unit)
    age_rows, age_totals, owner_rows = _alerts(grid_ids, now)
    return Board(
        unit=unit,
        day=day,
        now=now,
        due=due,
        by_kind=by_kind,
        by_reason=by_reason,
        statuses=[(s, str(label)) for s, label in ObservationStatus.choices],
        rates=rates,
        community_rates=community_rates if unit.level == Level.STREET else [],
        total_rate=total_rate,
        child_rates=_child_rates(rates, units, unit) if unit.level != Level.COMMUNITY else [],
        alerts_by_age=age_rows,
        age_totals=age_totals,
        alerts_by_owner=owner_rows,
        non_reporting=non_reporting(grid_ids, day, due),
        grids=grids,
    )


def non_reporting_count(user, *, unit: OrgUnit, now: datetime.datetime) -> int:
    """How many observed persons under ``unit`` have not reported a slot due so far today
    (``unit`` must be in the actor's scope: it comes from a scoped selector)."""
    board_unit_for(user, pk=unit.pk)
    due = due_slots(current_rules(), now)
    grid_ids = list(
        OrgUnit.objects.filter(path__startswith=unit.path, level=Level.GRID).values_list(
            "pk", flat=True
        )
    )
    return non_reporting(grid_ids, timezone.localdate(now), due).count()
