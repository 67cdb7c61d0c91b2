"""Recording a chronic disease follow-up: validated, classified by ``healthcentre.rules``,
saved in full, and the patient's plan updated (next date, last classification,
uncontrolled follow-ups in a row, the referral's check). Idempotent on ``client_uuid``:
a replay returns the first follow-up and changes nothing, also when copies arrive at once.

An urgent referral opens an alert on the person at once; a follow-up resolves the
person's open referral-check and overdue alerts (the check was done)."""

import datetime
import uuid
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause, Outcome
from shoumen.alerts.services import alert_raise, alert_resolve
from shoumen.audit.services import audit_event_record
from shoumen.healthcentre.models import (
    Adherence,
    Disease,
    FollowUp,
    Level3,
    Patient,
    PatientStatus,
    Referral,
    Salt,
    TeamMember,
    TeamRole,
    Way,
)
from shoumen.healthcentre.rules import SYMPTOMS, URGENT_SIGNS, Assessment, assess
from shoumen.lib.dates import age_on, today
from shoumen.lib.errors import length_errors
from shoumen.lib.text import clean_line

ERR_UUID_REUSED = _("This client UUID was used for another follow-up.")
ERR_NOT_ACTIVE = _("This patient is no longer under management.")
ERR_RANGE = _("Give a value from %(low)s to %(high)s.")
ERR_NUMBER = _("Give a number.")
ERR_SYSTOLIC_ABOVE = _("The systolic pressure must be above the diastolic.")
ERR_BP_NEEDED = _("A hypertension follow-up needs the blood pressure.")
ERR_GLUCOSE_NEEDED = _("A diabetes follow-up needs the fasting glucose.")
ERR_DATE_FUTURE = _("The follow-up date cannot be in the future.")
ERR_DATE_BEFORE = _("The follow-up date cannot be before the patient was registered.")
ERR_DATE = _("Give the date of the follow-up.")
ERR_CHOICE = _("Choose one of the listed values.")
ERR_SYMPTOM = _("Unknown symptom.")
ERR_MEDICATIONS = _("List each medicine with its name and dose.")

ACTION_LABELS = {"chronic_follow_up.record": _("Chronic disease follow-up recorded")}

# field: (low, high, integer?)
RANGES: dict[str, tuple[Decimal, Decimal, bool]] = {
    "systolic": (Decimal(60), Decimal(300), True),
    "diastolic": (Decimal(30), Decimal(200), True),
    "fasting_glucose": (Decimal("1.0"), Decimal("40.0"), False),
    "hba1c": (Decimal("3.0"), Decimal("20.0"), False),
    "weight_kg": (Decimal(20), Decimal(300), False),
    "target_weight_kg": (Decimal(20), Decimal(300), False),
    "height_cm": (Decimal(50), Decimal(250), False),
    "target_bmi": (Decimal(10), Decimal(60), False),
    "heart_rate": (Decimal(20), Decimal(250), True),
    "cigarettes_per_day": (Decimal(0), Decimal(100), True),
    "target_cigarettes_per_day": (Decimal(0), Decimal(100), True),
    "drinks_per_day": (Decimal(0), Decimal(50), True),
    "target_drinks_per_day": (Decimal(0), Decimal(50), True),
    "exercise_times_per_week": (Decimal(0), Decimal(30), True),
    "exercise_minutes": (Decimal(0), Decimal(600), True),
    "target_exercise_times_per_week": (Decimal(0), Decimal(30), True),
    "target_exercise_minutes": (Decimal(0), Decimal(600), True),
    "staple_food_g_per_day": (Decimal(0), Decimal(2000), True),
    "target_staple_food_g_per_day": (Decimal(0), Decimal(2000), True),
}
TEXTS = (
    "other_symptoms",
    "dorsalis_pedis_pulse",
    "other_signs",
    "tests",
    "adverse_reaction_note",
    "complication_note",
    "referral_reason",
    "referral_facility",
)
CHOICES: dict[str, list[str]] = {
    "way": Way.values,
    "medication_adherence": Adherence.values,
    "salt": Salt.values,
    "target_salt": Salt.values,
    "psychological_adjustment": Level3.values,
    "compliance": Level3.values,
}
REQUIRED_CHOICES = ("way", "medication_adherence")


def _number(value, field: str, errors: dict) -> Decimal | int | None:
    if value in (None, ""):
        return None
    low, high, integer = RANGES[field]
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[field] = [ERR_NUMBER]
        return None
    if not number.is_finite() or not low <= number <= high or (integer and number % 1):
        errors[field] = [ERR_RANGE % {"low": low, "high": high}]
        return None
    return int(number) if integer else number.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _medications(value, errors: dict) -> list[dict[str, str]]:
    if not value:
        return []
    meds = []
    for item in value:
        name = clean_line(str(item.get("name", ""))) if isinstance(item, Mapping) else ""
        dose = clean_line(str(item.get("dose", ""))) if isinstance(item, Mapping) else ""
        if not name or len(name) > 100 or len(dose) > 100:
            errors["medications"] = [ERR_MEDICATIONS]
            return []
        meds.append({"name": name, "dose": dose})
    return meds[:20]


def clean_values(patient: Patient, values: Mapping[str, Any]) -> dict[str, Any]:
    """The follow-up's fields from ``values``, checked; ValidationError with field errors."""
    errors: dict[str, list] = {}
    data: dict[str, Any] = {f: _number(values.get(f), f, errors) for f in RANGES}
    for field in TEXTS:
        data[field] = clean_line(str(values.get(field) or ""))
    errors.update(length_errors(FollowUp, {f: data[f] for f in TEXTS}))
    for field, choices in CHOICES.items():
        data[field] = values.get(field) or ""
        if data[field] not in choices and (data[field] or field in REQUIRED_CHOICES):
            errors[field] = [ERR_CHOICE]
    known = {c for c, _label in SYMPTOMS[patient.disease] + URGENT_SIGNS[patient.disease]}
    symptoms = list(dict.fromkeys(values.get("symptoms") or []))
    if any(s not in known for s in symptoms):
        errors["symptoms"] = [ERR_SYMPTOM]
    data["symptoms"] = symptoms
    data["adverse_reaction"] = bool(values.get("adverse_reaction"))
    data["new_complication"] = bool(values.get("new_complication"))
    data["medications"] = _medications(values.get("medications"), errors)
    day = values.get("date")
    if not isinstance(day, datetime.date):
        errors["date"] = [ERR_DATE]
    elif day > today():
        errors["date"] = [ERR_DATE_FUTURE]
    elif day < patient.registered_on:
        errors["date"] = [ERR_DATE_BEFORE]
    data["date"] = day
    sbp, dbp = data["systolic"], data["diastolic"]
    if sbp is not None and dbp is not None and sbp <= dbp:
        errors.setdefault("systolic", [ERR_SYSTOLIC_ABOVE])
    missing_bp = sbp is None or dbp is None
    if patient.disease == Disease.HYPERTENSION and "systolic" not in errors and missing_bp:
        errors.setdefault("systolic" if sbp is None else "diastolic", [ERR_BP_NEEDED])
    if patient.disease == Disease.DIABETES and data["fasting_glucose"] is None:
        errors.setdefault("fasting_glucose", [ERR_GLUCOSE_NEEDED])
    if errors:
        raise ValidationError(errors)
    if data["weight_kg"] is not None and data["height_cm"] is not None:
        metres = data["height_cm"] / 100
        data["bmi"] = (data["weight_kg"] / (metres * metres)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
    return data


def assessment_for(patient: Patient, data: Mapping[str, Any]) -> Assessment:
    """What the rules make of cleaned values: shown before saving and saved with them."""
    birth = patient.person.birth_date
    return assess(
        disease=patient.disease,
        age=age_on(birth, data["date"]) if birth else None,
        day=data["date"],
        systolic=data["systolic"],
        diastolic=data["diastolic"],
        fasting_glucose=data["fasting_glucose"],
        symptoms=data["symptoms"],
        adverse_reaction=data["adverse_reaction"],
        new_complication=data["new_complication"],
        uncontrolled_before=patient.consecutive_unsatisfactory,
    )


def follow_up_preview(*, patient: Patient, values: Mapping[str, Any]) -> Assessment:
    """The classification, referral and next date the values would give; writes nothing."""
    return assessment_for(patient, clean_values(patient, values))


def _replay(client_uuid, patient: Patient) -> FollowUp | None:
    existing = FollowUp.objects.filter(client_uuid=client_uuid).first()
    if existing is not None and existing.patient_id != patient.pk:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def _doctor_of(patient: Patient):
    if patient.team_id is None:
        return None
    member = (
        TeamMember.objects.filter(team_id=patient.team_id, role=TeamRole.DOCTOR)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return member.user if member is not None else None


def _alerts(actor, patient: Patient, follow_up: FollowUp) -> None:
    open_checks = Alert.objects.filter(
        person_id=patient.person_id,
        cause__in=[Cause.HEALTH_REFERRAL_CHECK, Cause.HEALTH_FOLLOW_UP_OVERDUE],
        status__in=OPEN_STATUSES,
    )
    for alert in open_checks:
        alert_resolve(actor=actor, alert=alert, outcome=Outcome.REACHED)
    if follow_up.referral == Referral.URGENT:
        alert_raise(
            person=patient.person,
            cause=Cause.HEALTH_URGENT_REFERRAL,
            details={
                "patient": patient.pk,
                "follow_up": follow_up.pk,
                "disease": patient.disease,
                "date": follow_up.date.isoformat(),
                "path": reverse("health:follow_up", args=[follow_up.pk]),
            },
            owner=_doctor_of(patient) or actor,
            due_minutes=settings.SHOUMEN_HEALTH_URGENT_REFERRAL_DUE_MINUTES,
        )


def _update_plan(patient: Patient, follow_up: FollowUp, assessment: Assessment) -> None:
    latest = (
        FollowUp.objects.filter(patient=patient)
        .exclude(pk=follow_up.pk)
        .order_by("-date", "-pk")
        .values_list("date", flat=True)
        .first()
    )
    if latest is not None and latest > follow_up.date:
        return  # a late entry of an earlier follow-up leaves the plan of the later one
    patient.next_follow_up_on = assessment.next_follow_up_on
    patient.last_classification = assessment.classification
    patient.consecutive_unsatisfactory = (
        0 if assessment.controlled else patient.consecutive_unsatisfactory + 1
    )
    patient.referral_check_due_on = (
        assessment.next_follow_up_on if assessment.referral != Referral.NONE else None
    )
    patient.save(
        update_fields=[
            "next_follow_up_on",
            "last_classification",
            "consecutive_unsatisfactory",
            "referral_check_due_on",
        ]
    )


def follow_up_record(
    *,
    actor,
    patient: Patient,
    client_uuid: uuid.UUID | str,
    values: Mapping[str, Any],
) -> tuple[FollowUp, bool]:
    """Record a follow-up of ``patient`` with ``values`` (FollowUp's fields; ``date`` a
    date). Returns (follow-up, created)."""
    require(actor, Perm.RECORD_FOLLOW_UPS, patient.grid)
    existing = _replay(client_uuid, patient)
    if existing is not None:
        return existing, False
    with transaction.atomic():
        # One follow-up of a patient at a time: the plan counts on the one before.
        patient = (
            Patient.objects.select_for_update(of=("self",))
            .select_related("person", "grid")
            .get(pk=patient.pk)
        )
        existing = _replay(client_uuid, patient)
        if existing is not None:
            return existing, False
        if patient.status != PatientStatus.ACTIVE:
            raise ValidationError(ERR_NOT_ACTIVE)
        data = clean_values(patient, values)
        assessment = assessment_for(patient, data)
        follow_up = FollowUp(
            patient=patient,
            client_uuid=client_uuid,
            classification=assessment.classification,
            referral=assessment.referral,
            next_follow_up_on=assessment.next_follow_up_on,
            doctor=actor,
            recorded_at=timezone.now(),
            **data,
        )
        try:
            with transaction.atomic():
                follow_up.save(force_insert=True)
        except IntegrityError:
            winner = _replay(client_uuid, patient)
            if winner is None:
                raise
            return winner, False
        _update_plan(patient, follow_up, assessment)
        audit_event_record(
            actor=actor,
            action="chronic_follow_up.record",
            target=follow_up,
            org_path=patient.grid.path,
            changes={
                "patient": patient.pk,
                "date": follow_up.date.isoformat(),
                "classification": follow_up.classification,
                "referral": follow_up.referral,
                "next_follow_up_on": follow_up.next_follow_up_on.isoformat(),
            },
        )
        _alerts(actor, patient, follow_up)
    return follow_up, True
