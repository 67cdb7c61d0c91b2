"""The demo's daily reports: each community confirmed its report on most of the 30 days
before the demo's day, mostly in the afternoon before the deadline and sometimes after
it; yesterday every community but the last two of the first street confirmed, so the
street's report shows who is missing. Streets confirm their summed report on the days
all their communities did. The figures sent are the stored daily figures of that day."""

import datetime
import random
from collections import defaultdict

from shoumen.accounts.models import RoleAssignment
from shoumen.accounts.roles import Role
from shoumen.lib.metrics import registered_metrics
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.daily import deadline_of, is_on_time, is_zero
from shoumen.reports.models import DailyFigure, DailyReport

DAYS = 30
# Of the other days, this share of the communities' reports is missing.
MISSING_SHARE = 0.04
LATE_SHARE = 0.08
REMARKS = ("", "", "", "", "已核实辖区数据。", "重点人员均已落实包保责任人。", "卡口物资充足。")


def _confirmer(units: list[OrgUnit]) -> dict[int, object]:
    """Unit id → a user holding a role there (the demo's community and street logins)."""
    roles = (Role.COMMUNITY_STAFF, Role.STREET_OFFICER)
    found = RoleAssignment.objects.filter(
        org_unit_id__in=[u.pk for u in units], role__in=roles
    ).select_related("user")
    by_unit: dict[int, object] = {}
    for assignment in found:
        by_unit.setdefault(assignment.org_unit_id, assignment.user)
    return by_unit


def _confirmed_at(rng: random.Random, day: datetime.date) -> datetime.datetime:
    deadline = deadline_of(day)
    if rng.random() < LATE_SHARE:
        return deadline + datetime.timedelta(minutes=rng.randint(5, 180))
    return deadline - datetime.timedelta(minutes=rng.randint(10, 240))


def demo_daily_reports_load(district: OrgUnit, *, day: datetime.date, seed: int) -> dict[str, int]:
    """Confirm the demo's reports of the DAYS days before ``day``; returns the count."""
    rng = random.Random(seed * 7 + 17)
    metrics = [m for m in registered_metrics() if m.level != Level.SCHOOL]
    names = [m.name for m in metrics]
    units = list(
        OrgUnit.objects.filter(
            path__startswith=district.path, level__in=(Level.COMMUNITY, Level.STREET)
        ).order_by("path")
    )
    communities = [u for u in units if u.level == Level.COMMUNITY]
    streets = [u for u in units if u.level == Level.STREET]
    first_street = [c for c in communities if streets and c.path.startswith(streets[0].path)]
    missing_yesterday = {c.pk for c in first_street[-2:]}
    days = [day - datetime.timedelta(days=back) for back in range(DAYS, 0, -1)]
    figures: dict[tuple[int, datetime.date], dict[str, float]] = defaultdict(dict)
    rows = DailyFigure.objects.filter(unit__in=units, date__in=days, metric__in=names).values_list(
        "unit_id", "date", "metric", "value"
    )
    for unit_id, date, metric, value in rows:
        figures[(unit_id, date)][metric] = value
    confirmer = _confirmer(units)
    reports = []
    for date in days:
        yesterday = date == days[-1]
        confirmed = set()
        for community in communities:
            if yesterday and community.pk in missing_yesterday:
                continue
            if not yesterday and rng.random() < MISSING_SHARE:
                continue
            confirmed.add(community.pk)
            reports.append(_report(rng, community, date, figures, metrics, confirmer))
        for street in streets:
            mine = [c for c in communities if c.path.startswith(street.path)]
            if mine and all(c.pk in confirmed for c in mine):
                summed: dict[str, float] = defaultdict(float)
                for c in mine:
                    for name, value in figures[(c.pk, date)].items():
                        summed[name] += value
                figures[(street.pk, date)] = dict(summed)
                reports.append(_report(rng, street, date, figures, metrics, confirmer))
    DailyReport.objects.bulk_create(reports, batch_size=1000)
    return {"unit_reports": len(reports)}


def _report(rng, unit, date, figures, metrics, confirmer) -> DailyReport:
    values = figures[(unit.pk, date)]
    at = _confirmed_at(rng, date)
    return DailyReport(
        unit=unit,
        date=date,
        figures=values,
        zero=is_zero(metrics, values),
        remarks=rng.choice(REMARKS),
        confirmed_by=confirmer.get(unit.pk),
        confirmed_at=at,
        on_time=is_on_time(date, at),
    )
