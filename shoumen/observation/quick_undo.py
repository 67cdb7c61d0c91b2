"""Undoing a mistaken one-tap "Normal": the worker who tapped may withdraw the report for
a few minutes (``SHOUMEN_NORMAL_UNDO_MINUTES``, 5 by default); the report is removed and
the withdrawal audited. After the window it stays, and the refusal says why."""

import datetime
from dataclasses import dataclass, fields

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.audit.services import audit_event_record
from shoumen.observation.calls import call_is_mine
from shoumen.observation.models import SYMPTOMS, HealthReport, Source
from shoumen.observation.selectors import TodayRow

ERR_UNDO_EXPIRED = _(
    "This report can no longer be undone: a tap is undone within %(minutes)d minutes. "
    "Record the follow-up again instead."
)
ERR_UNDO_NOT_YOURS = _("Only the worker who tapped Normal can undo it.")
ERR_UNDO_NOT_QUICK = _("Only a one-tap Normal can be undone.")
ERR_UNDO_GONE = _("This report was already undone.")

UNDO_ACTION = "health_report.withdraw"


def undo_window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.SHOUMEN_NORMAL_UNDO_MINUTES)


def _is_quick_normal(report: HealthReport) -> bool:
    return (
        report.source == Source.WORKER_PHONE
        and report.reached is True
        and report.temperature is None
        and not report.other_symptoms
        and not any(getattr(report, name) for name in SYMPTOMS)
    )


def undoable(report: HealthReport | None, *, user, now: datetime.datetime) -> bool:
    return (
        report is not None
        and report.recorded_by_id == user.pk
        and _is_quick_normal(report)
        and now - report.recorded_at <= undo_window()
    )


@transaction.atomic
def health_report_withdraw(
    *, actor, report_id: int, person_id: int, now: datetime.datetime | None = None
) -> None:
    """Remove a one-tap Normal the actor recorded within the undo window, audited."""
    now = now or timezone.now()
    report = (
        HealthReport.objects.select_for_update()
        .select_related("grid")
        .filter(pk=report_id, person_id=person_id)
        .first()
    )
    if report is None:
        raise ValidationError(ERR_UNDO_GONE)
    if report.recorded_by_id != actor.pk:
        raise ValidationError(ERR_UNDO_NOT_YOURS)
    if not _is_quick_normal(report):
        raise ValidationError(ERR_UNDO_NOT_QUICK)
    window = undo_window()
    if now - report.recorded_at > window:
        raise ValidationError(ERR_UNDO_EXPIRED % {"minutes": window.seconds // 60})
    HealthReport.objects.filter(pk=report.pk, date=report.date).delete()
    audit_event_record(
        actor=actor,
        action=UNDO_ACTION,
        target=report.person,
        org_path=report.grid.path,
        changes={"date": report.date.isoformat(), "slot": report.slot, "reached": [True, None]},
    )


@dataclass
class TodayTapRow(TodayRow):
    """A Today row with what the actor may tap on it: call, undo."""

    can_call: bool = False
    undo: HealthReport | None = None


def with_taps(rows: list[TodayRow], *, user, now: datetime.datetime) -> list[TodayTapRow]:
    """Rows with their call and undo buttons, from what the rows hold (no query)."""
    out = []
    for row in rows:
        values = {f.name: getattr(row, f.name) for f in fields(row)}
        report = row.reports.get(row.slot)
        mine = call_is_mine(user, observation=row.observation) or any(
            call_is_mine(user, alert=alert) for alert in row.alerts
        )
        out.append(
            TodayTapRow(
                **values,
                can_call=mine,
                undo=report if undoable(report, user=user, now=now) else None,
            )
        )
    return out
