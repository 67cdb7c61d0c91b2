"""Automatic completion of observations at the end of their period (the schedule's part of
the lifecycle; people complete observations one by one with ``observation_complete``).

An observation completes once its last day is over, or on its last day once the
afternoon deadline has passed and that afternoon's check is in and normal. Anyone with an
open fever, ILI or red-flag alert stays under observation until a person decides."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shoumen.alerts.models import OPEN_STATUSES, Alert, AlertStatus, Cause, Outcome
from shoumen.alerts.rules import current_rules, slot_deadline
from shoumen.audit.services import audit_events_record_many
from shoumen.lib.bulk import update_objects
from shoumen.observation.models import HealthReport, Observation, ObservationStatus, Slot

SCHEDULE_LABEL = "observation schedule"
# Causes that need a person's decision before release.
HOLDING_CAUSES = (Cause.FEVER, Cause.ILI, Cause.RED_FLAG)
RELEASE_NOTE = "completed at period end"


def _normal_last_check(day: datetime.date, fever_from) -> Exists:
    return Exists(
        HealthReport.objects.filter(
            person_id=OuterRef("person_id"),
            date=day,
            slot=Slot.AFTERNOON,
            fever=False,
            cough=False,
            sore_throat=False,
            fatigue=False,
            diarrhoea=False,
            loss_of_smell_taste=False,
            short_of_breath=False,
            other_symptoms="",
        )
        .exclude(reached=False)
        .filter(Q(temperature__isnull=True) | Q(temperature__lt=fever_from))
    )


def observations_due_for_completion(now: datetime.datetime):
    """Active observations the schedule may complete at ``now``."""
    rules = current_rules()
    day = timezone.localdate(now)
    ended = Q(ends_on__lt=day)
    if slot_deadline(rules, day, Slot.AFTERNOON) <= now:
        ended |= Q(ends_on=day, last_check_normal=True)
    holding = Alert.objects.filter(
        person_id=OuterRef("person_id"), status__in=OPEN_STATUSES, cause__in=HOLDING_CAUSES
    )
    return (
        Observation.objects.filter(status=ObservationStatus.ACTIVE, person__isnull=False)
        .annotate(
            last_check_normal=_normal_last_check(day, rules.fever_temperature),
            held=Exists(holding),
        )
        .filter(ended, held=False)
    )


def observations_auto_complete(*, now: datetime.datetime | None = None) -> int:
    """Complete every observation due at ``now``: one audit event per observation, and
    their open release-check alerts resolved as released. Returns how many completed."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Observation.objects.select_for_update(of=("self",))
            .filter(pk__in=observations_due_for_completion(now).values("pk"))
            .select_related("grid")
            .order_by("pk")
        )
        if not due:
            return 0
        ids = [o.pk for o in due]
        Observation.objects.filter(pk__in=ids).update(
            status=ObservationStatus.COMPLETED,
            status_changed_at=now,
            outcome_note=RELEASE_NOTE,
            updated_at=now,
        )
        events = [
            {
                "action": f"observation.{ObservationStatus.COMPLETED}",
                "target": o,
                "org_path": o.grid.path,
                "changes": {
                    "status": [ObservationStatus.ACTIVE.value, ObservationStatus.COMPLETED.value]
                },
            }
            for o in due
        ]
        releases = list(
            Alert.objects.select_for_update(of=("self",))
            .select_related("grid")
            .filter(
                person_id__in=[o.person_id for o in due],
                cause=Cause.RELEASE_CHECK,
                status__in=OPEN_STATUSES,
            )
        )
        for alert in releases:
            alert.status, alert.outcome = AlertStatus.RESOLVED, Outcome.RELEASED
            alert.resolved_at = now
            alert.acknowledged_at = alert.acknowledged_at or now
            events.append(
                {
                    "action": "alert.resolve",
                    "target": alert,
                    "org_path": alert.grid.path,
                    "changes": {"outcome": Outcome.RELEASED.value},
                }
            )
        update_objects(releases, ["status", "outcome", "resolved_at", "acknowledged_at"])
        audit_events_record_many(actor=None, actor_label=SCHEDULE_LABEL, events=events)
    return len(due)
