"""The alert rules, in one place: which report or silence raises which cause."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shoumen.alerts.models import AlertRules, Cause
from shoumen.observation.models import Slot


def current_rules() -> AlertRules:
    rules, _ = AlertRules.objects.get_or_create(id=1)
    return rules


@dataclass(frozen=True)
class Hit:
    cause: str
    details: dict[str, Any]


def report_hits(report, rules: AlertRules) -> list[Hit]:
    """Causes raised by one health report: ILI over fever (the more specific one), and a
    red-flag symptom on its own."""
    temperature: Decimal | None = report.temperature
    details = {
        "date": report.date.isoformat(),
        "slot": report.slot,
        "temperature": str(temperature) if temperature is not None else None,
        "symptoms": report.symptoms,
    }
    hits = []
    respiratory = report.cough or report.sore_throat
    if temperature is not None and temperature >= rules.ili_temperature and respiratory:
        hits.append(Hit(Cause.ILI, details))
    elif (temperature is not None and temperature >= rules.fever_temperature) or report.fever:
        hits.append(Hit(Cause.FEVER, details))
    if report.short_of_breath:
        hits.append(Hit(Cause.RED_FLAG, details))
    return hits


def slot_deadline(rules: AlertRules, day: datetime.date, slot: str) -> datetime.datetime:
    """When a slot's report is due: after this, no report is 'non-reporting'."""
    at = rules.morning_deadline if slot == Slot.MORNING else rules.afternoon_deadline
    return timezone.make_aware(datetime.datetime.combine(day, at))


def due_slots(rules: AlertRules, now: datetime.datetime) -> list[str]:
    """The slots of today whose deadline has passed at ``now``."""
    day = timezone.localdate(now)
    return [slot for slot in Slot.values if slot_deadline(rules, day, slot) <= now]
