"""Retention of health data: personal details of finished observations and old health
reports are removed after ``HEALTH_DATA_RETENTION_DAYS``, keeping daily counts.

- Observations finished more than the period ago lose the person, the risk area and the
  notes (``purged_at`` is set); resolved alerts as old lose the person and their details.
- Health reports of those observations, and every report older than the period that
  belongs to no active observation, are deleted after their counts are added to
  ``ReportCount`` (grid, date: reports, fevers).
One audit event per run records the counts."""

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from shoumen.alerts.models import Alert, AlertStatus
from shoumen.alerts.rules import current_rules
from shoumen.audit.services import audit_event_record
from shoumen.lib.partitions import ensure_day_partitions
from shoumen.observation.models import HealthReport, Observation, ObservationStatus, ReportCount

RETENTION_LABEL = "retention schedule"
PARTITION_DAYS_AHEAD = 7


@dataclass
class PurgeResult:
    observations: int = 0
    reports: int = 0
    alerts: int = 0
    count_days: int = 0


def _add_counts(reports) -> int:
    """Add the reports' per grid and day counts to ReportCount; returns the days touched."""
    fever_from = current_rules().fever_temperature
    rows = reports.values("grid_id", "date").annotate(
        n=Count("id"), fevers=Count("id", filter=Q(fever=True) | Q(temperature__gte=fever_from))
    )
    added: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows.order_by():
        key = (row["grid_id"], row["date"])
        added[key][0] += row["n"]
        added[key][1] += row["fevers"]
    if not added:
        return 0
    existing = {
        (c.grid_id, c.date): c
        for c in ReportCount.objects.select_for_update().filter(
            grid_id__in={g for g, _ in added}, date__in={d for _, d in added}
        )
    }
    new, changed = [], []
    for (grid_id, day), (n, fevers) in added.items():
        count = existing.get((grid_id, day))
        if count is None:
            new.append(ReportCount(grid_id=grid_id, date=day, reports=n, fevers=fevers))
        else:
            count.reports += n
            count.fevers += fevers
            changed.append(count)
    ReportCount.objects.bulk_create(new, batch_size=1000)
    ReportCount.objects.bulk_update(changed, ["reports", "fevers"], batch_size=1000)
    return len(added)


def health_data_purge(*, now: datetime.datetime | None = None) -> PurgeResult:
    now = now or timezone.now()
    days = settings.HEALTH_DATA_RETENTION_DAYS
    cutoff = now - datetime.timedelta(days=days)
    cutoff_day = timezone.localdate(now) - datetime.timedelta(days=days)
    result = PurgeResult()
    with transaction.atomic():
        finished = Observation.objects.filter(
            purged_at__isnull=True, status_changed_at__lt=cutoff
        ).exclude(status=ObservationStatus.ACTIVE)
        finished_ids = list(finished.values_list("pk", flat=True))
        not_active = Observation.objects.exclude(status=ObservationStatus.ACTIVE).values("pk")
        old = Q(date__lt=cutoff_day) & (
            Q(observation__isnull=True) | Q(observation_id__in=not_active)
        )
        reports = HealthReport.objects.filter(old | Q(observation_id__in=finished_ids))
        result.count_days = _add_counts(reports)
        result.reports, _ = reports.delete()

        result.observations = Observation.objects.filter(pk__in=finished_ids).update(
            person=None, risk_area="", reason_note="", outcome_note="", purged_at=now
        )
        result.alerts = (
            Alert.objects.filter(status=AlertStatus.RESOLVED, person__isnull=False)
            .filter(Q(observation_id__in=finished_ids) | Q(resolved_at__lt=cutoff))
            .update(person=None, details={}, outcome_note="")
        )
        audit_event_record(
            actor=None,
            actor_label=RETENTION_LABEL,
            action="health_data.purge",
            changes={**asdict(result), "retention_days": days, "before": cutoff_day.isoformat()},
        )
    return result


def health_report_partitions_ensure(*, day: datetime.date | None = None) -> list[datetime.date]:
    """Create the coming days' partitions of health reports ahead of time (PostgreSQL)."""
    day = day or timezone.localdate()
    days = [day + datetime.timedelta(days=i) for i in range(PARTITION_DAYS_AHEAD)]
    ensure_day_partitions(HealthReport, days)
    return days
