"""The chronic registry's daily alerts to the patient's team (owner: the team's doctor):

- HEALTH_FOLLOW_UP_OVERDUE for a patient under management whose next follow-up date has
  passed (next_follow_up_on < today), one per person;
- HEALTH_REFERRAL_CHECK for a referred patient whose referral check falls due: the check
  is due on ``referral_check_due_on`` and the alert opens that day (or on a later run
  while no follow-up has been recorded); such a patient gets no overdue alert as well.

Both are resolved when a follow-up is recorded (``followup_services``). Safe to run
again: a person with an open alert of the cause is left out in the query,
so a run over 100,000 patients reads a few queries and writes only the new alerts."""

from collections import defaultdict

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.alerts.services import alert_raise
from shoumen.healthcentre.models import Patient, PatientStatus, TeamMember, TeamRole
from shoumen.healthcentre.patient_selectors import due_q
from shoumen.lib.dates import today


def _doctors(team_ids: set[int]) -> dict[int, object]:
    doctors: dict[int, object] = {}
    members = (
        TeamMember.objects.filter(team_id__in=team_ids, role=TeamRole.DOCTOR)
        .select_related("user")
        .order_by("pk")
    )
    for member in members:
        doctors.setdefault(member.team_id, member.user)
    return doctors


def _raise(cause: str, patients: QuerySet[Patient], day_field: str) -> int:
    alerted = Alert.objects.filter(cause=cause, status__in=OPEN_STATUSES, person__isnull=False)
    by_person: dict[int, list[Patient]] = defaultdict(list)
    for patient in patients.exclude(person_id__in=alerted.values("person_id")).order_by("pk"):
        by_person[patient.person_id].append(patient)
    doctors = _doctors({p.team_id for ps in by_person.values() for p in ps if p.team_id})
    opened = 0
    for cases in by_person.values():
        first = cases[0]
        _alert, created = alert_raise(
            person=first.person,
            cause=cause,
            details={
                "patients": [p.pk for p in cases],
                "diseases": [p.disease for p in cases],
                "due": min(getattr(p, day_field) for p in cases).isoformat(),
                "path": reverse("health:patient", args=[first.pk]),
            },
            owner=doctors.get(first.team_id) if first.team_id else None,
            due_minutes=settings.SHOUMEN_HEALTH_OVERDUE_DUE_MINUTES,
        )
        opened += created
    return opened


def chronic_alerts_check() -> dict:
    """Open the day's overdue and referral-check alerts; returns how many opened."""
    day = today()
    active = Patient.objects.filter(status=PatientStatus.ACTIVE).select_related("person")
    checks = active.filter(due_q("referral", day))
    overdue = active.filter(due_q("overdue", day), referral_check_due_on__isnull=True)
    return {
        "referral_checks": _raise(Cause.HEALTH_REFERRAL_CHECK, checks, "referral_check_due_on"),
        "overdue": _raise(Cause.HEALTH_FOLLOW_UP_OVERDUE, overdue, "next_follow_up_on"),
    }
