"""Reads about checkpoints, passes and scans, scoped by the actor."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractHour

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.checkpoints.models import (
    Checkpoint,
    Direction,
    Pass,
    Scan,
    Verdict,
    VerdictReason,
    Visitor,
)


def checkpoints_visible_to(user, perm: str = Perm.SCAN_PASSES) -> QuerySet[Checkpoint]:
    return Checkpoint.objects.filter(scope_q(user, perm, "community__path")).select_related(
        "community"
    )


def checkpoint_for(user, *, pk: int, perm: str = Perm.SCAN_PASSES) -> Checkpoint:
    """One checkpoint in scope, or Checkpoint.DoesNotExist."""
    return checkpoints_visible_to(user, perm).get(pk=pk)


def passes_visible_to(user, perm: str = Perm.MANAGE_PASSES) -> QuerySet[Pass]:
    return Pass.objects.filter(scope_q(user, perm, "person__grid__path"))


def pass_changes_since(checkpoint: Checkpoint, since: datetime.datetime | None) -> list[dict]:
    """What an offline phone at ``checkpoint`` must know: each pass of the community that
    changed since ``since`` with its current version and status (a lower version in a QR is
    an old, re-issued pass)."""
    passes = Pass.objects.filter(community_id=checkpoint.community_id)
    if since is not None:
        passes = passes.filter(changed_at__gt=since)
    fields = ("id", "version", "status", "changed_at")
    return [dict(row) for row in passes.order_by("changed_at").values(*fields)]


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
