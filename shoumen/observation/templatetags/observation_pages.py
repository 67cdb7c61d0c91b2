"""Labels for key-person and alert pages: reports in a few words, audit actions, due times."""

import datetime

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shoumen.observation.forms import symptom_label
from shoumen.observation.models import HealthReport

register = template.Library()

ACTION_LABELS = {
    "observation.start": _("Observation started"),
    "observation.completed": _("Completed"),
    "observation.hospitalised": _("Sent to hospital"),
    "observation.lost": _("Lost to follow-up"),
    "observation.cancelled": _("Cancelled"),
    "observation.transferred": _("Transferred"),
    "observation.extend": _("Extended after re-exposure"),
    "observation.assign": _("Responsible worker changed"),
    "observation.transfer_request": _("Transfer requested"),
    "observation.transfer_accept": _("Transfer accepted"),
    "observation.transfer_cancel": _("Transfer withdrawn"),
}

CHANGE_LABELS = {
    "kind": _("Kind"),
    "reason": _("Reason"),
    "risk_area": _("Risk area"),
    "arrival_date": _("Arrival date"),
    "last_exposure_date": _("Last exposure"),
    "starts_on": _("Counted from"),
    "ends_on": _("Ends on"),
    "responsible": _("Responsible worker"),
    "status": _("Status"),
    "transfer_to": _("Transfer to"),
    "transferred_from": _("Transferred from"),
}


@register.filter
def day_number(observation, day: datetime.date) -> int:
    return observation.day_number(day)


@register.filter
def symptom_labels(names):
    return "、".join(symptom_label(n) for n in names or [])


@register.filter
def report_summary(report: HealthReport) -> str:
    """A report in a few words: not reached, normal, or temperature and symptoms."""
    if report.reached is False:
        return str(_("Not reached"))
    parts = []
    if report.temperature is not None:
        parts.append(f"{report.temperature}°C")
    parts.extend(symptom_label(n) for n in report.symptoms)
    if report.other_symptoms:
        parts.append(report.other_symptoms)
    if not parts:
        parts.append(str(_("Normal")))
    return " ".join(parts)


@register.filter
def report_is_alarming(report: HealthReport) -> bool:
    return bool(report.symptoms) or report.reached is False


@register.simple_tag
def due_in(due_at: datetime.datetime, now: datetime.datetime) -> str:
    """ "in 1 h 20 min" or "35 min overdue"."""
    minutes = int((due_at - now).total_seconds() // 60)
    late = minutes < 0
    minutes = abs(minutes)
    hours, rest = divmod(minutes, 60)
    if hours:
        span = ngettext("%(h)d h %(m)d min", "%(h)d h %(m)d min", hours) % {"h": hours, "m": rest}
    else:
        span = ngettext("%(m)d min", "%(m)d min", rest) % {"m": rest}
    if late:
        return str(_("%(span)s overdue") % {"span": span})
    return str(_("due in %(span)s") % {"span": span})
