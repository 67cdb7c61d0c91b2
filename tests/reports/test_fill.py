"""Filling the daily figures: hand counts on the persona world for each grid and school,
sums up the tree, idempotent refills, late data, and the scheduled jobs.

Residents' birth dates: G1 单明 1985, 曾丽 1950, 单小宝 2022; G2 王刚 1990; G4 李强 1977;
G3 nobody. Pupils: SCH1 four (K1 three, K2 one), SCH2 one."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from shoumen.places.models import OrgUnit
from shoumen.registry.household_services import household_create
from shoumen.registry.models import DocumentType
from shoumen.registry.services import person_register
from shoumen.reports.models import DailyFigure
from shoumen.reports.services import UnknownMetricError, figures_fill
from shoumen.reports.tasks import figures_fill_yesterday_task, figures_refill_week_task
from tests.reports.conftest import BORN, PUPILS, TEST_METRICS

pytestmark = pytest.mark.django_db

DAY = datetime.date(2020, 1, 1)  # before 单小宝 was born
LATER = datetime.date(2026, 11, 20)
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

BORN_BY_2020 = {"G1": 2, "G2": 1, "G4": 1, "C1": 3, "C3": 1, "S1": 3, "S2": 1, "D1": 4}
BORN_BY_2026 = {**BORN_BY_2020, "G1": 3, "C1": 4, "S1": 4, "D1": 5}
PUPILS_EVERY_DAY = {"SCH1": 4, "SCH2": 1, "S1": 4, "S2": 1, "D1": 5}


def stored(metric: str, day: datetime.date) -> dict[str, float]:
    rows = DailyFigure.objects.filter(metric=metric, date=day).values_list("unit__code", "value")
    return dict(rows)


def rows_of(day: datetime.date) -> set[tuple]:
    return set(
        DailyFigure.objects.filter(date=day, metric__in=TEST_METRICS).values_list(
            "unit_id", "metric", "value"
        )
    )


def newcomer_in_g3(world, born=datetime.date(1980, 5, 5)):
    household = household_create(actor=world.admin_user, grid=world.unit("G3"), address="永安里3号")
    return person_register(
        actor=world.admin_user,
        household=household,
        name="周新",
        sex="F",
        birth_date=born,
        document_type=DocumentType.NONE,
    )


def test_fill_stores_each_grid_count_and_each_ancestor_sum(world, test_metrics):
    counts = figures_fill(day=DAY, metrics=TEST_METRICS)

    assert stored(BORN, DAY) == BORN_BY_2020
    assert stored(PUPILS, DAY) == PUPILS_EVERY_DAY
    assert counts["metrics"] == 2
    assert counts["rows"] == len(BORN_BY_2020) + len(PUPILS_EVERY_DAY)


def test_each_day_has_its_own_figures(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)
    figures_fill(day=LATER, metrics=TEST_METRICS)

    assert stored(BORN, DAY) == BORN_BY_2020
    assert stored(BORN, LATER) == BORN_BY_2026


def test_zero_values_are_not_stored(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)

    # Nobody lives in G3, so its community C2 has nothing either.
    empty = DailyFigure.objects.filter(unit__code__in=["G3", "C2"], metric=BORN)
    assert not empty.exists()
    assert not DailyFigure.objects.filter(value=0).exists()


def test_each_units_figure_is_the_sum_of_the_units_under_it(world, test_metrics):
    figures_fill(day=LATER, metrics=TEST_METRICS)

    for metric in TEST_METRICS:
        values = {f.unit_id: f.value for f in DailyFigure.objects.filter(metric=metric, date=LATER)}
        for unit in OrgUnit.objects.filter(id__in=values):
            children = OrgUnit.objects.filter(
                path__startswith=unit.path, depth=unit.depth + 1
            ).values_list("id", flat=True)
            if not children or unit.level in ("grid", "school"):
                continue
            assert values[unit.pk] == sum(values.get(c, 0) for c in children), unit.code


def test_a_refill_gives_the_same_rows(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)
    first = rows_of(DAY)

    counts = figures_fill(day=DAY, metrics=TEST_METRICS)

    assert rows_of(DAY) == first
    assert counts["deleted"] == counts["rows"] == len(first)


def test_late_data_for_a_past_day_is_taken_in_by_a_refill(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)
    figures_fill(day=LATER, metrics=TEST_METRICS)
    newcomer_in_g3(world)

    figures_fill(day=DAY, metrics=TEST_METRICS)

    assert stored(BORN, DAY) == {**BORN_BY_2020, "G3": 1, "C2": 1, "S1": 4, "D1": 5}
    # The day not filled again keeps its figures.
    assert stored(BORN, LATER) == BORN_BY_2026


def test_a_refill_of_one_grid_sums_its_ancestors_again_with_the_other_grids(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)
    newcomer_in_g3(world)
    # A newcomer in G1 too, which this refill of G3 only does not look at.
    person_register(
        actor=world.admin_user,
        household=world.household_a,
        name="单二宝",
        sex="F",
        birth_date=datetime.date(1999, 1, 1),
        document_type=DocumentType.NONE,
    )

    figures_fill(day=DAY, metrics=[BORN], unit_ids=[world.unit("G3").pk])

    assert stored(BORN, DAY) == {**BORN_BY_2020, "G3": 1, "C2": 1, "S1": 4, "D1": 5}
    assert stored(PUPILS, DAY) == PUPILS_EVERY_DAY


def test_a_refill_of_a_community_computes_its_grids_again(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)
    newcomer_in_g3(world)

    counts = figures_fill(day=DAY, metrics=[BORN], unit_ids=[world.unit("C2").pk])

    assert counts["leaves"] == 1
    assert stored(BORN, DAY) == {**BORN_BY_2020, "G3": 1, "C2": 1, "S1": 4, "D1": 5}


def test_a_fill_leaves_other_metrics_alone(world, test_metrics):
    figures_fill(day=DAY, metrics=TEST_METRICS)
    DailyFigure.objects.create(unit=world.unit("D1"), date=DAY, metric="other.kept", value=7)

    figures_fill(day=DAY, metrics=[BORN])

    assert stored("other.kept", DAY) == {"D1": 7}
    assert stored(PUPILS, DAY) == PUPILS_EVERY_DAY


def test_an_unknown_metric_is_refused_and_nothing_is_written(world, test_metrics):
    with pytest.raises(UnknownMetricError):
        figures_fill(day=DAY, metrics=[BORN, "no.such"])
    assert not DailyFigure.objects.exists()


def _queries_of_a_fill() -> int:
    with CaptureQueriesContext(connection) as queries:
        figures_fill(day=DAY, metrics=TEST_METRICS)
    return len(queries)


def test_a_fill_runs_a_fixed_number_of_queries_whatever_the_units(world, test_metrics):
    before = _queries_of_a_fill()
    community = world.unit("C2")
    for n in range(3):
        grid = OrgUnit.objects.add_child(
            community, create_kwargs={"code": f"GX{n}", "name": f"新网格{n}", "level": "grid"}
        )
        household = household_create(actor=world.admin_user, grid=grid, address=f"新址{n}号")
        person_register(
            actor=world.admin_user,
            household=household,
            name=f"新人{n}",
            sex="M",
            birth_date=datetime.date(1970, 1, 1),
            document_type=DocumentType.NONE,
        )

    assert _queries_of_a_fill() == before
    assert stored(BORN, DAY)["C2"] == 3
    # The tree, one compute per metric, the delete and the insert, in a transaction.
    assert before <= 8


def test_the_nightly_jobs_fill_yesterday_and_the_week_before(world, test_metrics, monkeypatch):
    monkeypatch.setattr("shoumen.lib.metrics._metrics", dict(test_metrics))
    night = datetime.datetime(2026, 11, 21, 0, 20, tzinfo=SHANGHAI)
    with time_machine.travel(night, tick=False):
        figures_fill_yesterday_task.call()
    days = set(DailyFigure.objects.values_list("date", flat=True))
    assert days == {LATER}

    with time_machine.travel(night, tick=False):
        result = figures_refill_week_task.call()
    days = set(DailyFigure.objects.values_list("date", flat=True))
    assert days == {LATER - datetime.timedelta(days=n) for n in range(7)}
    total = DailyFigure.objects.filter(unit__code="D1", metric=BORN).aggregate(s=Sum("value"))
    assert total["s"] == 7 * 5
    assert result["days"] == 7
