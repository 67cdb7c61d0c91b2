"""Reading the figures: past days from the stored rows, today live (and cached briefly),
for a unit or the units under it, scoped by the actor."""

import datetime

import pytest
import time_machine

from shoumen.lib import metrics as registry
from shoumen.places.models import OrgUnit
from shoumen.reports.models import FilledDay
from shoumen.reports.selectors import figures_of
from shoumen.reports.services import figures_fill
from shoumen.reports.tasks import figures_fill_today_task
from tests.reports.conftest import BORN, PUPILS, TEST_METRICS
from tests.reports.test_fill import newcomer_in_g3

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
NOON = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
YESTERDAY = TODAY - datetime.timedelta(days=1)
OLD = datetime.date(2020, 1, 1)


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def values(figures) -> dict[tuple[str, datetime.date, str], float]:
    return {(f.unit.code, f.date, f.metric): f.value for f in figures}


def test_past_days_come_from_the_stored_figures(world, test_metrics, at_noon):
    figures_fill(day=OLD, metrics=TEST_METRICS)
    figures_fill(day=YESTERDAY, metrics=TEST_METRICS)
    # Entered after the fill: not in the stored figures until a refill.
    newcomer_in_g3(world)

    got = figures_of(world.district_officer, world.unit("S1"), OLD, YESTERDAY, metrics=[BORN])

    assert values(got) == {("S1", OLD, BORN): 3, ("S1", YESTERDAY, BORN): 4}


def test_today_is_computed_live_from_the_leaves_under_the_unit(world, test_metrics, at_noon):
    newcomer_in_g3(world)

    got = figures_of(world.street_officer, world.street, YESTERDAY, TODAY, TEST_METRICS)

    # Nothing stored for yesterday; today counts the newcomer already.
    assert values(got) == {("S1", TODAY, BORN): 5, ("S1", TODAY, PUPILS): 4}


def test_todays_live_figures_are_kept_a_minute(world, test_metrics, monkeypatch):
    calls = []
    born = test_metrics[BORN]

    def counted(unit_ids, day):
        calls.append(day)
        return born.compute(unit_ids, day)

    monkeypatch.setitem(registry._metrics, BORN, registry.Metric(BORN, born.label, "p", counted))
    with time_machine.travel(NOON, tick=False):
        figures_of(world.community_staff, world.community, TODAY, TODAY, metrics=[BORN])
        figures_of(world.community_staff, world.community, TODAY, TODAY, metrics=[BORN])
    assert len(calls) == 1
    with time_machine.travel(NOON + datetime.timedelta(seconds=61), tick=False):
        figures_of(world.community_staff, world.community, TODAY, TODAY, metrics=[BORN])
    assert len(calls) == 2


def test_children_gives_each_unit_directly_under_the_unit(world, test_metrics, at_noon):
    figures_fill(day=YESTERDAY, metrics=TEST_METRICS)

    got = figures_of(
        world.street_officer, world.street, YESTERDAY, TODAY, metrics=TEST_METRICS, children=True
    )

    # S1 holds C1, C2 and the school SCH1; C2 has nobody, so no figure.
    assert values(got) == {
        ("C1", YESTERDAY, BORN): 4,
        ("C1", TODAY, BORN): 4,
        ("SCH1", YESTERDAY, PUPILS): 4,
        ("SCH1", TODAY, PUPILS): 4,
    }
    assert [f.unit.code for f in got] == sorted(f.unit.code for f in got)


def test_grid_worker_sees_the_figures_of_the_grid_only(world, test_metrics, at_noon):
    got = figures_of(world.grid_worker, world.grid_a, TODAY, TODAY, metrics=[BORN])
    assert values(got) == {("G1", TODAY, BORN): 3}
    for code in ("C1", "G2", "S2"):
        with pytest.raises(OrgUnit.DoesNotExist):
            figures_of(world.grid_worker, world.unit(code), TODAY, TODAY)


def test_neighbouring_grid_worker_cannot_see_grid_a(world, test_metrics, at_noon):
    with pytest.raises(OrgUnit.DoesNotExist):
        figures_of(world.neighbour_worker, world.grid_a, TODAY, TODAY)


def test_outsider_street_cannot_see_the_other_street(world, test_metrics, at_noon):
    with pytest.raises(OrgUnit.DoesNotExist):
        figures_of(world.outsider, world.street, TODAY, TODAY)


def test_volunteer_sees_no_figures(world, test_metrics, at_noon):
    with pytest.raises(OrgUnit.DoesNotExist):
        figures_of(world.volunteer, world.community, TODAY, TODAY)


def test_those_who_see_schools_only_get_the_schools_figures(world, test_metrics, at_noon):
    got = figures_of(world.education_officer, world.unit("D1"), TODAY, TODAY, TEST_METRICS)
    assert values(got) == {("D1", TODAY, PUPILS): 5}


def test_school_health_officer_sees_the_school_not_its_street(world, test_metrics, at_noon):
    got = figures_of(world.school_doctor, world.unit("SCH1"), TODAY, TODAY, TEST_METRICS)
    assert values(got) == {("SCH1", TODAY, PUPILS): 4}
    with pytest.raises(OrgUnit.DoesNotExist):
        figures_of(world.school_doctor, world.street, TODAY, TODAY)


def test_a_class_teacher_cannot_see_the_school(world, test_metrics, at_noon):
    with pytest.raises(OrgUnit.DoesNotExist):
        figures_of(world.teacher, world.unit("SCH1"), TODAY, TODAY)


def test_figures_of_a_street_and_its_units_run_a_fixed_number_of_queries(
    world, test_metrics, at_noon, django_assert_max_num_queries
):
    figures_fill(day=YESTERDAY, metrics=TEST_METRICS)
    officer, street = world.street_officer, world.street
    # The actor's assignments, the units under the street, whether today is filled, the
    # stored rows, the leaves under them and one compute per metric; the second call reads
    # today from the cache.
    with django_assert_max_num_queries(7):
        figures_of(officer, street, YESTERDAY, TODAY, TEST_METRICS, children=True)
    with django_assert_max_num_queries(3):
        figures_of(officer, street, YESTERDAY, TODAY, TEST_METRICS, children=True)


def test_today_is_read_from_a_fresh_fill_of_today(world, test_metrics, at_noon):
    figures_fill_today_task.call()
    # Entered after the fill: today's stored figures do not count it yet.
    newcomer_in_g3(world)

    got = figures_of(world.street_officer, world.street, TODAY, TODAY, [BORN])

    assert values(got) == {("S1", TODAY, BORN): 4}
    assert FilledDay.objects.get(date=TODAY).filled_at == NOON


def test_a_fill_of_today_older_than_the_setting_is_not_read(world, test_metrics, settings):
    settings.SHOUMEN_TODAY_FIGURES_SECONDS = 180
    with time_machine.travel(NOON, tick=False):
        figures_fill(day=TODAY)
        newcomer_in_g3(world)
    with time_machine.travel(NOON + datetime.timedelta(seconds=180), tick=False):
        fresh = figures_of(world.street_officer, world.street, TODAY, TODAY, [BORN])
    with time_machine.travel(NOON + datetime.timedelta(seconds=181), tick=False):
        stale = figures_of(world.street_officer, world.street, TODAY, TODAY, [BORN])

    assert values(fresh) == {("S1", TODAY, BORN): 4}
    assert values(stale) == {("S1", TODAY, BORN): 5}


def test_a_fill_of_some_metrics_or_units_does_not_mark_the_day_filled(world, test_metrics, at_noon):
    figures_fill(day=TODAY, metrics=[BORN])
    figures_fill(day=TODAY, unit_ids=[world.unit("G3").pk])
    newcomer_in_g3(world)

    got = figures_of(world.street_officer, world.street, TODAY, TODAY, [BORN])

    assert not FilledDay.objects.exists()
    assert values(got) == {("S1", TODAY, BORN): 5}
