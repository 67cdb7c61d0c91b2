"""A school's day: which class sessions are due and in, the day's figures from the checks,
and what the health officer's Today shows. Reads are scoped by the caller (school_for)."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.alerts.models import OPEN_STATUSES, Alert
from shoumen.schools import calendar
from shoumen.schools.config import (
    daily_report_deadline,
    session_deadline,
    sessions_of,
)
from shoumen.schools.models import (
    Absence,
    AbsenceStatus,
    ClassCheck,
    DailyReport,
    Finding,
    FindingKind,
    Pupil,
    School,
    SchoolClass,
    SchoolRules,
    Session,
)
from shoumen.schools.symptoms import watched_symptoms

FIGURE_FIELDS = ("enrolled", "present", "sick_absent", "personal_absent", "symptomatic")


def rules_read() -> SchoolRules:
    """The school rules as stored, or their defaults: reading writes no row (a refused
    confirm must leave the database as it was)."""
    return SchoolRules.objects.filter(id=1).first() or SchoolRules(id=1)


def classes_on_roll(school_ids) -> QuerySet[SchoolClass]:
    """Classes with at least one pupil on the roll: only they owe checks."""
    roll = Pupil.objects.filter(klass=OuterRef("pk"), active=True)
    return (
        SchoolClass.objects.filter(school_id__in=list(school_ids))
        .filter(Exists(roll))
        .select_related("unit")
        .order_by("grade", "unit__name", "pk")
    )


@dataclass
class SessionDue:
    session: str
    label: str
    deadline: datetime.datetime
    missing: list[SchoolClass]
    done: int
    overdue: bool

    @property
    def total(self) -> int:
        return self.done + len(self.missing)


@dataclass
class SchoolDay:
    school: School
    day: datetime.date
    school_day: bool
    classes: list[SchoolClass]
    sessions: list[SessionDue]
    checks: list[ClassCheck]

    @property
    def missing(self) -> list[tuple[SchoolClass, str]]:
        return [(k, s.session) for s in self.sessions for k in s.missing]

    @property
    def complete(self) -> bool:
        return self.school_day and not self.missing


def school_day_state(
    school: School,
    day: datetime.date,
    *,
    now: datetime.datetime,
    rules: SchoolRules | None = None,
) -> SchoolDay:
    """Every class session due on ``day`` with the classes not yet in (three queries)."""
    rules = rules or rules_read()
    open_day = calendar.is_school_day(school, day)
    classes = list(classes_on_roll([school.pk])) if open_day else []
    checks = list(
        ClassCheck.objects.filter(school=school, date=day).order_by("klass_id", "session")
    )
    done = {(c.klass_id, c.session) for c in checks}
    sessions: list[SessionDue] = []
    for session in Session:
        owing = [k for k in classes if session.value in sessions_of(k)]
        if not owing:
            continue
        deadline = session_deadline(rules, day, session.value)
        missing = [k for k in owing if (k.pk, session.value) not in done]
        sessions.append(
            SessionDue(
                session=session.value,
                label=str(session.label),
                deadline=deadline,
                missing=missing,
                done=len(owing) - len(missing),
                overdue=bool(missing) and now > deadline,
            )
        )
    return SchoolDay(school, day, open_day, classes, sessions, checks)


def day_figures(state: SchoolDay) -> dict[str, Any]:
    """The day's figures from the school's checks and findings of that day."""
    findings = Finding.objects.filter(school=state.school, date=state.day).values_list(
        "pupil_id", "kind", "symptoms"
    )
    return figures_from(len(state.classes), state.checks, findings)


def figures_from(classes: int, checks, findings) -> dict[str, Any]:
    """A school day's figures as the daily report keeps them: per session, and the day's
    distinct pupils absent sick, absent on leave and present with symptoms, by symptom.
    ``findings``: (pupil id, kind, symptom codes) of the day."""
    by_session: dict[str, dict[str, int]] = {}
    for check in checks:
        row = by_session.setdefault(check.session, dict.fromkeys(("checks", *FIGURE_FIELDS), 0))
        row["checks"] += 1
        for name in FIGURE_FIELDS:
            row[name] += getattr(check, name)
    kinds: dict[str, set[int]] = {k.value: set() for k in FindingKind}
    symptoms: dict[str, set[int]] = {}
    for pupil_id, kind, codes in findings:
        kinds.setdefault(kind, set()).add(pupil_id)
        if kind != FindingKind.PERSONAL:
            for code in codes or []:
                symptoms.setdefault(code, set()).add(pupil_id)
    first = by_session.get(Session.MORNING) or next(iter(by_session.values()), None)
    order = list(watched_symptoms())
    return {
        "classes": classes,
        "enrolled": first["enrolled"] if first else 0,
        "present": first["present"] if first else 0,
        "sick_absent": len(kinds[FindingKind.SICK]),
        "personal_absent": len(kinds[FindingKind.PERSONAL]),
        "symptomatic": len(kinds[FindingKind.SYMPTOMATIC]),
        "by_symptom": {
            code: len(symptoms[code])
            for code in sorted(symptoms, key=lambda c: (order.index(c) if c in order else 99, c))
        },
        "sessions": by_session,
    }


def nothing_found(figures: dict[str, Any]) -> bool:
    """无异常: nobody absent sick and nobody present with symptoms."""
    return not figures["sick_absent"] and not figures["symptomatic"]


def symptom_rows(by_symptom: dict[str, int]) -> list[tuple[str, str, int]]:
    labels = watched_symptoms()
    return [(code, str(labels.get(code, code)), n) for code, n in by_symptom.items()]


def report_of(school: School, day: datetime.date) -> DailyReport | None:
    return DailyReport.objects.filter(school=school, date=day).first()


@dataclass
class Today:
    state: SchoolDay
    report: DailyReport | None
    figures: dict[str, Any]
    deadline: datetime.datetime
    absences: list[Absence]
    absence_count: int
    alerts: list[Alert]
    can_confirm: bool
    symptoms: list[tuple[str, str, int]] = field(default_factory=list)
    # The school day before, when its report was never confirmed.
    previous_missing: datetime.date | None = None

    @property
    def nothing_found(self) -> bool:
        return nothing_found(self.figures)


TODAY_LIST_LIMIT = 20


def absences_to_follow_up(school: School, day: datetime.date) -> QuerySet[Absence]:
    """Open illness absences of the school with no follow-up recorded for ``day``."""
    followed = Absence.objects.filter(pk=OuterRef("pk"), follow_ups__date=day)
    return (
        Absence.objects.filter(school=school, status=AbsenceStatus.OPEN)
        .exclude(Exists(followed))
        .select_related("pupil", "klass__unit")
        .order_by("first_day", "pk")
    )


def school_alerts_open(school: School) -> QuerySet[Alert]:
    """Open alerts raised on the school or one of its classes."""
    return (
        Alert.objects.filter(grid__path__startswith=school.unit.path, status__in=OPEN_STATUSES)
        .select_related("owner")
        .order_by("due_at", "pk")
    )


LOOK_BACK_DAYS = 10


def previous_missing(school: School, day: datetime.date) -> datetime.date | None:
    """The last school day before ``day`` when it has no confirmed report."""
    terms = calendar.terms_of([school.pk]).get(school.pk)
    for back in range(1, LOOK_BACK_DAYS + 1):
        earlier = day - datetime.timedelta(days=back)
        if calendar.is_school_day(school, earlier, terms=terms):
            found = DailyReport.objects.filter(school=school, date=earlier).exists()
            return None if found else earlier
    return None


def today_of(user, school: School, *, day: datetime.date, now: datetime.datetime) -> Today:
    """The health officer's Today for ``school`` (already scoped by the caller)."""
    rules = rules_read()
    state = school_day_state(school, day, now=now, rules=rules)
    report = report_of(school, day)
    figures = report.figures if report else day_figures(state)
    absences = absences_to_follow_up(school, day)
    alerts = school_alerts_open(school)
    return Today(
        state=state,
        report=report,
        figures=figures,
        deadline=daily_report_deadline(rules, day),
        absences=list(absences[:TODAY_LIST_LIMIT]),
        absence_count=absences.count(),
        alerts=list(alerts[:TODAY_LIST_LIMIT]),
        can_confirm=report is None
        and state.complete
        and can(user, Perm.REPORT_SCHOOL, school.unit),
        symptoms=symptom_rows(figures.get("by_symptom", {})),
        previous_missing=previous_missing(school, day),
    )
