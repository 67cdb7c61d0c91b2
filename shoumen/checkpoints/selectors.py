"""Reads about checkpoints, passes and scans, scoped by the actor."""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractHour
from django.utils import timezone

from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import covers, scope_q
from shoumen.checkpoints.models import (
    Checkpoint,
    Direction,
    Pass,
    PassStatus,
    Scan,
    Verdict,
    VerdictReason,
    Visitor,
)
from shoumen.places.models import Level, OrgUnit
from shoumen.places.selectors import org_units_visible_to
from shoumen.registry.models import Building, Household, Person, Status


def checkpoints_visible_to(user, perm: str = Perm.SCAN_PASSES) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(scope_q(user, perm, "community__path")).select_related(
        "community"
    )


def checkpoint_for(user, *, pk: int, perm: str = Perm.SCAN_PASSES) -> Checkpoint:
    """One checkpoint in scope, or Checkpoint.DoesNotExist."""
    return checkpoints_visible_to(user, perm).get(pk=pk)


@dataclass(frozen=True)
class CheckpointRef:
    """A checkpoint as the pass check needs it."""

    pk: int
    community_id: int


# The pass check runs once per person at the gate: its reads are plain SQL, since
# compiling the ORM queries cost several times more than running them.
_CHECKPOINT_SQL = (
    "SELECT c.id, c.community_id, o.path FROM checkpoints_checkpoint c"
    " JOIN places_orgunit o ON o.id = c.community_id WHERE c.id = %s"
)


def checkpoint_ref_for(user, *, pk: int, perm: str = Perm.SCAN_PASSES) -> CheckpointRef:
    """The checkpoint ``pk`` if ``user`` holds ``perm`` over it, else Checkpoint.DoesNotExist
    (the same answer as ``checkpoint_for``, without the model instance)."""
    with connection.cursor() as cursor:
        cursor.execute(_CHECKPOINT_SQL, [pk])
        row = cursor.fetchone()
    if row is None or not covers(user, perm, row[2]):
        raise Checkpoint.DoesNotExist
    return CheckpointRef(row[0], row[1])


@dataclass(frozen=True)
class PassFacts:
    """What the pass check reads of a pass, its person and household."""

    pass_id: int
    person_id: int
    version: int
    status: str
    revoke_reason: str
    valid_until: datetime.date
    name: str
    # Whether the checkpoint lets the pass's household through: it lets every building of
    # its community through, or the household's building is one of its buildings.
    building_allowed: bool


_FACTS_SQL = (
    "SELECT p.id, p.person_id, p.version, p.status, p.revoke_reason, p.valid_until, pe.name,"
    " NOT EXISTS (SELECT 1 FROM checkpoints_checkpoint_buildings b WHERE b.checkpoint_id = %s)"
    " OR EXISTS (SELECT 1 FROM checkpoints_checkpoint_buildings b"
    "  WHERE b.checkpoint_id = %s AND b.building_id = h.building_id)"
    " FROM checkpoints_pass p JOIN registry_person pe ON pe.id = p.person_id"
    " LEFT JOIN registry_household h ON h.id = p.household_id WHERE p.id "
)


def pass_facts(pass_ids, *, checkpoint_id: int) -> dict[int, PassFacts]:
    """pass id -> its facts at the checkpoint, for the passes that exist."""
    ids = list(pass_ids)
    if not ids:
        return {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter, however many ids
            cursor.execute(_FACTS_SQL + "= ANY(%s)", [checkpoint_id, checkpoint_id, ids])
        else:
            in_ids = f"IN ({', '.join(['%s'] * len(ids))})"
            cursor.execute(_FACTS_SQL + in_ids, [checkpoint_id, checkpoint_id, *ids])
        rows = cursor.fetchall()
    return {
        pk: PassFacts(pk, person_id, version, status, reason, valid_until, name, bool(allowed))
        for pk, person_id, version, status, reason, valid_until, name, allowed in rows
    }


def passes_visible_to(user, perm: str = Perm.MANAGE_PASSES) -> QuerySet[Pass]:
    return Pass.objects.filter(scope_q(user, perm, "person__grid__path"))


def pass_changes_since(checkpoint: Checkpoint, since: datetime.datetime | None) -> list[dict]:
    """What an offline phone at ``checkpoint`` must know: each pass of the community that
    changed since ``since`` with its current version, status and revoke reason (a lower
    version in a QR is an old, re-issued pass; isolation is told apart from a revocation)."""
    passes = Pass.objects.filter(community_id=checkpoint.community_id)
    if since is not None:
        passes = passes.filter(changed_at__gt=since)
    fields = ("id", "version", "status", "revoke_reason", "changed_at")
    return [dict(row) for row in passes.order_by("changed_at", "id").values(*fields)]


def traffic_by_hour(checkpoint: Checkpoint, day: datetime.date) -> list[dict]:
    """Per hour of ``day``: entries, exits, denials by reason and fever flags."""
    rows = (
        Scan.objects.filter(checkpoint=checkpoint, day=day)
        .annotate(hour=ExtractHour("scanned_at"))
        .values("hour")
        .annotate(
            entries=Count("id", filter=Q(direction=Direction.IN) & ~Q(verdict=Verdict.DENY)),
            exits=Count("id", filter=Q(direction=Direction.OUT) & ~Q(verdict=Verdict.DENY)),
            denials=Count("id", filter=Q(verdict=Verdict.DENY)),
            fevers=Count("id", filter=Q(reason=VerdictReason.FEVER)),
            flagged=Count("id", filter=Q(flagged=True)),
        )
        .order_by("hour")
    )
    return [dict(row) for row in rows]


def denials_by_reason(
    checkpoint: Checkpoint, start: datetime.datetime, end: datetime.datetime
) -> dict[str, int]:
    rows = (
        Scan.objects.filter(
            checkpoint=checkpoint,
            day__gte=start.date() - datetime.timedelta(days=1),
            day__lte=end.date(),
            scanned_at__gte=start,
            scanned_at__lt=end,
            verdict=Verdict.DENY,
        )
        .values("reason")
        .annotate(n=Count("id"))
    )
    return {row["reason"]: row["n"] for row in rows}


def visitors_of(checkpoint: Checkpoint, start, end) -> QuerySet[Visitor]:
    return Visitor.objects.filter(
        checkpoint=checkpoint, arrived_at__gte=start, arrived_at__lt=end
    ).select_related("household__building", "registered_by")


# ---------------------------------------------------------------- pages


def communities_for_checkpoints(user) -> QuerySet[OrgUnit]:
    """Communities where ``user`` may set up checkpoints."""
    return org_units_visible_to(user, Perm.MANAGE_CHECKPOINTS).filter(level=Level.COMMUNITY)


def buildings_of_community(community: OrgUnit) -> QuerySet[Building]:
    return Building.objects.filter(grid__path__startswith=community.path).order_by("name", "pk")


def checkpoint_by_visitor_key(key) -> Checkpoint:
    """The post whose own QR carries ``key`` (in use only), or Checkpoint.DoesNotExist."""
    return Checkpoint.objects.select_related("community").get(visitor_key=key, is_active=True)


def household_at(
    community: OrgUnit, building: Building, unit: str, door_number: str
) -> Household | None:
    """The one household of ``community`` at this door, or None when there is none or the
    door is ambiguous (the visitor's words are then kept as text)."""
    found = list(
        Household.objects.filter(
            grid__path__startswith=community.path,
            building=building,
            door_number=door_number,
            **({"unit": unit} if unit else {}),
        )[:2]
    )
    return found[0] if len(found) == 1 else None


def visitor_for(user, *, pk: int, perm: str = Perm.SCAN_PASSES) -> Visitor:
    return Visitor.objects.select_related("checkpoint__community").get(
        scope_q(user, perm, "checkpoint__community__path"), pk=pk
    )


def pass_of(person: Person) -> Pass | None:
    return (
        Pass.objects.select_related("person__grid", "household__building", "community")
        .filter(person=person)
        .first()
    )


@dataclass(frozen=True)
class PassFilters:
    unit: OrgUnit | None = None
    building: Building | None = None
    status: str = ""
    expiring_by: datetime.date | None = None


def passes_list(user, filters: PassFilters) -> QuerySet[Pass]:
    passes = passes_visible_to(user)
    if filters.unit is not None:
        passes = passes.filter(person__grid__path__startswith=filters.unit.path)
    if filters.building is not None:
        passes = passes.filter(household__building=filters.building)
    if filters.status:
        passes = passes.filter(status=filters.status)
    if filters.expiring_by is not None:
        passes = passes.filter(status=PassStatus.VALID, valid_until__lte=filters.expiring_by)
    return passes.select_related("person", "household__building").order_by(
        "valid_until", "person__name", "pk"
    )


def residents_without_pass(*, building: Building | None = None, household=None):
    persons = Person.objects.filter(status=Status.RESIDENT, checkpoint_pass__isnull=True)
    if household is not None:
        persons = persons.filter(household=household)
    if building is not None:
        persons = persons.filter(household__building=building)
    return persons.select_related("grid", "household").order_by("pk")


def denials_by_hour(checkpoint: Checkpoint, day: datetime.date) -> dict[int, dict[str, int]]:
    """Hour of ``day`` → {denial reason: count}."""
    rows = (
        Scan.objects.filter(checkpoint=checkpoint, day=day, verdict=Verdict.DENY)
        .annotate(hour=ExtractHour("scanned_at"))
        .values("hour", "reason")
        .annotate(n=Count("id"))
    )
    table: dict[int, dict[str, int]] = {}
    for row in rows:
        table.setdefault(row["hour"], {})[row["reason"]] = row["n"]
    return table


def _scans_between(checkpoint: Checkpoint, start, end) -> QuerySet[Scan]:
    # ``day`` bounds let PostgreSQL read only the partitions the range touches.
    return Scan.objects.filter(
        checkpoint=checkpoint,
        day__gte=timezone.localdate(start) - datetime.timedelta(days=1),
        day__lte=timezone.localdate(end),
        scanned_at__gte=start,
        scanned_at__lt=end,
    )


@dataclass(frozen=True)
class ShiftSummary:
    entries: int
    exits: int
    denials: int
    fevers: int
    denials_by_reason: dict[str, int]
    flagged: list[Scan]
    visitors_arrived: int
    visitors_inside: list[Visitor]


def shift_summary(checkpoint: Checkpoint, start, end) -> ShiftSummary:
    """What the next shift must know about [start, end): totals, denials by reason, fevers,
    offline scans flagged afterwards, and visitors who came and have not left."""
    scans = _scans_between(checkpoint, start, end)
    totals = scans.aggregate(
        entries=Count("id", filter=Q(direction=Direction.IN) & ~Q(verdict=Verdict.DENY)),
        exits=Count("id", filter=Q(direction=Direction.OUT) & ~Q(verdict=Verdict.DENY)),
        denials=Count("id", filter=Q(verdict=Verdict.DENY)),
        fevers=Count("id", filter=Q(reason=VerdictReason.FEVER)),
    )
    visitors = Visitor.objects.filter(checkpoint=checkpoint, arrived_at__lt=end)
    return ShiftSummary(
        **totals,
        denials_by_reason=denials_by_reason(checkpoint, start, end),
        flagged=list(
            scans.filter(flagged=True).select_related("person").order_by("scanned_at", "pk")
        ),
        visitors_arrived=visitors.filter(arrived_at__gte=start).count(),
        visitors_inside=list(
            visitors.filter(left_at__isnull=True)
            .select_related("household__building")
            .order_by("arrived_at", "pk")
        ),
    )


def ledger_scans(checkpoint: Checkpoint, day: datetime.date) -> QuerySet[Scan]:
    return (
        Scan.objects.filter(checkpoint=checkpoint, day=day)
        .select_related("person", "volunteer")
        .order_by("scanned_at", "pk")
    )


def community_staff_of(community) -> list:
    """The active community staff of ``community``: who hears of a fever at its gates."""
    from shoumen.accounts.models import User

    return list(
        User.objects.filter(
            is_active=True,
            assignments__role=Role.COMMUNITY_STAFF,
            assignments__org_unit=community,
        ).order_by("pk")
    )


# ---------------------------------------------------------------- home


def checkpoints_today(user, *, day: datetime.date, limit: int | None = None) -> list[Checkpoint]:
    """The actor's checkpoints with ``scans_today`` and ``visitors_today`` counted for ``day``."""
    start, end = _day_bounds(day)
    scans = (
        Scan.objects.filter(checkpoint=OuterRef("pk"), scanned_at__gte=start, scanned_at__lt=end)
        .order_by()
        .values("checkpoint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    visitors = (
        Visitor.objects.filter(checkpoint=OuterRef("pk"), arrived_at__gte=start, arrived_at__lt=end)
        .order_by()
        .values("checkpoint")
        .annotate(n=Count("pk"))
        .values("n")
    )
    found = (
        checkpoints_visible_to(user)
        .annotate(
            scans_today=Coalesce(Subquery(scans, output_field=IntegerField()), 0),
            visitors_today=Coalesce(Subquery(visitors, output_field=IntegerField()), 0),
        )
        .order_by("community__path", "name")
    )
    return list(found[:limit] if limit is not None else found)


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)
