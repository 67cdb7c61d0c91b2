"""The school rules' numbers and the sessions and deadlines of a class's day."""

import datetime

from django.utils import timezone

from shoumen.schools.models import SchoolClass, SchoolRules, Session


def current_rules() -> SchoolRules:
    rules, _ = SchoolRules.objects.get_or_create(id=1)
    return rules


def sessions_of(klass: SchoolClass) -> list[str]:
    """The checks a class owes each school day: morning and noon, and evening for boarders."""
    sessions = [Session.MORNING, Session.NOON]
    if klass.boarding:
        sessions.append(Session.EVENING)
    return [str(s) for s in sessions]


def session_deadline(rules: SchoolRules, day: datetime.date, session: str) -> datetime.datetime:
    """When a session's check is due: before the third period by default."""
    at = {
        Session.MORNING: rules.morning_deadline,
        Session.NOON: rules.noon_deadline,
        Session.EVENING: rules.evening_deadline,
    }[Session(session)]
    return timezone.make_aware(datetime.datetime.combine(day, at))


def daily_report_deadline(rules: SchoolRules, day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, rules.daily_report_deadline))
