"""School days: China's working days (public holidays off, make-up workdays (调休) on, from
the ``holidays`` package) within the school's terms. A school with no terms recorded
follows the working calendar alone."""

import datetime

from shoumen.lib.workdays import is_working_day
from shoumen.schools.models import School, Term


def terms_of(school_ids) -> dict[int, list[tuple[datetime.date, datetime.date]]]:
    found: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
    for school_id, start, end in Term.objects.filter(school_id__in=list(school_ids)).values_list(
        "school_id", "starts_on", "ends_on"
    ):
        found.setdefault(school_id, []).append((start, end))
    return found


def in_term(terms: list[tuple[datetime.date, datetime.date]] | None, day: datetime.date) -> bool:
    return not terms or any(start <= day <= end for start, end in terms)


def is_school_day(school: School, day: datetime.date, terms=None) -> bool:
    """Whether ``school`` holds classes on ``day``; pass ``terms`` (from ``terms_of``) when
    asking for many days."""
    if terms is None:
        terms = terms_of([school.pk]).get(school.pk)
    return is_working_day(day) and in_term(terms, day)


def school_days(
    school: School, start: datetime.date, end: datetime.date, terms=None
) -> list[datetime.date]:
    """The school days from ``start`` to ``end``, both included."""
    if terms is None:
        terms = terms_of([school.pk]).get(school.pk)
    days, day = [], start
    while day <= end:
        if is_working_day(day) and in_term(terms, day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def school_days_between(school: School, earlier: datetime.date, later: datetime.date) -> int:
    """How many school days after ``earlier`` ``later`` is (0 on the same day)."""
    if later <= earlier:
        return 0
    return len(school_days(school, earlier + datetime.timedelta(days=1), later))
