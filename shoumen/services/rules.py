"""The numbers of the services' rules, each a setting read in one place, and the checks
shared by every door: when a request is due, and what its note may hold."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shoumen.lib.text import free_text, strip_all_spaces, to_halfwidth
from shoumen.services.models import NOTE_MAX, Urgency

ERR_NOTE_LONG = _("Use at most %(max)d characters.")
ERR_NOTE_ID = _("Leave ID numbers out of the note: the request already says who it is for.")
# 15 or 18 characters of a resident ID number, allowing spaces typed inside it.
_ID_RE = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9xX]|[0-9]{15})(?![0-9xX])")


def due_hours_urgent() -> int:
    return int(settings.SHOUMEN_SERVICE_DUE_HOURS_URGENT)


def due_hours_normal() -> int:
    return int(settings.SHOUMEN_SERVICE_DUE_HOURS_NORMAL)


def overdue_alert_minutes() -> int:
    """How long an overdue request's alert waits for its owner before climbing."""
    return int(settings.SHOUMEN_SERVICE_OVERDUE_ALERT_MINUTES)


def standing_max_days() -> int:
    """The longest a standing daily delivery may run (an isolation period at most)."""
    return int(settings.SHOUMEN_SERVICE_STANDING_MAX_DAYS)


def due_at_for(urgency: str, asked_at: datetime.datetime) -> datetime.datetime:
    """When a request asked at ``asked_at`` is due: urgent within
    SHOUMEN_SERVICE_DUE_HOURS_URGENT hours, "today" by the end of the local day (or within
    the urgent hours when asked so late that the day's end comes sooner), normal within
    SHOUMEN_SERVICE_DUE_HOURS_NORMAL hours."""
    if urgency == Urgency.URGENT:
        return asked_at + datetime.timedelta(hours=due_hours_urgent())
    if urgency == Urgency.TODAY:
        local = timezone.localtime(asked_at)
        end = timezone.make_aware(
            datetime.datetime.combine(local.date(), datetime.time(23, 59, 59))
        )
        return max(end, asked_at + datetime.timedelta(hours=due_hours_urgent()))
    return asked_at + datetime.timedelta(hours=due_hours_normal())


def has_id_number(text: str) -> bool:
    return bool(_ID_RE.search(strip_all_spaces(to_halfwidth(text))))


def clean_note(value: str, field: str = "note") -> str:
    """A note as typed, refused when too long or holding an ID number."""
    note = free_text(value or "")
    if len(note) > NOTE_MAX:
        raise ValidationError({field: [ERR_NOTE_LONG % {"max": NOTE_MAX}]})
    if has_id_number(note):
        raise ValidationError({field: [ERR_NOTE_ID]})
    return note
