"""Reporting rates, as DHIS2 counts them: expected = schools × school days, actual =
confirmed reports, on time = confirmed by the deadline; per school, summed up the tree
(street, district), per day and per ISO week. Only schools in the actor's scope count."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.accounts.roles import Perm
from shoumen.lib.dates import today
from shoumen.lib.rates import Rate, by_week, days_between
from shoumen.places.models import Level, OrgUnit
from shoumen.schools import calendar
from shoumen.schools.models import DailyReport, School
from shoumen.schools.selectors import schools_visible_to

SCHOOL_DAILY = "school_daily"
KINDS = (SCHOOL_DAILY,)
ERR_UNKNOWN_KIND = _("Unknown kind of report: %(kind)s.")
ERR_PERIOD = _("The period must end on or after its first day.")
ERR_PERIOD_TOO_LONG = _("Ask for at most %(days)d days at a time.")
MAX_DAYS = 400
ROLLUP_LEVELS = (Level.DISTRICT, Level.STREET)


@dataclass(kw_only=True)
class SchoolRate(Rate):
    school: School
    missing: list[datetime.date] = field(default_factory=list)
    late: list[datetime.date] = field(default_factory=list)


@dataclass(kw_only=True)
class UnitRate(Rate):
    unit: OrgUnit


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
    if end < start:
        raise ValidationError({"end": [ERR_PERIOD]})
    if (end - start).days >= MAX_DAYS:
        raise ValidationError({"end": [ERR_PERIOD_TOO_LONG % {"days": MAX_DAYS}]})
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
            if school_terms and not calendar.in_term(school_terms, day):
                continue
            rate = by_day[day]
            row.expected += 1
            rate.expected += 1
            punctual = reports.get((school.pk, day))
            if punctual is None:
                row.missing.append(day)
                continue
            row.actual += 1
            rate.actual += 1
            if punctual:
                row.on_time += 1
                rate.on_time += 1
            else:
                row.late.append(day)
        rows.append(row)
    total = Rate()
    for row in rows:
        total.add(row)
    return Rates(
        kind=kind,
        unit=unit,
        start=start,
        end=end,
        total=total,
        schools=rows,
        units=_rolled_up(unit, rows),
        days=list(by_day.items()),
        weeks=by_week(by_day),
    )


def _rolled_up(unit: OrgUnit, rows: list[SchoolRate]) -> list[UnitRate]:
    """The unit and each street or district under it, with its schools' sums."""
    nodes = OrgUnit.objects.filter(path__startswith=unit.path, level__in=ROLLUP_LEVELS)
    found = {n.path: UnitRate(unit=n) for n in nodes.order_by("path")}
    if unit.path not in found:
        found = {unit.path: UnitRate(unit=unit), **found}
    for row in rows:
        path = row.school.unit.path
        for node_path, node in found.items():
            if path.startswith(node_path):
                node.add(row)
    return list(found.values())
