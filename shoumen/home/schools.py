"""The school roles' homes: a class teacher's classes and today's sessions; the health
officer's Today; the principal's and the district's schools board."""

import datetime
from dataclasses import dataclass

from shoumen.accounts.models import User
from shoumen.accounts.roles import Perm, Role
from shoumen.accounts.scoping import roles_of
from shoumen.schools import calendar
from shoumen.schools.config import session_deadline, sessions_of
from shoumen.schools.daily_selectors import rules_read
from shoumen.schools.models import ClassCheck, School, SchoolClass, Session
from shoumen.schools.selectors import classes_visible_to, schools_visible_to

TEACHER, SCHOOL_DOCTOR, PRINCIPAL, SCHOOL_DISTRICT = (
    "teacher",
    "school_doctor",
    "principal",
    "school_district",
)


def school_home_kind(user: User) -> str | None:
    """The widest school role decides; None for users with none."""
    roles = roles_of(user)
    if roles & {Role.EDUCATION_OFFICER, Role.CDC_OFFICER}:
        return SCHOOL_DISTRICT
    if Role.PRINCIPAL in roles:
        return PRINCIPAL
    if Role.SCHOOL_HEALTH_OFFICER in roles:
        return SCHOOL_DOCTOR
    if Role.CLASS_TEACHER in roles:
        return TEACHER
    return None


@dataclass
class SessionState:
    session: str
    label: str
    deadline: datetime.datetime
    done: bool
    overdue: bool


@dataclass
class ClassToday:
    klass: SchoolClass
    school_day: bool
    sessions: list[SessionState]

    @property
    def next_due(self) -> SessionState | None:
        """The first session not yet in: the big button's check."""
        return next((s for s in self.sessions if not s.done), None)


def teacher_home(user: User, *, day: datetime.date, now: datetime.datetime) -> list[ClassToday]:
    """The teacher's classes with today's sessions, done or not (three queries)."""
    classes = list(
        classes_visible_to(user, Perm.RECORD_CLASS_CHECKS).order_by("grade", "unit__name")
    )
    terms = calendar.terms_of({k.school_id for k in classes})
    done = set(
        ClassCheck.objects.filter(klass__in=classes, date=day).values_list("klass_id", "session")
    )
    rules = rules_read()
    labels = {s.value: str(s.label) for s in Session}
    rows = []
    for klass in classes:
        open_day = calendar.is_working_day(day) and calendar.in_term(
            terms.get(klass.school_id), day
        )
        sessions = []
        if open_day:
            for session in sessions_of(klass):
                deadline = session_deadline(rules, day, session)
                is_done = (klass.pk, session) in done
                sessions.append(
                    SessionState(
                        session, labels[session], deadline, is_done, not is_done and now > deadline
                    )
                )
        rows.append(ClassToday(klass, open_day, sessions))
    return rows


def home_schools_of(user: User, perm: str = Perm.VIEW_SCHOOLS) -> list[School]:
    return list(schools_visible_to(user, perm).order_by("unit__path")[:20])
