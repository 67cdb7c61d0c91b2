"""Return to class (复课): the school doctor checks the hospital certificate and issues the
return-to-class certificate once the isolation period is over; the class teacher then
admits the pupil, whose checks were refused until then."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require
from shoumen.audit.services import audit_event_record
from shoumen.schools.absence_services import ERR_ABSENCE_CLOSED, needs_certificate
from shoumen.schools.models import Absence, AbsenceStatus, ReturnCertificate, School

ERR_HOSPITAL_CERTIFICATE = _("Check the hospital's certificate before issuing this one.")
ERR_NO_CERTIFICATE_NEEDED = _(
    "This absence's diagnosis needs no return-to-class certificate: record the return instead."
)
ERR_ISOLATION = _("The isolation period is not over: the pupil may return from %(date)s.")
ERR_ALREADY_ISSUED = _("A return-to-class certificate was already issued for this absence.")
ERR_NOT_ISSUED = _("The school doctor has not issued a return-to-class certificate yet.")


def earliest_return(absence: Absence) -> datetime.date | None:
    """The first day the pupil may be back: the isolation period counted from the onset
    (or the first day absent, when the onset is not known)."""
    if absence.disease is None:
        return None
    start = absence.onset_date or absence.first_day
    return start + datetime.timedelta(days=absence.disease.isolation_days)


def _locked(absence: Absence) -> Absence:
    return (
        Absence.objects.select_for_update(of=("self",))
        .select_related("klass__unit", "school__unit", "pupil", "disease")
        .get(pk=absence.pk)
    )


def _number(school: School, year: int) -> str:
    """FK-<school code>-<year>-<sequence>, counted per school and year (under the school's
    row lock, so that two doctors issuing at once never take the same number)."""
    School.objects.select_for_update().filter(pk=school.pk).first()
    prefix = f"FK-{school.unit.code}-{year}-"
    taken = ReturnCertificate.objects.filter(number__startswith=prefix).values_list(
        "number", flat=True
    )
    sequences = (n.removeprefix(prefix) for n in taken)
    last = max((int(s) for s in sequences if s.isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


@transaction.atomic
def certificate_issue(
    *,
    actor,
    absence: Absence,
    hospital_certificate_checked: bool = True,
    now: datetime.datetime | None = None,
) -> ReturnCertificate:
    """Issue the return-to-class certificate: refused until the hospital certificate is
    checked and the isolation period is over."""
    require(actor, Perm.FOLLOW_UP_ABSENCES, absence.klass.unit)
    absence = _locked(absence)
    if absence.status == AbsenceStatus.RETURNED:
        raise ValidationError(ERR_ABSENCE_CLOSED)
    if ReturnCertificate.objects.filter(absence=absence).exists():
        raise ValidationError(ERR_ALREADY_ISSUED)
    if not needs_certificate(absence):
        raise ValidationError(ERR_NO_CERTIFICATE_NEEDED)
    if not hospital_certificate_checked:
        raise ValidationError({"hospital_certificate_checked": [ERR_HOSPITAL_CERTIFICATE]})
    now = now or timezone.now()
    day = timezone.localdate(now)
    earliest = earliest_return(absence)
    if earliest is not None and day < earliest:
        raise ValidationError(ERR_ISOLATION % {"date": earliest.isoformat()})
    certificate = ReturnCertificate.objects.create(
        absence=absence,
        number=_number(absence.school, day.year),
        hospital_certificate_checked=True,
        issued_by=actor,
        issued_at=now,
    )
    if absence.status != AbsenceStatus.AWAITING_RETURN:
        absence.status = AbsenceStatus.AWAITING_RETURN
        absence.save(update_fields=["status", "updated_at"])
    audit_event_record(
        actor=actor,
        action="return_certificate.issue",
        target=absence,
        org_path=absence.klass.unit.path,
        changes={"pupil": absence.pupil_id, "number": certificate.number},
    )
    return certificate


@transaction.atomic
def return_admit(*, actor, absence: Absence, now: datetime.datetime | None = None) -> Absence:
    """The class teacher takes the pupil back after the certificate: the pupil's checks are
    accepted again and the absence is closed."""
    require(actor, Perm.RECORD_CLASS_CHECKS, absence.klass.unit)
    absence = _locked(absence)
    if absence.status == AbsenceStatus.RETURNED:
        raise ValidationError(ERR_ABSENCE_CLOSED)
    certificate = ReturnCertificate.objects.select_for_update().filter(absence=absence).first()
    if certificate is None:
        raise ValidationError(ERR_NOT_ISSUED)
    now = now or timezone.now()
    certificate.admitted_by, certificate.admitted_at = actor, now
    certificate.save(update_fields=["admitted_by", "admitted_at"])
    absence.status, absence.returned_on = AbsenceStatus.RETURNED, timezone.localdate(now)
    absence.save(update_fields=["status", "returned_on", "updated_at"])
    if absence.pupil.return_pending:
        absence.pupil.return_pending = False
        absence.pupil.save(update_fields=["return_pending", "updated_at"])
    audit_event_record(
        actor=actor,
        action="return.admit",
        target=absence,
        org_path=absence.klass.unit.path,
        changes={"pupil": absence.pupil_id, "number": certificate.number},
    )
    return absence
