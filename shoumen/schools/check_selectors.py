"""Reads behind the class checks' pages and API: classes with today's state per session,
rosters, a pupil's recent findings and absences. Every read is scoped by the actor."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.schools.calendar import is_school_day, terms_of
from shoumen.schools.config import session_deadline, sessions_of
from shoumen.schools.models import (
    Absence,
    ClassCheck,
    Finding,
    Pupil,
    School,
    SchoolClass,
    SchoolRules,
    Session,
)
from shoumen.schools.selectors import classes_visible_to, pupils_visible_to, schools_visible_to
from shoumen.schools.symptoms import watched_symptoms

RECENT_FINDINGS = 20


def rules_read() -> SchoolRules:
    """The school rules without writing: the stored row, or the defaults when none is
    stored yet (a refused request writes nothing, not even the rules' row)."""
    return SchoolRules.objects.filter(id=1).first() or SchoolRules(id=1)


class State:
    DONE = "done"
    LATE = "late"
    DUE = "due"
    OVERDUE = "overdue"


@dataclass
class SessionState:
    session: str
    label: str
    state: str
    due_at: datetime.datetime
    check: ClassCheck | None = None


@dataclass
class ClassDay:
    klass: SchoolClass
    pupils: int
    school_day: bool
    sessions: list[SessionState] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return all(s.check is not None for s in self.sessions)


def classes_with_roll(qs: QuerySet[SchoolClass]) -> QuerySet[SchoolClass]:
    return qs.annotate(roll=Count("pupils", filter=Q(pupils__active=True))).order_by(
        "school__unit__name", "grade", "unit__name"
    )


def class_days(
    classes: list[SchoolClass], day: datetime.date, now: datetime.datetime | None = None
) -> list[ClassDay]:
    """Each class's sessions on ``day``: done, done late, still due or overdue."""
    now = now or timezone.now()
    rules = rules_read()
    checks: dict[tuple[int, str], ClassCheck] = {
        (c.klass_id, c.session): c
        for c in ClassCheck.objects.filter(klass__in=[k.pk for k in classes], date=day)
    }
    terms = terms_of({k.school_id for k in classes})
    out = []
    for klass in classes:
        school_day = is_school_day(klass.school, day, terms.get(klass.school_id, []))
        row = ClassDay(klass=klass, pupils=getattr(klass, "roll", 0), school_day=school_day)
        if school_day:
            for session in sessions_of(klass):
                check = checks.get((klass.pk, session))
                due = session_deadline(rules, day, session)
                if check is not None:
                    state = State.LATE if check.late else State.DONE
                else:
                    state = State.OVERDUE if now > due else State.DUE
                row.sessions.append(
                    SessionState(session, str(Session(session).label), state, due, check)
                )
        out.append(row)
    return out


def schools_seen_by(actor) -> QuerySet[School]:
    """The schools in the actor's scope, and the schools of the classes in it (a class
    teacher sees their class's school, with their class only)."""
    classes = classes_visible_to(actor).values("school_id")
    return (
        School.objects.filter(Q(pk__in=schools_visible_to(actor).values("pk")) | Q(pk__in=classes))
        .select_related("unit")
        .order_by("unit__path")
    )


def school_seen_by(actor, pk: int) -> School:
    """One school of ``schools_seen_by``, or School.DoesNotExist."""
    return schools_seen_by(actor).get(pk=pk)


def my_classes(actor) -> list[SchoolClass]:
    """The classes whose checks the actor sees: a class teacher's class, a school's classes."""
    return list(classes_with_roll(classes_visible_to(actor)))


def school_classes(actor, school: School) -> list[SchoolClass]:
    return list(classes_with_roll(classes_visible_to(actor).filter(school=school)))


def roster(actor, klass: SchoolClass) -> list[Pupil]:
    """The active roll of a class in scope, by name."""
    return list(pupils_visible_to(actor).filter(klass=klass, active=True).order_by("name", "pk"))


def roll_of(klass: SchoolClass) -> list[Pupil]:
    """The roll the check form lists (the class is already in the actor's scope)."""
    return list(Pupil.objects.filter(klass=klass, active=True).order_by("name", "pk"))


def pupil_findings(pupil: Pupil) -> list[Finding]:
    """The pupil's latest findings, each with ``symptom_labels`` to show."""
    labels = watched_symptoms()
    findings = list(
        Finding.objects.filter(pupil=pupil)
        .select_related("disease", "check_record")
        .order_by("-date", "-pk")[:RECENT_FINDINGS]
    )
    for finding in findings:
        finding.symptom_labels = [str(labels.get(c, c)) for c in finding.symptoms]  # type: ignore[attr-defined]
    return findings


def pupil_absences(pupil: Pupil) -> list[Absence]:
    return list(
        Absence.objects.filter(pupil=pupil).select_related("disease").order_by("-first_day")
    )


def may_check(actor, klass: SchoolClass) -> bool:
    return can(actor, Perm.RECORD_CLASS_CHECKS, klass.unit)


def may_manage_pupils(actor, klass: SchoolClass) -> bool:
    return can(actor, Perm.MANAGE_PUPILS, klass.unit)
