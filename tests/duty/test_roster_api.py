"""Duty rosters over the API: solving (201, or 200 for the period's solve already
running), reading status, progress, figures, shortfalls and shifts with aware times,
publishing, the paginated list; bad input refused with nothing written; scope per
persona."""

import datetime

import pytest
import time_machine

from shoumen.accounts.services import api_token_create
from shoumen.audit.models import AuditEvent
from shoumen.duty.models import Roster, RosterStatus
from shoumen.duty.roster_services import ERR_NOT_SOLVED, ERR_PAST
from tests.api.conftest import ApiClient
from tests.duty.conftest import MONDAY, NOW
from tests.duty.roster_helpers import SUNDAY, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world):
    def _api(user) -> ApiClient:
        _token, raw = api_token_create(actor=None, user=user)
        return ApiClient(raw)

    return _api


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _body(duty, **extra) -> dict:
    return {
        "unit": duty.community.code,
        "starts_on": MONDAY.isoformat(),
        "ends_on": SUNDAY.isoformat(),
        "time_limit_seconds": 10,
        **extra,
    }


def test_solving_answers_201_with_the_solved_roster_and_its_shifts(api, world, duty):
    response = api(world.community_staff).post("/duty/rosters", _body(duty))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "solved"  # the immediate task backend solves in the request
    assert body["unit"] == "C1" and body["time_limit_seconds"] == 10
    assert len(body["assignments"]) == 35
    first = body["assignments"][0]
    assert set(first) >= {"post", "date", "shift", "person", "starts_at", "ends_at"}
    starts = datetime.datetime.fromisoformat(first["starts_at"])
    assert starts.tzinfo is not None
    assert body["figures"]["nights_gap"] is not None and body["progress"]
    assert body["shortfalls"] == []


def test_solving_in_the_worker_answers_solving_and_a_second_request_the_same_roster(
    api, world, duty, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = api(world.community_staff)
    first = client.post("/duty/rosters", _body(duty))
    assert first.status_code == 201 and first.json()["status"] == "solving"
    again = client.post("/duty/rosters", _body(duty))
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Roster.objects.count() == 1
    got = client.get(f"/duty/rosters/{first.json()['id']}")
    assert got.json()["status"] == "solving" and got.json()["assignments"] == []


def test_the_default_time_limit_comes_from_the_settings(api, world, duty, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.SHOUMEN_DUTY_SOLVE_SECONDS = 33
    body = _body(duty)
    del body["time_limit_seconds"]
    response = api(world.community_staff).post("/duty/rosters", body)
    assert response.json()["time_limit_seconds"] == 33


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-03-01"}, "ends_on"),
        ({"ends_on": "2026-03-30"}, "ends_on"),
        ({"starts_on": "2026-02-01", "ends_on": "2026-02-07"}, "ends_on"),
        ({"time_limit_seconds": 9}, "time_limit_seconds"),
        ({"time_limit_seconds": 121}, "time_limit_seconds"),
        ({"starts_on": "someday"}, "starts_on"),
        ({"starts_on": "9999-12-25", "ends_on": "9999-12-31"}, "starts_on"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_nothing_written(api, world, duty, change, field):
    response = api(world.community_staff).post("/duty/rosters", _body(duty, **change))
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert not Roster.objects.exists()


def test_a_past_period_says_why(api, world, duty):
    body = _body(duty, starts_on="2026-02-01", ends_on="2026-02-07")
    response = api(world.community_staff).post("/duty/rosters", body)
    assert response.json()["errors"]["ends_on"] == [str(ERR_PAST)]


def test_a_unit_that_is_not_a_community_of_mine_is_not_found(api, world, duty):
    assert (
        api(world.street_officer).post("/duty/rosters", _body(duty, unit="S1")).status_code == 404
    )
    assert api(world.outsider).post("/duty/rosters", _body(duty)).status_code == 404
    assert api(world.grid_worker).post("/duty/rosters", _body(duty)).status_code == 403
    assert not Roster.objects.exists()


def test_reading_a_roster_gives_its_shortfalls_in_words(api, world, duty):
    roster = Roster.objects.create(
        community=duty.community,
        starts_on=MONDAY,
        ends_on=SUNDAY,
        status=RosterStatus.INFEASIBLE,
        shortfalls=[
            {
                "post": duty.gate.pk,
                "date": "2026-03-02",
                "shift": "N",
                "missing": 1,
                "text": "北门卡点 3月2日 夜班 缺1人",
            }
        ],
    )
    body = api(world.street_officer).get(f"/duty/rosters/{roster.pk}").json()
    assert body["status"] == "infeasible"
    assert body["shortfalls"][0]["text"] == "北门卡点 3月2日 夜班 缺1人"


def test_publishing_over_the_api_and_twice_changes_nothing(api, world, duty):
    roster = written(duty)
    client = api(world.community_staff)
    first = client.post(f"/duty/rosters/{roster.pk}/publish", {})
    assert first.status_code == 200 and first.json()["status"] == "published"
    assert first.json()["published_at"]
    again = client.post(f"/duty/rosters/{roster.pk}/publish", {})
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="roster.publish").count() == 1


def test_publishing_a_roster_not_solved_is_refused(api, world, duty):
    roster = written(duty, status=RosterStatus.INFEASIBLE)
    response = api(world.community_staff).post(f"/duty/rosters/{roster.pk}/publish", {})
    assert response.status_code == 422
    assert response.json()["errors"]["__all__"] == [str(ERR_NOT_SOLVED)]


def test_the_list_is_paginated_newest_period_first_and_filtered_by_unit(api, world, duty):
    rosters = [
        written(
            duty,
            start=MONDAY + datetime.timedelta(days=7 * i),
            end=MONDAY + datetime.timedelta(days=7 * i),
        )
        for i in range(3)
    ]
    client = api(world.district_officer)
    page = client.get("/duty/rosters", unit="C1", limit=2).json()
    assert page["count"] == 3
    assert [r["id"] for r in page["items"]] == [rosters[2].pk, rosters[1].pk]
    rest = client.get("/duty/rosters", unit="C1", limit=2, offset=2).json()
    assert [r["id"] for r in rest["items"]] == [rosters[0].pk]
    assert client.get("/duty/rosters", unit="C2").json()["count"] == 0
    assert client.get("/duty/rosters").json()["count"] == 3
    assert api(world.outsider).get("/duty/rosters").json()["count"] == 0
    assert api(world.outsider).get("/duty/rosters", unit="C1").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("admin_user", 200),
        ("district_officer", 200),
        ("street_officer", 200),
        ("community_staff", 200),
        ("outsider", 404),
        ("grid_worker", 403),
        ("volunteer", 403),
        ("principal", 403),
    ],
)
def test_who_reads_a_roster(api, world, duty, persona, status):
    roster = written(duty, end=MONDAY)
    assert api(getattr(world, persona)).get(f"/duty/rosters/{roster.pk}").status_code == status
