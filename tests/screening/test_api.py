"""Screening over the API: rounds listed and created in scope, a round's tasks paginated
and scoped, and visits recorded idempotently on their client UUID."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.observation.models import HealthReport
from shoumen.screening.models import ScreeningRound, TaskStatus, Visit, VisitTask
from shoumen.screening.services import round_create

TZ = datetime.timezone(datetime.timedelta(hours=8))
NOW = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=TZ)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def api(user):
    _token, raw = api_token_create(actor=None, user=user)
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def call(method, path, body=None, **params):
        url = "/api/v1" + path
        if body is None:
            return client.get(url, params)
        return client.generic(method, url, json.dumps(body), content_type="application/json")

    return call


@pytest.fixture
def round_(world):
    return round_create(
        actor=world.street_officer,
        scope=world.street,
        name="街道走访",
        starts_on=TODAY,
        ends_on=TODAY,
    )


def test_creating_a_round_over_a_community(world):
    response = api(world.community_staff)(
        "POST",
        "/screening-rounds",
        {
            "scope": "C1",
            "name": "第一轮",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-22",
            "questions": ["risk_travel", "symptoms"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scope"], body["questionnaire_version"]) == ("C1", 1)
    assert [q["code"] for q in body["questions"]] == ["risk_travel", "symptoms"]
    assert ScreeningRound.objects.get(pk=body["id"]).tasks.count() == 2


def test_a_round_with_an_unknown_question_or_bad_dates_is_refused(world):
    call = api(world.community_staff)
    base = {"scope": "C1", "name": "x", "starts_on": "2026-11-20", "ends_on": "2026-11-20"}
    unknown = call("POST", "/screening-rounds", {**base, "questions": ["favourite_colour"]})
    assert unknown.status_code == 422
    assert list(unknown.json()["errors"]) == ["questions"]
    backwards = call(
        "POST", "/screening-rounds", {**base, "ends_on": "2026-11-19", "questions": ["symptoms"]}
    )
    assert list(backwards.json()["errors"]) == ["ends_on"]
    assert not ScreeningRound.objects.exists()


def test_tasks_are_scoped_and_paginated(world, round_):
    worker = api(world.grid_worker)("GET", f"/screening-rounds/{round_.pk}/tasks")
    assert worker.status_code == 200
    assert {t["grid"] for t in worker.json()["items"]} == {"G1"}
    officer = api(world.street_officer)
    first = officer("GET", f"/screening-rounds/{round_.pk}/tasks", limit=1)
    second = officer("GET", f"/screening-rounds/{round_.pk}/tasks", limit=1, offset=1)
    assert first.json()["count"] == second.json()["count"] == 2
    assert first.json()["items"][0]["id"] != second.json()["items"][0]["id"]
    assert first.json()["items"][0]["head_masked"] in {"单*", "王*"}
    assert api(world.outsider)("GET", f"/screening-rounds/{round_.pk}/tasks").status_code == 404


def test_a_visit_is_recorded_once_and_replays_answer_200(world, round_):
    task = VisitTask.objects.get(round=round_, household=world.household_a)
    shan = world.shan
    body = {
        "task": task.pk,
        "client_uuid": str(uuid.uuid4()),
        "outcome": "visited",
        "method": "phone",
        "answers": {"risk_travel": True, "risk_area": "某市", "arrival_date": "2026-11-19"},
        "members_present": [shan.pk],
        "member_reports": [{"person": shan.pk, "temperature": "37.8", "symptoms": ["cough"]}],
    }
    call = api(world.grid_worker)
    first = call("POST", "/visits", body)
    assert first.status_code == 201, first.content
    again = call("POST", "/visits", {**body, "outcome": "refused"})
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["outcome"] == "visited"
    task.refresh_from_db()
    assert (task.status, task.attempts, task.returnee_found) == (TaskStatus.VISITED, 1, True)
    assert Visit.objects.count() == 1
    assert HealthReport.objects.filter(person=shan).count() == 1


def test_a_visit_with_a_badly_typed_answer_changes_nothing(world, round_):
    task = VisitTask.objects.get(round=round_, household=world.household_a)
    response = api(world.grid_worker)(
        "POST",
        "/visits",
        {
            "task": task.pk,
            "client_uuid": str(uuid.uuid4()),
            "outcome": "visited",
            "method": "in_person",
            "answers": {"members_present": "three"},
        },
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["answers.members_present"]
    assert not Visit.objects.exists()


def test_the_neighbouring_worker_cannot_record_or_replay_a_visit(world, round_):
    task = VisitTask.objects.get(round=round_, household=world.household_a)
    body = {
        "task": task.pk,
        "client_uuid": str(uuid.uuid4()),
        "outcome": "nobody_home",
        "method": "in_person",
    }
    refused = api(world.neighbour_worker)("POST", "/visits", body)
    assert refused.status_code == 422
    assert list(refused.json()["errors"]) == ["task"]
    assert api(world.grid_worker)("POST", "/visits", body).status_code == 201
    assert api(world.neighbour_worker)("POST", "/visits", body).status_code == 404


def test_a_grid_worker_cannot_create_a_round_over_their_own_grid(world):
    response = api(world.grid_worker)(
        "POST",
        "/screening-rounds",
        {
            "scope": "G1",
            "name": "自建轮次",
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-20",
            "questions": ["symptoms"],
        },
    )
    assert response.status_code == 403
    assert not ScreeningRound.objects.exists()
