"""The home's ways into duty rosters: one's own next shift for anyone on duty, and the duty
pages for those who manage a community's rosters."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.duty.models import Assignment
from shoumen.duty.rest import RestSummary, rest_summary
from shoumen.duty.selectors import me_on_duty, shifts_of
from shoumen.lib.dates import today
from shoumen.places.models import Level, OrgUnit


@dataclass
class MyDuty:
    current: Assignment | None  # the shift under way
    next: Assignment | None  # the next one to come


def my_duty(user, *, now: datetime.datetime) -> MyDuty | None:
    """The user's shift under way and the next one (None when they stand no duty)."""
    people = me_on_duty(user)
    if not people:
        return None
    day = timezone.localdate(now)
    rows = shifts_of(people, day - datetime.timedelta(days=1), day + datetime.timedelta(days=14))
    current = next_one = None
    for a in rows.filter(absent=False, ends_at__gt=now):
        if a.starts_at <= now and current is None:
            current = a
        elif a.starts_at > now:
            next_one = a
            break
    return MyDuty(current, next_one)


@dataclass
class DutyLink:
    community: OrgUnit | None  # None: the list of the communities under an officer
    rest: RestSummary | None  # the community's rest watch in short


def duty_link(user, communities: list[OrgUnit]) -> DutyLink | None:
    """Where the home's duty button leads: the duty of the one community the user manages,
    with who has gone too long without a day off; the communities' list for officers; None
    without the right."""
    if not can(user, Perm.MANAGE_DUTY):
        return None
    mine = [u for u in communities if u.level == Level.COMMUNITY]
    if len(mine) == 1 and can(user, Perm.MANAGE_DUTY, mine[0]):
        return DutyLink(mine[0], rest_summary(mine[0], today()))
    return DutyLink(None, None)
