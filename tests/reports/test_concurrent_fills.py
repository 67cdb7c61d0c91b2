"""Fills of one day run at the same moment (the nightly refill meeting a fill by hand):
each waits for the one before, none fails, and the day keeps one row per unit and metric."""

import datetime

import pytest

from shoumen.reports.models import DailyFigure
from shoumen.reports.services import figures_fill
from tests.concurrency import at_once, postgresql_only, world_for_threads
from tests.reports.conftest import BORN, TEST_METRICS

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

DAY = datetime.date(2020, 1, 1)


def test_fills_of_one_day_at_once_leave_the_rows_of_one_fill(test_metrics):
    world_for_threads()
    figures_fill(day=DAY, metrics=TEST_METRICS)
    once = set(DailyFigure.objects.values_list("unit_id", "date", "metric", "value"))

    results = at_once(lambda i: figures_fill(day=DAY, metrics=TEST_METRICS))

    assert {r["rows"] for r in results} == {len(once)}
    assert set(DailyFigure.objects.values_list("unit_id", "date", "metric", "value")) == once
    assert DailyFigure.objects.filter(unit__code="D1", metric=BORN).get().value == 4
