"""Work points (量化积分): the default points for each kind of recorded work, used while a
centre has no rule of its own for it (the rules page creates the missing rules from these).

- a follow-up done on time (on or before the day the previous follow-up set; a patient's
  first follow-up counts as on time): 2; done late: 1;
- a contract signed: 3; renewed: 2 (to whoever confirmed it, else the team's doctor);
- an elderly check recorded: 2;
- a referral followed up by the check day it set (as the indicators count it, see
  followup_counts): 3, to the doctor of the follow-up that checked it;
- satisfaction: 1 point for each point of the month's average rating (1–5), from
  ``SHOUMEN_SURVEY_MIN_RATINGS`` ratings on (fewer count nothing)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from shoumen.healthcentre.models import PointActivity

DEFAULT_POINTS: dict[str, Decimal] = {
    PointActivity.FOLLOW_UP_ON_TIME: Decimal("2"),
    PointActivity.FOLLOW_UP_LATE: Decimal("1"),
    PointActivity.CONTRACT_SIGNED: Decimal("3"),
    PointActivity.CONTRACT_RENEWED: Decimal("2"),
    PointActivity.ELDERLY_CHECK_DONE: Decimal("2"),
    PointActivity.REFERRAL_FOLLOWED_UP: Decimal("3"),
    PointActivity.SATISFACTION_POINT: Decimal("1"),
}


def month_days(first: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The month's first day and the next month's first day."""
    first = first.replace(day=1)
    return first, (first + datetime.timedelta(days=32)).replace(day=1)


def month_times(first: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = month_days(first)

    def at(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))

    return at(start), at(end)


def parse_month(value: str | None) -> datetime.date | None:
    """The first day of "YYYY-MM", or None when it is not a month."""
    try:
        return datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return None
