"""Confirming a unit's daily report: one tap sends the figures of the moment upward; with
nothing notable it is the unit's zero report. A second confirm of the same day answers
the stored one, so a phone sending twice changes nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.audit.services import audit_event_record
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.places.models import OrgUnit
from shoumen.reports.daily import confirmable, daily_report_of, is_on_time
from shoumen.reports.models import DailyReport

ERR_FUTURE_DAY = _("A daily report can be confirmed on its day or later, not before.")
ERR_REMARKS_TOO_LONG = _("Use at most %(max)d characters.")
REMARKS_MAX = 500


def daily_report_confirm(
    *,
    actor,
    unit: OrgUnit,
    date: datetime.date,
    remarks: str = "",
    now: datetime.datetime | None = None,
) -> tuple[DailyReport, bool]:
    """Confirm ``unit``'s report of ``date``: (report, True) when new; a second confirm
    answers the stored one with False. Refused for a day still to come."""
    now = now or timezone.now()
    if not confirmable(actor, unit):
        raise deny()
    stored = DailyReport.objects.filter(unit=unit, date=date).first()
    if stored is not None:
        return stored, False
    remarks = (remarks or "").strip()
    if len(remarks) > REMARKS_MAX:
        raise ValidationError({"remarks": [ERR_REMARKS_TOO_LONG % {"max": REMARKS_MAX}]})
    if date > today():
        raise ValidationError({"date": [ERR_FUTURE_DAY]})
    day = daily_report_of(actor, unit, date)
    try:
        with transaction.atomic():
            report = DailyReport.objects.create(
                unit=unit,
                date=date,
                figures=dict(day.values),
                zero=day.zero,
                remarks=remarks,
                confirmed_by=actor,
                confirmed_at=now,
                on_time=is_on_time(date, now),
            )
            audit_event_record(
                actor=actor,
                action="reports.daily_report_confirm",
                target=report,
                org_path=unit.path,
                changes={"date": date.isoformat(), "zero": report.zero, "on_time": report.on_time},
            )
    except IntegrityError:
        # Another confirm of the same day committed first: answer theirs.
        return DailyReport.objects.get(unit=unit, date=date), False
    return report, True
