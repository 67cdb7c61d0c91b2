"""The school's daily report (日报 / 零报告): confirmed by the health officer once every class
session of the day is in; with nothing found it is the school's zero report (无异常)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.schools.config import daily_report_deadline
from shoumen.schools.daily_selectors import day_figures, nothing_found, rules_read, school_day_state
from shoumen.schools.models import DailyReport, School, Session

ERR_NOT_SCHOOL_DAY = _("%(date)s is not a school day: no daily report is due.")
ERR_FUTURE_DAY = _("A daily report can be confirmed on its day or later, not before.")
ERR_CLASSES_MISSING = _("Not every class is in yet. Missing: %(missing)s.")
ERR_REMARKS_TOO_LONG = _("Use at most %(max)d characters.")
REMARKS_MAX = 500


def on_time(rules, day: datetime.date, confirmed_at: datetime.datetime) -> bool:
    """Confirmed within the deadline's minute or before (16:00 counts, 16:01 does not)."""
    deadline = daily_report_deadline(rules, day)
    return confirmed_at.replace(second=0, microsecond=0) <= deadline


def missing_text(missing) -> str:
    """'一年级1班 (午检), …' for the refusal message."""
    labels = {s.value: str(s.label) for s in Session}
    return gettext(", ").join(f"{k.unit.name} ({labels[s]})" for k, s in missing)


@transaction.atomic
def daily_report_confirm(
    *,
    actor,
    school: School,
    date: datetime.date,
    remarks: str = "",
    now: datetime.datetime | None = None,
) -> tuple[DailyReport, bool]:
    """Confirm ``school``'s report of ``date``: (report, True) when new; a second confirm
    answers the stored one with False. Refused before every class session is in, on a
    day that is not a school day, and for a day still to come."""
    now = now or timezone.now()
    if not can(actor, Perm.REPORT_SCHOOL, school.unit):
        raise deny()
    stored = DailyReport.objects.filter(school=school, date=date).first()
    if stored is not None:
        return stored, False
    remarks = (remarks or "").strip()
    if len(remarks) > REMARKS_MAX:
        raise ValidationError({"remarks": [ERR_REMARKS_TOO_LONG % {"max": REMARKS_MAX}]})
    if date > today():
        raise ValidationError({"date": [ERR_FUTURE_DAY]})
    rules = rules_read()
    state = school_day_state(school, date, now=now, rules=rules)
    if not state.school_day:
        raise ValidationError({"date": [ERR_NOT_SCHOOL_DAY % {"date": date.isoformat()}]})
    if state.missing:
        raise ValidationError(ERR_CLASSES_MISSING % {"missing": missing_text(state.missing)})
    figures = day_figures(state)
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                school=school,
                date=date,
                nothing_found=nothing_found(figures),
                figures=figures,
                remarks=remarks,
                confirmed_by=actor,
                confirmed_at=now,
                on_time=on_time(rules, date, now),
            )
            audit_event_record(
                actor=actor,
                action="school.daily_report_confirm",
                target=report,
                org_path=school.unit.path,
                changes={
                    "date": date.isoformat(),
                    "nothing_found": report.nothing_found,
                    "on_time": report.on_time,
                },
            )
    except IntegrityError:
        # Another confirm of the same day committed first: answer theirs.
        return DailyReport.objects.get(school=school, date=date), False
    return report, True
