"""Scheduled: tell each community's staff of the people on duty who have gone
``SHOUMEN_DUTY_REST_ALERT_DAYS`` days or more without a full day off. Once per person and
run of days on duty: the notice's key names the person and the first day of the run, and a
later run that finds the key sent says nothing again; after a day off, a new run that
passes the limit is told anew.

The inbox shows the person's name (kept in the message's words); the title stored for the
email and SMS copies, which leave the system, leaves the name out."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from shoumen.alerts.models import Notification
from shoumen.alerts.notify import notify
from shoumen.checkpoints.selectors import community_staff_of
from shoumen.duty.models import Roster, RosterStatus
from shoumen.duty.rest import RestRow, rest_watch
from shoumen.places.models import OrgUnit

TITLE_KEY = "duty.rest.past_limit"
BODY_KEY = "duty.rest.past_limit.body"
TITLE_PAST_LIMIT = _("%(community)s: %(person)s has been on duty %(days)d days without a day off")
# The title kept for the email and SMS copies: no name leaves the system.
TITLE_COPY = _("%(community)s: someone on duty has gone %(days)d days without a day off")
BODY_PAST_LIMIT = _(
    "Arrange a day off: issue a rest notice from the rest watch of %(community)s (duty, rest)."
)


def notice_key(row: RestRow) -> str:
    """The person and the first day of their run; a run longer than the look-back has no
    known first day (it would move every day), so it is told of once more as "long"."""
    start = "long" if row.capped else row.streak_start
    return f"{TITLE_KEY}:{row.person.pk}:{start}"


def _sent(keys: list[str]) -> set[str]:
    if not keys:
        return set()
    rows = Notification.objects.filter(words__key__in=keys).values_list("words", flat=True)
    return {words["key"] for words in rows}


def _communities_on_duty(day: datetime.date) -> list[OrgUnit]:
    """Communities with a published roster covering ``day``: nobody elsewhere is on duty
    today, so nobody elsewhere is on a run of days."""
    ids = Roster.objects.filter(
        status=RosterStatus.PUBLISHED, starts_on__lte=day, ends_on__gte=day
    ).values("community_id")
    return list(OrgUnit.objects.filter(pk__in=ids).order_by("path"))


@transaction.atomic
def rest_alerts_notify(*, now: datetime.datetime | None = None) -> int:
    """Notices to community staff of the people past the limit on ``now``'s day; returns
    how many people were told of."""
    day = timezone.localdate(now or timezone.now())
    told = 0
    with translation.override(settings.LANGUAGE_CODE):
        for community in _communities_on_duty(day):
            rows = [r for r in rest_watch(community, day) if r.past_limit]
            if not rows:
                continue
            sent = _sent([notice_key(r) for r in rows])
            fresh = [r for r in rows if notice_key(r) not in sent]
            staff = community_staff_of(community) if fresh else []
            if not staff:
                continue
            for row in fresh:
                kept = {
                    "community": community.name,
                    "person": row.person.name,
                    "days": row.days_without_rest,
                }
                body = {"community": community.name}
                notify(
                    recipients=staff,
                    title=str(TITLE_COPY % kept),
                    body=str(BODY_PAST_LIMIT % body),
                    words={
                        "title": [TITLE_KEY, kept],
                        "body": [BODY_KEY, body],
                        "key": notice_key(row),
                        "day": day.isoformat(),
                    },
                )
                told += 1
    return told


@task()
def rest_alerts_notify_task() -> int:
    return rest_alerts_notify()
