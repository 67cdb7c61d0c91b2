"""Scheduled: tell each school's health officer of the classes not in by a session's
deadline and of the daily report not confirmed by its deadline, once per school, session
and day (a later run finds the notice sent and says nothing again)."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.alerts.models import Notification
from shoumen.alerts.notify import notify
from shoumen.schools import calendar
from shoumen.schools.config import daily_report_deadline, session_deadline, sessions_of
from shoumen.schools.daily_selectors import classes_on_roll, rules_read
from shoumen.schools.models import ClassCheck, DailyReport, School, Session

TITLE_CLASSES_MISSING = _("%(school)s: %(count)d classes not in by %(time)s (%(session)s)")
TITLE_REPORT_MISSING = _("%(school)s: the daily report of %(date)s is not confirmed (due %(time)s)")
BODY_REPORT_MISSING = _("Confirm it on the school's Today once every class is in.")
CLASSES_KEY = "schools.classes_missing"
REPORT_KEY = "schools.report_missing"


def _officers_of(schools: list[School]) -> dict[int, list]:
    """School id → its health officers (active users), in one query."""
    by_unit = {s.unit_id: s.pk for s in schools}
    found: dict[int, list] = defaultdict(list)
    assignments = RoleAssignment.objects.filter(
        role=Role.SCHOOL_HEALTH_OFFICER, org_unit_id__in=list(by_unit), user__is_active=True
    ).select_related("user")
    for a in assignments:
        found[by_unit[a.org_unit_id]].append(a.user)
    return found


def _sent(day: datetime.date) -> set[str]:
    """The notice keys already sent for ``day``."""
    rows = Notification.objects.filter(words__day=day.isoformat(), words__has_key="key")
    return {words["key"] for words in rows.values_list("words", flat=True)}


@transaction.atomic
def school_deadlines_notify(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Notices for the deadlines passed by ``now`` today; returns how many were sent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    counts = {"classes": 0, "reports": 0}
    if not calendar.is_working_day(day):
        return counts
    rules = rules_read()
    schools = list(School.objects.select_related("unit").order_by("unit__path"))
    terms = calendar.terms_of(s.pk for s in schools)
    schools = [s for s in schools if calendar.in_term(terms.get(s.pk), day)]
    sessions = [s for s in Session if session_deadline(rules, day, s.value) < now]
    report_due = daily_report_deadline(rules, day) + datetime.timedelta(minutes=1) <= now
    if not schools or not (sessions or report_due):
        return counts
    ids = [s.pk for s in schools]
    done = set(
        ClassCheck.objects.filter(school_id__in=ids, date=day).values_list("klass_id", "session")
    )
    missing: dict[tuple[int, str], list[str]] = defaultdict(list)
    for klass in classes_on_roll(ids):
        for session in sessions:
            if session.value in sessions_of(klass) and (klass.pk, session.value) not in done:
                missing[(klass.school_id, session.value)].append(klass.unit.name)
    reported = set(
        DailyReport.objects.filter(school_id__in=ids, date=day).values_list("school_id", flat=True)
    )
    officers, sent = _officers_of(schools), _sent(day)
    labels = {s.value: s.label for s in Session}
    with translation.override(settings.LANGUAGE_CODE):
        for school in schools:
            to = officers.get(school.pk)
            if not to:
                continue
            for session in sessions:
                names = missing.get((school.pk, session.value))
                key = f"{CLASSES_KEY}:{school.pk}:{day}:{session.value}"
                if not names or key in sent:
                    continue
                values = {
                    "school": school.unit.name,
                    "count": len(names),
                    "time": session_deadline(rules, day, session.value).strftime("%H:%M"),
                    "session": str(labels[session.value]),
                }
                notify(
                    recipients=to,
                    title=str(TITLE_CLASSES_MISSING % values),
                    body="、".join(names),
                    words={"title": [CLASSES_KEY, values], "key": key, "day": day.isoformat()},
                )
                counts["classes"] += 1
            key = f"{REPORT_KEY}:{school.pk}:{day}"
            if report_due and school.pk not in reported and key not in sent:
                values = {
                    "school": school.unit.name,
                    "date": day.isoformat(),
                    "time": daily_report_deadline(rules, day).strftime("%H:%M"),
                }
                notify(
                    recipients=to,
                    title=str(TITLE_REPORT_MISSING % values),
                    body=str(BODY_REPORT_MISSING),
                    words={"title": [REPORT_KEY, values], "key": key, "day": day.isoformat()},
                )
                counts["reports"] += 1
    return counts


@task()
def school_deadlines_notify_task() -> dict[str, int]:
    return school_deadlines_notify()
