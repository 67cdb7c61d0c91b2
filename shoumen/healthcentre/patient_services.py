"""Every write on the chronic disease registry's patients: registered (from a contract, a
first-visit check, the registry's chronic-disease tag, or by the centre's staff) and
ended (moved away, died, diagnosis revised). Audited.

One active case per person and disease (the database's hc_one_active_case_per_disease):
registering a person already under management for that disease returns their case, also
when copies arrive at once; a replay under the same ``client_uuid`` returns the first."""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause, Outcome
from shoumen.alerts.services import alert_resolve
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import (
    Contract,
    ContractStatus,
    Disease,
    Patient,
    PatientSource,
    PatientStatus,
    Team,
)
from shoumen.lib.dates import today
from shoumen.lib.text import clean_line
from shoumen.registry.models import Person, Status

ERR_DISEASE = _("Choose hypertension or type 2 diabetes.")
ERR_SOURCE = _("Unknown way the patient was found.")
ERR_NOT_RESIDENT = _("This person no longer lives here.")
ERR_UUID_REUSED = _("This client UUID was used for another patient.")
ERR_DIAGNOSED_FUTURE = _("The diagnosis date cannot be in the future.")
ERR_END_REASON = _("Choose why the patient is no longer managed.")
ERR_NOT_ACTIVE = _("This patient is no longer under management.")

END_REASONS = {
    "moved": _("Moved away"),
    "died": _("Died"),
    "diagnosis_revised": _("Diagnosis revised"),
}

ACTION_LABELS = {
    "chronic_patient.register": _("Chronic disease patient registered"),
    "chronic_patient.end": _("Chronic disease patient no longer managed"),
}


def team_for_person(person: Person) -> Team | None:
    """The person's contracted team if any, else the active team serving their grid."""
    contract = (
        Contract.objects.filter(person=person, status=ContractStatus.ACTIVE)
        .select_related("team")
        .first()
    )
    if contract is not None:
        return contract.team
    return Team.objects.filter(grids=person.grid_id, active=True).order_by("pk").first()


def _record(actor, action: str, patient: Patient, changes: dict) -> None:
    audit_event_record(
        actor=actor,
        action=action,
        target=patient,
        org_path=patient.grid.path,
        changes=changes,
    )


def _replay(client_uuid, person: Person, disease: str) -> Patient | None:
    if client_uuid is None:
        return None
    existing = Patient.objects.filter(client_uuid=client_uuid).first()
    if existing is None:
        return None
    if existing.person_id != person.pk or existing.disease != disease:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def _active_case(person: Person, disease: str) -> Patient | None:
    return Patient.objects.filter(
        person=person, disease=disease, status=PatientStatus.ACTIVE
    ).first()


def patient_register(
    *,
    actor,
    person: Person,
    disease: str,
    source: str = PatientSource.STAFF,
    diagnosed_on: datetime.date | None = None,
    client_uuid: uuid.UUID | str | None = None,
) -> tuple[Patient, bool]:
    """Register ``person`` as a patient with ``disease``. Returns (patient, created); a
    person already under management for the disease keeps their case."""
    if disease not in Disease.values:
        raise ValidationError({"disease": [ERR_DISEASE]})
    if source not in PatientSource.values:
        raise ValidationError({"source": [ERR_SOURCE]})
    require(actor, Perm.RECORD_FOLLOW_UPS, person.grid)
    existing = _replay(client_uuid, person, disease) or _active_case(person, disease)
    if existing is not None:
        return existing, False
    if person.status != Status.RESIDENT:
        raise ValidationError({"person": [ERR_NOT_RESIDENT]})
    day = today()
    if diagnosed_on is not None and diagnosed_on > day:
        raise ValidationError({"diagnosed_on": [ERR_DIAGNOSED_FUTURE]})
    patient = Patient(
        person=person,
        disease=disease,
        team=team_for_person(person),
        grid_id=person.grid_id,
        source=source,
        diagnosed_on=diagnosed_on,
        registered_on=day,
        # The first follow-up is due as soon as a first uncontrolled one's would be.
        next_follow_up_on=day + datetime.timedelta(days=settings.SHOUMEN_CHRONIC_ADJUST_DAYS),
        client_uuid=client_uuid,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                patient.save(force_insert=True)
        except IntegrityError:
            winner = _replay(client_uuid, person, disease) or _active_case(person, disease)
            if winner is None:
                raise
            return winner, False
        _record(
            actor,
            "chronic_patient.register",
            patient,
            {
                "person": person.pk,
                "disease": disease,
                "source": source,
                "team": patient.team_id,
            },
        )
    return patient, True


@transaction.atomic
def patient_end(*, actor, patient: Patient, reason: str) -> Patient:
    """The patient is no longer managed: moved away, died or the diagnosis was revised."""
    require(actor, Perm.RECORD_FOLLOW_UPS, patient.grid)
    if reason not in END_REASONS:
        raise ValidationError({"reason": [ERR_END_REASON]})
    patient = (
        Patient.objects.select_for_update(of=("self",)).select_related("grid").get(pk=patient.pk)
    )
    if patient.status != PatientStatus.ACTIVE:
        raise ValidationError(ERR_NOT_ACTIVE)
    patient.status = PatientStatus.ENDED
    patient.ended_on = today()
    patient.end_reason = clean_line(reason)
    patient.referral_check_due_on = None
    patient.save(update_fields=["status", "ended_on", "end_reason", "referral_check_due_on"])
    _record(actor, "chronic_patient.end", patient, {"reason": reason})
    # Nothing is left to follow up: the person's open follow-up alerts close (the daily
    # check opens them again for a case of the other disease still due).
    open_alerts = Alert.objects.filter(
        person_id=patient.person_id,
        cause__in=[Cause.HEALTH_FOLLOW_UP_OVERDUE, Cause.HEALTH_REFERRAL_CHECK],
        status__in=OPEN_STATUSES,
    )
    with translation.override(settings.LANGUAGE_CODE):
        note = str(END_REASONS[reason])
    for alert in open_alerts:
        alert_resolve(actor=actor, alert=alert, outcome=Outcome.OTHER, note=note)
    return patient
