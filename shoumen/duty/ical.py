"""One person's shifts as an iCalendar feed (RFC 5545) for their phone's calendar. It names
the post and the shift and nobody but the person themselves: no team-mates, no phone
numbers, no notes."""

import datetime
from functools import cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from shoumen.duty.models import Assignment, DutyPerson

PRODID = "-//Shoumen//Duty rosters//ZH"
UID_DOMAIN = "duty.shoumen"


@cache
def _vtimezone(tzid: str) -> Timezone:
    return Timezone.from_tzid(
        tzid, first_date=datetime.date(2020, 1, 1), last_date=datetime.date(2040, 1, 1)
    )


def assignment_uid(assignment: Assignment) -> str:
    """Stable for the life of the assignment: a calendar updates the event, never doubles
    it."""
    return f"assignment-{assignment.pk}@{UID_DOMAIN}"


def summary_of(assignment: Assignment) -> str:
    return f"{assignment.shift.post.name} {assignment.shift.label}"


def calendar_of(person: DutyPerson, assignments: list[Assignment]) -> bytes:
    """The feed of ``person``: one event per shift, times in the project's time zone (with
    its VTIMEZONE); a shift called in sick stays, cancelled."""
    tzid = settings.TIME_ZONE
    zone = timezone.get_default_timezone()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Duty shifts of %(name)s") % {"name": person.name})
    cal.add("x-wr-timezone", tzid)
    cal.add_component(_vtimezone(tzid))
    stamp = timezone.now()
    for a in assignments:
        event = Event()
        event.add("uid", assignment_uid(a))
        event.add("dtstamp", stamp)
        event.add("dtstart", a.starts_at.astimezone(zone))
        event.add("dtend", a.ends_at.astimezone(zone))
        summary = summary_of(a)
        if a.absent:
            summary = _("Called in sick: %(shift)s") % {"shift": summary}
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        event.add("summary", summary)
        event.add("location", a.shift.post.name)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
