"""Checking in over the API (201 new, 200 replay, 409 another check of the same kind) and
one's shifts with aware times."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.duty.models import CheckIn
from tests.duty.conftest import MONDAY, NOW
from tests.duty.my_helpers import assign, roster, shift

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    _token, raw = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _post(user, body):
    with time_machine.travel(NOW, tick=False):
        return _client(user).post(
            "/api/v1/duty/check-ins", json.dumps(body), content_type="application/json"
        )


@pytest.fixture
def gate_shift(duty):
    return assign(roster(duty), shift(duty.gate, "D"), duty.volunteer)  # 08:00–16:00


def test_a_check_in_answers_201_and_its_replay_200_with_the_same_record(world, gate_shift):
    body = {"client_uuid": str(uuid.uuid4()), "assignment": gate_shift.pk, "kind": "in"}
    first = _post(world.volunteer, body)
    again = _post(world.volunteer, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["replay"] is False and again.json()["replay"] is True
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["at"] == "2026-03-02T09:00:00+08:00"


def test_a_second_check_in_with_another_uuid_answers_409_with_the_first(world, gate_shift):
    first = _post(
        world.volunteer,
        {"client_uuid": str(uuid.uuid4()), "assignment": gate_shift.pk, "kind": "in"},
    )
    other = _post(
        world.volunteer,
        {"client_uuid": str(uuid.uuid4()), "assignment": gate_shift.pk, "kind": "in"},
    )
    assert other.status_code == 409
    assert other.json()["existing_id"] == first.json()["id"]
    assert "09:00" in other.json()["detail"]


def test_an_offline_check_in_keeps_the_time_it_happened(world, gate_shift):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "assignment": gate_shift.pk,
        "kind": "in",
        "at": "2026-03-02T07:55:00+08:00",
    }
    assert _post(world.volunteer, body).status_code == 201
    assert CheckIn.objects.get().at == datetime.datetime(2026, 3, 1, 23, 55, tzinfo=datetime.UTC)


def test_a_check_in_out_of_its_time_is_422_and_writes_nothing(world, duty):
    later = assign(roster(duty), shift(duty.gate, "E"), duty.volunteer)  # 16:00–24:00
    response = _post(
        world.volunteer, {"client_uuid": str(uuid.uuid4()), "assignment": later.pk, "kind": "in"}
    )
    assert response.status_code == 422
    assert "15:00" in response.json()["errors"]["__all__"][0]
    assert not CheckIn.objects.exists()


def test_someone_elses_shift_is_404(world, gate_shift):
    response = _post(
        world.grid_worker,
        {"client_uuid": str(uuid.uuid4()), "assignment": gate_shift.pk, "kind": "in"},
    )
    assert response.status_code == 404


def test_my_shifts_lists_the_callers_shifts_with_aware_times(world, duty, gate_shift):
    assign(
        gate_shift.roster,
        shift(duty.gate, "N"),
        duty.volunteer,
        day=MONDAY + datetime.timedelta(days=1),
    )
    with time_machine.travel(NOW, tick=False):
        response = _client(world.volunteer).get("/api/v1/duty/my-shifts")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["assignment"] for i in items][0] == gate_shift.pk
    assert items[0]["starts_at"] == "2026-03-02T08:00:00+08:00"
    assert items[0]["ends_at"] == "2026-03-02T16:00:00+08:00"
    assert items[0]["post"] == "北门卡点" and items[0]["may_check_in"] is True
    assert items[1]["starts_at"] == "2026-03-03T00:00:00+08:00"


def test_my_shifts_is_empty_for_someone_not_on_duty(world, duty):
    response = _client(world.grid_worker).get("/api/v1/duty/my-shifts")
    assert response.status_code == 200 and response.json()["items"] == []


def test_my_shifts_refuses_a_period_backwards_or_too_long(world, duty):
    client = _client(world.volunteer)
    assert client.get("/api/v1/duty/my-shifts?start=2026-03-10&end=2026-03-01").status_code == 422
    assert client.get("/api/v1/duty/my-shifts?start=2026-01-01&end=2026-06-01").status_code == 422
