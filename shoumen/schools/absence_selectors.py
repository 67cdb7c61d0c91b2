"""Scoped reads of illness absences: the one path-prefix rule on the absence's class.

Anyone who sees the school sees its absences; names are shown in full only to those who
work with the pupil (the follow-up person, the class teacher), masked to the others."""

import datetime

from django.db.models import Case, IntegerField, Max, QuerySet, Value, When

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import covers, scope_q
from shoumen.lib.names import mask_name
from shoumen.schools.models import Absence, AbsenceStatus, Guardian, GuardianLink, School
from shoumen.schools.selectors import classes_visible_to
from shoumen.schools.symptoms import watched_symptoms

# Not back in class yet: followed up, or waiting for the return (the list's default).
CURRENT = "current"

_STATUS_ORDER = Case(
    When(status=AbsenceStatus.OPEN, then=Value(0)),
    When(status=AbsenceStatus.AWAITING_RETURN, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def absences_visible_to(user, perm: str = Perm.VIEW_SCHOOLS) -> QuerySet[Absence]:
    return Absence.objects.filter(scope_q(user, perm, "klass__unit__path")).select_related(
        "pupil", "klass__unit", "school__unit", "disease"
    )


def absence_schools_for(user) -> QuerySet[School]:
    """The schools of the classes the user sees (a class teacher: their class's school)."""
    class_ids = classes_visible_to(user).values("pk")
    return (
        School.objects.filter(classes__in=class_ids)
        .distinct()
        .select_related("unit")
        .order_by("unit__name")
    )


def absence_for(user, pk: int, perm: str = Perm.VIEW_SCHOOLS) -> Absence:
    """One absence in scope, or Absence.DoesNotExist."""
    return absences_visible_to(user, perm).get(pk=pk)


def absences_list(user, *, school_id: int | None = None, status: str = "") -> QuerySet[Absence]:
    """Open ones first, then those waiting to return, then the returned; each with the date
    of its last follow-up."""
    qs = absences_visible_to(user).annotate(
        last_follow_up=Max("follow_ups__date"), status_order=_STATUS_ORDER
    )
    if school_id is not None:
        qs = qs.filter(school_id=school_id)
    if status == CURRENT:
        qs = qs.exclude(status=AbsenceStatus.RETURNED)
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("status_order", "first_day", "pk")


def days_absent(absence: Absence, day: datetime.date) -> int:
    end = absence.returned_on or day
    return max((end - absence.first_day).days + (0 if absence.returned_on else 1), 0)


def follow_up_due(absence: Absence, day: datetime.date) -> bool:
    """An absence not yet followed up today (returned ones never are)."""
    if absence.status == AbsenceStatus.RETURNED:
        return False
    last = getattr(absence, "last_follow_up", None)
    if last is None:
        last = absence.follow_ups.aggregate(last=Max("date"))["last"]
    return last is None or last < day


def may_follow_up(user, absence: Absence) -> bool:
    return covers(user, Perm.FOLLOW_UP_ABSENCES, absence.klass.unit.path)


def may_admit(user, absence: Absence) -> bool:
    return covers(user, Perm.RECORD_CLASS_CHECKS, absence.klass.unit.path)


def pupil_name_for(user, absence: Absence) -> str:
    """The full name for those who work with the pupil, masked for the others."""
    if may_follow_up(user, absence) or may_admit(user, absence):
        return absence.pupil.name
    return mask_name(absence.pupil.name)


def guardians_of(absence: Absence) -> list[Guardian]:
    return list(Guardian.objects.filter(pupil_id=absence.pupil_id).order_by("pk"))


def guardian_link_of(pupil_id: int) -> GuardianLink | None:
    return GuardianLink.objects.filter(pupil_id=pupil_id).first()


def symptom_labels(codes) -> str:
    known = watched_symptoms()
    return "、".join(str(known.get(code, code)) for code in codes)
