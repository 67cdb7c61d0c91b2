"""Illness absences: the designated person's daily follow-up, the one-tap call to the
guardian, a return without a certificate, and what guardians report through their link.

A diagnosis that needs a return-to-class certificate marks the pupil ``return_pending`` as
soon as it is known: the pupil's checks are refused until the school doctor has issued the
certificate and the class teacher has admitted them (return_services). Once the guardian
says the pupil has recovered, the absence waits for that return (``awaiting_return``).
"""

import datetime
import uuid
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.errors import length_errors
from shoumen.lib.text import clean_line
from shoumen.schools.models import (
    Absence,
    AbsenceFollowUp,
    AbsenceStatus,
    Course,
    Disease,
    Guardian,
    GuardianLink,
    Pupil,
)
from shoumen.schools.symptoms import watched_symptoms

ERR_ABSENCE_CLOSED = _("This pupil is already back in class.")
ERR_FOLLOW_UP_DATE = _("The date must be between the first day absent and today.")
ERR_COURSE = _("Choose the course from the list.")
ERR_DISEASE = _("Choose the diagnosis from the list.")
ERR_CERTIFICATE_NEEDED = _(
    "This diagnosis needs a return-to-class certificate from the school doctor."
)
ERR_RETURN_DATE = _("The return date must be between the first day absent and today.")
ERR_NO_PHONE = _("No phone number is on record for this guardian.")
ERR_REPORT_DATE = _("Report an absence for today or tomorrow.")
ERR_ONSET = _("The onset cannot be after the day of the absence or in the future.")
ERR_SYMPTOM = _("Choose symptoms from the list.")
ERR_NOTHING_REPORTED = _("Tick at least one symptom or say what the doctor found.")

CALL_ACTION = "guardian.call"
GUARDIAN_ACTOR = "guardian link"


def needs_certificate(absence: Absence) -> bool:
    return absence.disease is not None and absence.disease.certificate_required


def _audit(actor, action: str, absence: Absence, changes=None, reason="", actor_label=None):
    audit_event_record(
        actor=actor,
        action=action,
        target=absence,
        org_path=absence.klass.unit.path,
        changes={"pupil": absence.pupil_id, **(changes or {})},
        reason=reason,
        actor_label=actor_label,
    )


def _locked(absence: Absence) -> Absence:
    return (
        Absence.objects.select_for_update(of=("self",))
        .select_related("klass__unit", "school__unit", "pupil", "disease")
        .get(pk=absence.pk)
    )


def _set_return_pending(absence: Absence) -> None:
    """The pupil waits for a certificate while the diagnosis needs one and none was issued."""
    pending = needs_certificate(absence) and not hasattr(absence, "certificate")
    if absence.pupil.return_pending != pending:
        absence.pupil.return_pending = pending
        absence.pupil.save(update_fields=["return_pending", "updated_at"])


def _disease(code: str) -> Disease | None:
    if not code:
        return None
    found = Disease.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"disease": [ERR_DISEASE]})
    return found


@transaction.atomic
def absence_follow_up_record(
    *,
    actor,
    absence: Absence,
    client_uuid: uuid.UUID,
    date: datetime.date,
    reached: bool = True,
    course: str = "",
    disease_code: str = "",
    diagnosis_note: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> tuple[AbsenceFollowUp, bool]:
    """Record one day's follow-up; returns (follow-up, created). A replayed client UUID
    returns the first one and changes nothing. A diagnosis given updates the absence's."""
    existing = AbsenceFollowUp.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    require(actor, Perm.FOLLOW_UP_ABSENCES, absence.klass.unit)
    absence = _locked(absence)
    # A copy sent at the same moment may have been recorded while this one waited.
    existing = AbsenceFollowUp.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return existing, False
    if absence.status == AbsenceStatus.RETURNED:
        raise ValidationError(ERR_ABSENCE_CLOSED)
    now = now or timezone.now()
    diagnosis_note, note = clean_line(diagnosis_note or ""), clean_line(note or "")
    errors = length_errors(AbsenceFollowUp, {"diagnosis_note": diagnosis_note, "note": note})
    if not absence.first_day <= date <= timezone.localdate(now):
        errors["date"] = [ERR_FOLLOW_UP_DATE]
    if course and course not in Course.values:
        errors["course"] = [ERR_COURSE]
    try:
        disease = _disease(disease_code)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        disease = None
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            follow_up = AbsenceFollowUp.objects.create(
                client_uuid=client_uuid,
                absence=absence,
                date=date,
                reached=reached,
                course=course,
                disease=disease,
                diagnosis_note=diagnosis_note,
                note=note,
                recorded_by=actor,
                recorded_at=now,
            )
    except IntegrityError:
        # The same UUID sent for another absence at the same moment: the first one stands.
        return AbsenceFollowUp.objects.get(client_uuid=client_uuid), False
    changes: dict = {"follow_up": follow_up.pk, "date": date.isoformat(), "reached": reached}
    if course:
        changes["course"] = course
    if disease is not None and disease.pk != absence.disease_id:
        absence.disease = disease
        changes["disease"] = disease.code
    if diagnosis_note:
        absence.diagnosis_note = diagnosis_note
    if course == Course.RECOVERED and needs_certificate(absence):
        absence.status = AbsenceStatus.AWAITING_RETURN
        changes["status"] = absence.status
    absence.save(update_fields=["disease", "diagnosis_note", "status", "updated_at"])
    _set_return_pending(absence)
    _audit(actor, "absence.follow_up", absence, changes)
    return follow_up, True


@transaction.atomic
def absence_close_returned(*, actor, absence: Absence, date: datetime.date) -> Absence:
    """The pupil is back in class on ``date`` after an absence that needs no certificate."""
    require(actor, Perm.FOLLOW_UP_ABSENCES, absence.klass.unit)
    absence = _locked(absence)
    if absence.status == AbsenceStatus.RETURNED:
        raise ValidationError(ERR_ABSENCE_CLOSED)
    if needs_certificate(absence):
        raise ValidationError(ERR_CERTIFICATE_NEEDED)
    if not absence.first_day <= date <= today():
        raise ValidationError({"date": [ERR_RETURN_DATE]})
    absence.status, absence.returned_on = AbsenceStatus.RETURNED, date
    absence.save(update_fields=["status", "returned_on", "updated_at"])
    _set_return_pending(absence)
    _audit(actor, "absence.return", absence, {"returned_on": date.isoformat()})
    return absence


@transaction.atomic
def absence_guardian_call(*, actor, absence: Absence, guardian: Guardian) -> str:
    """The guardian's phone to dial, for the designated person following the absence up:
    no reason prompt (the call is their work); the call is recorded in the audit."""
    require(actor, Perm.FOLLOW_UP_ABSENCES, absence.klass.unit)
    if guardian.pupil_id != absence.pupil_id:
        raise ValidationError({"guardian": [ERR_NO_PHONE]})
    phone = guardian.phone()
    if not phone:
        raise ValidationError({"guardian": [ERR_NO_PHONE]})
    _audit(actor, CALL_ACTION, absence, {"guardian": guardian.pk, "field": "phone"})
    return phone


def _clean_symptoms(symptoms: Sequence[str]) -> list[str]:
    known = watched_symptoms()
    chosen = list(dict.fromkeys(symptoms))
    if any(code not in known for code in chosen):
        raise ValidationError({"symptoms": [ERR_SYMPTOM]})
    return chosen


def _guardian_report_errors(date, onset_date, day: datetime.date) -> dict[str, list]:
    errors: dict[str, list] = {}
    if not day <= date <= day + datetime.timedelta(days=1):
        errors["date"] = [ERR_REPORT_DATE]
    if onset_date is not None and onset_date > min(date, day):
        errors["onset_date"] = [ERR_ONSET]
    return errors


@transaction.atomic
def absence_report_by_guardian(
    *,
    link: GuardianLink,
    date: datetime.date,
    symptoms: Sequence[str],
    onset_date: datetime.date | None = None,
    saw_doctor: bool = False,
    diagnosis_note: str = "",
    now: datetime.datetime | None = None,
) -> tuple[Absence, bool]:
    """A guardian says the pupil is off sick: opens the pupil's absence, or adds to the one
    already open; returns (absence, opened)."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    diagnosis_note = clean_line(diagnosis_note or "")
    errors = _guardian_report_errors(date, onset_date, day)
    errors.update(length_errors(Absence, {"diagnosis_note": diagnosis_note}))
    try:
        chosen = _clean_symptoms(symptoms)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        chosen = []
    if not errors and not chosen and not diagnosis_note:
        errors["symptoms"] = [ERR_NOTHING_REPORTED]
    if errors:
        raise ValidationError(errors)
    pupil = (
        Pupil.objects.select_for_update(of=("self",))
        .select_related("klass__unit")
        .get(pk=link.pupil_id)
    )
    absence = (
        Absence.objects.select_related("klass__unit", "disease")
        .exclude(status=AbsenceStatus.RETURNED)
        .filter(pupil=pupil)
        .first()
    )
    opened = absence is None
    if absence is None:
        absence = Absence.objects.create(
            pupil=pupil,
            klass=pupil.klass,
            school_id=pupil.school_id,
            reported_by_guardian=True,
            first_day=date,
            symptoms=chosen,
            onset_date=onset_date,
            saw_doctor=saw_doctor,
            diagnosis_note=diagnosis_note,
        )
    else:
        absence.symptoms = list(dict.fromkeys([*absence.symptoms, *chosen]))
        absence.onset_date = absence.onset_date or onset_date
        absence.saw_doctor = absence.saw_doctor or saw_doctor
        absence.diagnosis_note = diagnosis_note or absence.diagnosis_note
        absence.reported_by_guardian = True
        absence.save()
    GuardianLink.objects.filter(pk=link.pk).update(last_used_at=now)
    _audit(
        None,
        "absence.guardian_report",
        absence,
        {"date": date.isoformat(), "symptoms": chosen, "opened": opened, "link": link.pk},
        actor_label=GUARDIAN_ACTOR,
    )
    return absence, opened


@transaction.atomic
def leave_report_by_guardian(*, link: GuardianLink, date: datetime.date, note: str = "") -> None:
    """A guardian says the pupil is away for a personal reason (事假): recorded for the class,
    no follow-up opens."""
    day = today()
    if not day <= date <= day + datetime.timedelta(days=1):
        raise ValidationError({"date": [ERR_REPORT_DATE]})
    pupil = link.pupil
    GuardianLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    audit_event_record(
        actor=None,
        actor_label=GUARDIAN_ACTOR,
        action="pupil.guardian_leave_report",
        target=pupil,
        org_path=pupil.klass.unit.path,
        changes={"date": date.isoformat(), "link": link.pk},
        reason=clean_line(note or "")[:200],
    )
