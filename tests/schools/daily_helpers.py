"""Helpers of the daily report tests: class checks written directly, frozen local times."""

import datetime
import zoneinfo

from django.utils import timezone

from shoumen.schools.config import sessions_of
from shoumen.schools.models import ClassCheck, Finding, FindingKind

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute, second), tzinfo=SHANGHAI)


def check(klass, day, session, *, sick=(), symptomatic=(), personal=()):
    """A class check as the class teacher's submission would leave it, with findings."""
    enrolled = klass.pupils.filter(active=True).count()
    row = ClassCheck.objects.create(
        klass=klass,
        school=klass.school,
        date=day,
        session=session,
        enrolled=enrolled,
        present=enrolled - len(sick) - len(personal),
        sick_absent=len(sick),
        personal_absent=len(personal),
        symptomatic=len(symptomatic),
        submitted_at=timezone.now(),
    )
    for kind, entries in (
        (FindingKind.SICK, sick),
        (FindingKind.SYMPTOMATIC, symptomatic),
        (FindingKind.PERSONAL, personal),
    ):
        for pupil, symptoms in entries:
            Finding.objects.create(
                check_record=row,
                pupil=pupil,
                klass=klass,
                school=klass.school,
                date=day,
                kind=kind,
                symptoms=list(symptoms),
            )
    return row


def all_in(school, day, *, skip=()):
    """Every class session of ``school`` on ``day`` in, all well, but those in ``skip``
    ((class code, session) pairs)."""
    for klass in school.classes.select_related("unit"):
        for session in sessions_of(klass):
            if (klass.unit.code, session) not in skip:
                check(klass, day, session)
