"""Reporting rates, as DHIS2 counts them: expected = schools × school days, actual =
confirmed reports, on time = confirmed by the deadline; per school, summed up the tree
(street, district), per day and per ISO week. Only schools in the actor's scope count."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.lib.dates import today
from shoumen.lib.rates import (
    Rate,
    ReporterRate,
    UnitRate,
    by_week,
    days_between,
    period_check,
    total_of,
    units_rolled_up,
)
from shoumen.places.models import Level, OrgUnit
from shoumen.schools import calendar
from shoumen.schools.models import DailyReport, School
from shoumen.schools.selectors import schools_visible_to

SCHOOL_DAILY = "school_daily"
KINDS = (SCHOOL_DAILY,)
ERR_UNKNOWN_KIND = _("Unknown kind of report: %(kind)s.")
ROLLUP_LEVELS = (Level.DISTRICT, Level.STREET)


@dataclass(kw_only=True)
class SchoolRate(ReporterRate):
    school: School


@dataclass
class Rates:
    kind: str
    unit: OrgUnit
    start: datetime.date
    end: datetime.date
    total: Rate
    schools: list[SchoolRate]
    units: list[UnitRate]  # the unit and the streets and districts under it, tree order
    days: list[tuple[datetime.date, Rate]]
    weeks: list[tuple[str, datetime.date, Rate]]  # ("2026-W49", its Monday, rate)


def reporting_rates(
    *,
    actor,
    kind: str = SCHOOL_DAILY,
    unit: OrgUnit,
    start: datetime.date,
    end: datetime.date,
) -> Rates:
    """Rates of ``unit``'s schools in the actor's scope from ``start`` to ``end``; days
    still to come expect nothing. Three queries, whatever the number of schools."""
    if kind not in KINDS:
        raise ValidationError({"kind": [ERR_UNKNOWN_KIND % {"kind": kind}]})
    period_check(start, end)
    schools = list(
        schools_visible_to(actor, Perm.VIEW_SCHOOLS)
        .filter(unit__path__startswith=unit.path)
        .order_by("unit__path")
    )
    last = min(end, today())
    working = [d for d in days_between(start, last) if calendar.is_working_day(d)]
    terms = calendar.terms_of(s.pk for s in schools)
    reports = {
        (school_id, day): punctual
        for school_id, day, punctual in DailyReport.objects.filter(
            school_id__in=[s.pk for s in schools], date__gte=start, date__lte=last
        ).values_list("school_id", "date", "on_time")
    }
    by_day = {d: Rate() for d in days_between(start, end)}
    rows: list[SchoolRate] = []
    for school in schools:
        row = SchoolRate(school=school)
        school_terms = terms.get(school.pk)
        for day in working:
            if not school_terms or calendar.in_term(school_terms, day):
                row.count(day, by_day[day], reports.get((school.pk, day)))
        rows.append(row)
    return Rates(
        kind=kind,
        unit=unit,
        start=start,
        end=end,
        total=total_of(rows),
        schools=rows,
        units=_rolled_up(unit, rows),
        days=list(by_day.items()),
        weeks=by_week(by_day),
    )


def _rolled_up(unit: OrgUnit, rows) -> list[UnitRate]:
    """The unit and each street or district under it, with its schools' sums."""
    nodes = OrgUnit.objects.filter(path__startswith=unit.path, level__in=ROLLUP_LEVELS)
    return units_rolled_up(
        unit, nodes.order_by("path"), ((row.school.unit.path, row) for row in rows)
    )
