"""A class's check of one session (晨午检): validated against the roll and the school
calendar, written with its findings, opening an illness absence for each sick absentee."""

import datetime
import uuid
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.schools import signals
from shoumen.schools.calendar import is_school_day, school_days_between
from shoumen.schools.check_selectors import rules_read
from shoumen.schools.config import session_deadline, sessions_of
from shoumen.schools.models import (
    Absence,
    AbsenceStatus,
    ClassCheck,
    Disease,
    Finding,
    FindingKind,
    Pupil,
    SchoolClass,
    Session,
)
from shoumen.schools.symptoms import watched_symptoms

ERR_NOT_SCHOOL_DAY = _("%(date)s is not a school day at this school.")
ERR_FUTURE_DATE = _("A check cannot be entered for a day still to come.")
ERR_TOO_LATE = _("A check is accepted up to %(days)d school days late: %(date)s is too long ago.")
ERR_SESSION = _("This class has no such check: choose %(sessions)s.")
ERR_PRESENT = _("Enter the number of pupils present (0 or more).")
ERR_ROLL = _(
    "Present (%(present)d) and absent (%(absent)d) add up to %(total)d, "
    "but the class has %(roll)d on the roll."
)
ERR_PUPIL_NOT_IN_CLASS = _("Pupil %(pupil)s is not on this class's roll.")
ERR_PUPIL_TWICE = _("%(name)s is listed more than once.")
ERR_KIND = _("An absence is sick or personal.")
ERR_RETURN_PENDING = _(
    "%(name)s needs a return-to-class certificate before coming back: list them as absent sick."
)
ERR_SYMPTOM = _("Unknown symptom: %(code)s.")
ERR_TEMPERATURE = _("A temperature is between 34.0 and 43.0 °C.")
ERR_ONSET_FUTURE = _("The onset date cannot be after the day of the check.")
ERR_UUID_REUSED = _("This submission's identifier was already used for another check.")
ERR_SESSION_DONE = _("The %(session)s of this class on %(date)s was already submitted.")
ERR_DIAGNOSIS_LONG = _("Use at most %(max)d characters for the diagnosis.")

TEMPERATURE_MIN, TEMPERATURE_MAX = Decimal("34.0"), Decimal("43.0")


class SessionAlreadyChecked(ValidationError):
    """The class's session already has a check under another client UUID (409 in the API)."""

    def __init__(self, message, existing: ClassCheck):
        super().__init__(message)
        self.existing = existing


def _session_done_error(existing: ClassCheck) -> SessionAlreadyChecked:
    return SessionAlreadyChecked(
        ERR_SESSION_DONE
        % {"session": existing.get_session_display(), "date": existing.date.isoformat()},
        existing,
    )


def _temperature(value, errors: list) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        temperature = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors.append(ERR_TEMPERATURE)
        return None
    if not TEMPERATURE_MIN <= temperature <= TEMPERATURE_MAX:
        errors.append(ERR_TEMPERATURE)
        return None
    return temperature


def _diagnosis(value: str, diseases: dict[str, Disease], errors: list):
    """A Disease when the text is one's code or name; otherwise the words as told."""
    text = " ".join(str(value or "").split())
    found = diseases.get(text) or diseases.get(text.lower())
    if found is not None:
        return found, ""
    limit = Finding._meta.get_field("diagnosis_note").max_length or 100
    if len(text) > limit:
        errors.append(ERR_DIAGNOSIS_LONG % {"max": limit})
    return None, text


def _clean_rows(
    *,
    absences: Sequence[Mapping[str, Any]],
    symptomatic: Sequence[Mapping[str, Any]],
    roll: dict[int, Pupil],
    day: datetime.date,
) -> tuple[list[dict], dict[str, list]]:
    """One dict per finding, ready for Finding(...); errors per list."""
    watched = watched_symptoms()
    diseases: dict[str, Disease] = {}
    for disease in Disease.objects.all():
        diseases[disease.code] = diseases[disease.name] = disease
    errors: dict[str, list] = {}
    seen: set[int] = set()
    rows: list[dict] = []
    for field, items in (("absences", absences), ("symptomatic", symptomatic)):
        found: list = []
        for item in items:
            try:
                pupil_id = int(item.get("pupil_id"))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                pupil_id = 0
            pupil = roll.get(pupil_id)
            if pupil is None:
                found.append(ERR_PUPIL_NOT_IN_CLASS % {"pupil": pupil_id})
                continue
            if pupil_id in seen:
                found.append(ERR_PUPIL_TWICE % {"name": pupil.name})
                continue
            seen.add(pupil_id)
            if field == "absences":
                kind = item.get("kind")
                if kind not in (FindingKind.SICK, FindingKind.PERSONAL):
                    found.append(ERR_KIND)
                    continue
            else:
                kind = FindingKind.SYMPTOMATIC
            symptoms = list(dict.fromkeys(item.get("symptoms") or []))
            found.extend(ERR_SYMPTOM % {"code": code} for code in symptoms if code not in watched)
            onset = item.get("onset_date") or None
            if isinstance(onset, str):
                try:
                    onset = datetime.date.fromisoformat(onset)
                except ValueError:
                    onset = None
            if onset is not None and onset > day:
                found.append(ERR_ONSET_FUTURE)
            disease, note = _diagnosis(item.get("diagnosis") or "", diseases, found)
            rows.append(
                {
                    "pupil": pupil,
                    "kind": str(kind),
                    "symptoms": symptoms if kind != FindingKind.PERSONAL else [],
                    "temperature": _temperature(item.get("temperature"), found),
                    "onset_date": onset,
                    "saw_doctor": bool(item.get("saw_doctor")),
                    "disease": disease,
                    "diagnosis_note": note,
                    "to_observation_room": bool(item.get("to_observation_room")),
                    "guardian_notified": bool(item.get("guardian_notified")),
                }
            )
        if found:
            errors[field] = list(dict.fromkeys(found))
    return rows, errors


def _check_day(klass: SchoolClass, day: datetime.date, today: datetime.date) -> bool:
    """Whether a check for ``day`` is late; refuse days that are not school days, still to
    come or past the late-entry limit."""
    if day > today:
        raise ValidationError({"date": [ERR_FUTURE_DATE]})
    if not is_school_day(klass.school, day):
        raise ValidationError({"date": [ERR_NOT_SCHOOL_DAY % {"date": day.isoformat()}]})
    limit = rules_read().late_entry_school_days
    if school_days_between(klass.school, day, today) > limit:
        raise ValidationError({"date": [ERR_TOO_LATE % {"days": limit, "date": day.isoformat()}]})
    return day < today


def _replay(client_uuid: uuid.UUID, klass: SchoolClass) -> ClassCheck | None:
    existing = ClassCheck.objects.filter(client_uuid=client_uuid).first()
    if existing is not None and existing.klass_id != klass.pk:
        raise ValidationError({"client_uuid": [ERR_UUID_REUSED]})
    return existing


def class_check_submit(
    *,
    actor,
    client_uuid: uuid.UUID | str,
    klass: SchoolClass,
    date: datetime.date,
    session: str,
    present: int,
    absences: Sequence[Mapping[str, Any]] = (),
    symptomatic: Sequence[Mapping[str, Any]] = (),
    now: datetime.datetime | None = None,
) -> tuple[ClassCheck, bool]:
    """Record one class's check of one session; (check, created). A replayed client UUID
    answers the stored check unchanged; another check of the same session is refused
    (SessionAlreadyChecked). Empty ``absences`` and ``symptomatic``: the zero report."""
    require(actor, Perm.RECORD_CLASS_CHECKS, klass.unit)
    if not isinstance(client_uuid, uuid.UUID):
        try:
            client_uuid = uuid.UUID(str(client_uuid))
        except ValueError:
            raise ValidationError({"client_uuid": [ERR_UUID_REUSED]}) from None
    existing = _replay(client_uuid, klass)
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list] = {}
    sessions = sessions_of(klass)
    if session not in sessions:
        labels = "、".join(str(Session(s).label) for s in sessions)
        errors["session"] = [ERR_SESSION % {"sessions": labels}]
    try:
        late = _check_day(klass, date, today)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        late = False
    roll = {p.pk: p for p in Pupil.objects.filter(klass=klass, active=True).order_by("pk")}
    rows, row_errors = _clean_rows(absences=absences, symptomatic=symptomatic, roll=roll, day=date)
    errors.update(row_errors)
    if not isinstance(present, int) or isinstance(present, bool) or present < 0:
        errors.setdefault("present", []).append(ERR_PRESENT)
    elif not row_errors:
        absent = sum(1 for r in rows if r["kind"] != FindingKind.SYMPTOMATIC)
        if present + absent != len(roll):
            errors.setdefault("present", []).append(
                ERR_ROLL
                % {
                    "present": present,
                    "absent": absent,
                    "total": present + absent,
                    "roll": len(roll),
                }
            )
    if not row_errors:
        sick = {r["pupil"].pk for r in rows if r["kind"] == FindingKind.SICK}
        pending = [p for p in roll.values() if p.return_pending and p.pk not in sick]
        if pending:
            errors.setdefault("absences", []).extend(
                ERR_RETURN_PENDING % {"name": p.name} for p in pending
            )
    if errors:
        raise ValidationError(errors)
    if not late and now > session_deadline(rules_read(), date, session):
        late = True
    taken = ClassCheck.objects.filter(klass=klass, date=date, session=session).first()
    if taken is not None:
        if taken.client_uuid == client_uuid:  # a copy of this very check committed meanwhile
            return taken, False
        raise _session_done_error(taken)
    return _write(
        actor=actor,
        client_uuid=client_uuid,
        klass=klass,
        date=date,
        session=session,
        present=present,
        rows=rows,
        late=late,
        enrolled=len(roll),
        now=now,
    )


@transaction.atomic
def _write(
    *, actor, client_uuid, klass, date, session, present, rows, late, enrolled, now
) -> tuple[ClassCheck, bool]:
    counts = {kind: sum(1 for r in rows if r["kind"] == kind) for kind in FindingKind.values}
    check = ClassCheck(
        client_uuid=client_uuid,
        klass=klass,
        school_id=klass.school_id,
        date=date,
        session=session,
        enrolled=enrolled,
        present=present,
        sick_absent=counts[FindingKind.SICK],
        personal_absent=counts[FindingKind.PERSONAL],
        symptomatic=counts[FindingKind.SYMPTOMATIC],
        late=late,
        submitted_by=actor,
        submitted_at=now,
    )
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        # Another copy (same UUID) or another check of this session committed meanwhile.
        replayed = _replay(client_uuid, klass)
        if replayed is not None:
            return replayed, False
        taken = ClassCheck.objects.filter(klass=klass, date=date, session=session).first()
        if taken is not None:
            if taken.client_uuid == client_uuid:
                return taken, False
            raise _session_done_error(taken) from None
        raise
    findings = Finding.objects.bulk_create(
        [
            Finding(check_record=check, klass=klass, school_id=klass.school_id, date=date, **row)
            for row in rows
        ]
    )
    opened = _open_absences(klass=klass, date=date, findings=findings)
    audit_event_record(
        actor=actor,
        action="class_check.submit",
        target=check,
        org_path=klass.unit.path,
        changes={
            "date": date.isoformat(),
            "session": session,
            "enrolled": enrolled,
            "present": present,
            "sick_absent": check.sick_absent,
            "personal_absent": check.personal_absent,
            "symptomatic": check.symptomatic,
            "late": late,
            "pupils": sorted(f.pupil_id for f in findings),
            "absences_opened": opened,
        },
    )
    transaction.on_commit(
        lambda: signals.class_check_submitted.send(sender=ClassCheck, check=check)
    )
    return check, True


def _open_absences(*, klass: SchoolClass, date: datetime.date, findings: list[Finding]) -> list:
    """An illness absence for each sick absentee who has none open; the ids of those opened."""
    sick = [f for f in findings if f.kind == FindingKind.SICK]
    if not sick:
        return []
    already = set(
        Absence.objects.filter(pupil_id__in=[f.pupil_id for f in sick])
        .exclude(status=AbsenceStatus.RETURNED)
        .values_list("pupil_id", flat=True)
    )
    opened = []
    for finding in sick:
        if finding.pupil_id in already:
            continue
        absence = Absence(
            pupil_id=finding.pupil_id,
            klass=klass,
            school_id=klass.school_id,
            opened_by_finding=finding,
            first_day=date,
            symptoms=finding.symptoms,
            onset_date=finding.onset_date,
            saw_doctor=finding.saw_doctor,
            disease=finding.disease,
            diagnosis_note=finding.diagnosis_note,
        )
        try:
            with transaction.atomic():
                absence.save()
        except IntegrityError:
            continue  # opened meanwhile by another session's check or the guardian
        opened.append(absence.pk)
    return opened
