"""The demo's daily reports: yesterday every community but two confirmed; earlier days
mostly confirmed, a few late; the figures sent are the stored figures of the day."""

import datetime

import pytest

from shoumen.demo.load import demo_load
from shoumen.demo.plan import DEMO_DISTRICT_CODE, street_code
from shoumen.places.models import Level, OrgUnit
from shoumen.reports.models import DailyFigure, DailyReport

DAY = datetime.date(2026, 6, 1)
YESTERDAY = DAY - datetime.timedelta(days=1)
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(db):
    return demo_load(size="small", seed=7, password=PASSWORD, day=DAY)


def _communities():
    district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
    return OrgUnit.objects.filter(path__startswith=district.path, level=Level.COMMUNITY)


def test_yesterday_all_communities_but_two_of_the_first_street_confirmed(demo):
    communities = _communities()
    confirmed = set(
        DailyReport.objects.filter(date=YESTERDAY, unit__in=communities).values_list(
            "unit_id", flat=True
        )
    )
    missing = [c for c in communities if c.pk not in confirmed]
    assert len(missing) == 2
    first_street = OrgUnit.objects.get(code=street_code(1))
    assert all(c.path.startswith(first_street.path) for c in missing)
    assert demo.counts["unit_reports"] == DailyReport.objects.count()


def test_earlier_days_are_mostly_confirmed_some_late_none_today(demo):
    reports = DailyReport.objects.filter(unit__in=_communities())
    days = set(reports.values_list("date", flat=True))
    assert min(days) == DAY - datetime.timedelta(days=30) and max(days) == YESTERDAY
    assert reports.filter(on_time=False).exists() and reports.filter(on_time=True).exists()
    assert reports.count() >= 0.9 * _communities().count() * 30 - 2
    assert not DailyReport.objects.filter(date__gte=DAY).exists()


def test_the_figures_sent_are_the_days_stored_figures(demo):
    report = (
        DailyReport.objects.filter(unit__in=_communities(), date=YESTERDAY)
        .exclude(figures={})
        .first()
    )
    stored = dict(
        DailyFigure.objects.filter(
            unit=report.unit, date=YESTERDAY, metric__in=list(report.figures)
        ).values_list("metric", "value")
    )
    assert report.figures == stored
