"""The one place that says what day it is in Shoumen's time zone."""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    return timezone.localdate()


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
