"""GET /api/v1/metrics and /api/v1/metrics/catalogue."""

import datetime

import pytest
import time_machine
from django.conf import settings

from shoumen.reports.services import figures_fill
from tests.reports.conftest import BORN, PUPILS, TEST_METRICS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
NOON = datetime.datetime(2026, 11, 20, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


def figures(api, user, **params):
    params = {"metric": TEST_METRICS, **params}
    response = api(user).get("/metrics", **params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_metrics_gives_the_units_daily_values(world, api, test_metrics, at_noon):
    figures_fill(day=YESTERDAY, metrics=TEST_METRICS)

    items = figures(api, world.street_officer, unit="S1", **{"from": "2026-11-19", "to": TODAY})

    assert items == [
        {"unit": "S1", "date": "2026-11-19", "metric": BORN, "value": 4},
        {"unit": "S1", "date": "2026-11-19", "metric": PUPILS, "value": 4},
        {"unit": "S1", "date": "2026-11-20", "metric": BORN, "value": 4},
        {"unit": "S1", "date": "2026-11-20", "metric": PUPILS, "value": 4},
    ]


def test_metrics_with_children_gives_each_unit_under_it(world, api, test_metrics, at_noon):
    items = figures(api, world.community_staff, unit="C1", children="true", metric=[BORN])

    assert items == [
        {"unit": "G1", "date": "2026-11-20", "metric": BORN, "value": 3},
        {"unit": "G2", "date": "2026-11-20", "metric": BORN, "value": 1},
    ]


def test_metrics_defaults_to_the_last_seven_days(world, api, test_metrics, at_noon):
    for back in range(9):
        figures_fill(day=TODAY - datetime.timedelta(days=back), metrics=[BORN])

    items = figures(api, world.grid_worker, unit="G1", metric=[BORN])

    assert [i["date"] for i in items] == [f"2026-11-{d}" for d in range(14, 21)]


def test_metrics_of_a_unit_outside_the_scope_is_not_found(world, api, test_metrics, at_noon):
    assert api(world.neighbour_worker).get("/metrics", unit="G1").status_code == 404
    assert api(world.outsider).get("/metrics", unit="S1").status_code == 404
    assert api(world.street_officer).get("/metrics", unit="NOPE").status_code == 404


def test_metrics_refuses_a_role_that_sees_no_figures(world, api, test_metrics):
    assert api(world.volunteer).get("/metrics", unit="C1").status_code == 403
    assert api(world.volunteer).get("/metrics/catalogue").status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-20", "to": "2026-11-19"}, "from"),
        ({"from": "2026-08-01", "to": "2026-11-20"}, "to"),
        ({"from": "2026-11-31"}, "from"),
        ({"metric": "no.such"}, "metric"),
    ],
)
def test_metrics_refuses_bad_dates_and_unknown_metrics(
    world, api, test_metrics, at_noon, params, field
):
    response = api(world.street_officer).get("/metrics", unit="S1", **params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


def test_metrics_takes_a_range_of_92_days(world, api, test_metrics, at_noon):
    params = {"from": "2026-08-21", "to": "2026-11-20", "metric": BORN}
    assert api(world.street_officer).get("/metrics", unit="S1", **params).status_code == 200


def test_catalogue_labels_metrics_in_the_request_language(world, api, test_metrics):
    client = api(world.district_officer)

    chinese = {m["name"]: m for m in client.get("/metrics/catalogue").json()["items"]}
    client.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = {m["name"]: m for m in client.get("/metrics/catalogue").json()["items"]}

    assert chinese[BORN] == {"name": BORN, "label": "网格", "unit": "persons", "level": "grid"}
    assert english[BORN]["label"] == "Grid"
    assert english[PUPILS] == {
        "name": PUPILS,
        "label": "School",
        "unit": "pupils",
        "level": "school",
    }


def test_catalogue_of_the_school_roles_lists_the_schools_metrics_only(world, api, test_metrics):
    items = api(world.education_officer).get("/metrics/catalogue").json()["items"]
    assert BORN not in {m["name"] for m in items}
    assert {m["level"] for m in items} == {"school"}


def test_the_cdc_s_catalogue_adds_the_health_centre_s_indicators_only(world, api, test_metrics):
    items = api(world.cdc_officer).get("/metrics/catalogue").json()["items"]
    assert BORN not in {m["name"] for m in items}
    grid_level = {m["name"] for m in items if m["level"] == "grid"}
    assert grid_level and all(name.startswith("health.") for name in grid_level)
