"""Swaps over the API: ask (201, 200 on replay), approve (applied, or refused with the
rules in words), refuse, and the staff's paginated list."""

import datetime
import uuid

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.duty.models import Swap, SwapStatus
from shoumen.duty.swap_services import ERR_PARTNER_ELSEWHERE
from tests.duty.conftest import MONDAY, NOW
from tests.duty.swap_rows import published, put

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
TUESDAY = MONDAY + DAY


@pytest.fixture
def roster(duty):
    with time_machine.travel(NOW, tick=False):
        yield published(duty.community, MONDAY, MONDAY + 6 * DAY)


def _client(user) -> Client:
    _token, raw = api_token_create(actor=None, user=user)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _ask(client, assignment, partner, key=None, **extra):
    body = {
        "client_uuid": str(key or uuid.uuid4()),
        "assignment": assignment.pk,
        "partner": partner.pk,
        **extra,
    }
    return client.post("/api/v1/duty/swaps", body, content_type="application/json")


def test_a_swap_asked_twice_answers_201_then_200_with_one_swap(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    client = _client(world.volunteer)
    key = uuid.uuid4()
    first = _ask(client, mine, duty.people[4], key, reason="值班冲突")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == "pending" and body["partner"] == duty.people[4].pk
    assert body["assignment"]["post"] == "北门卡点" and body["reason"] == "值班冲突"
    again = _ask(client, mine, duty.people[4], key)
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Swap.objects.count() == 1


def test_an_unknown_partner_is_a_field_error(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    client = _client(world.volunteer)
    body = {"client_uuid": str(uuid.uuid4()), "assignment": mine.pk, "partner": 999999}
    response = client.post("/api/v1/duty/swaps", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"partner": [str(ERR_PARTNER_ELSEWHERE)]}
    assert not Swap.objects.exists()


def test_someone_elses_shift_is_not_found(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    response = _ask(_client(world.grid_worker), mine, duty.people[4])
    assert response.status_code == 404


def test_approval_over_the_api_applies_the_swap(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap_id = _ask(_client(world.volunteer), mine, duty.people[4]).json()["id"]
    response = _client(world.community_staff).post(f"/api/v1/duty/swaps/{swap_id}/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["assignment"]["person"] == duty.people[4].pk


def test_approval_of_a_swap_breaking_a_rule_answers_refused_with_the_rules(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    tired = duty.people[5]
    put(roster, duty.gate, "N", TUESDAY, tired)
    swap_id = _ask(_client(world.volunteer), mine, tired).json()["id"]
    response = _client(world.community_staff).post(
        f"/api/v1/duty/swaps/{swap_id}/approve", headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refused"
    assert [p["rule"] for p in body["problems"]] == ["rest"]
    assert tired.name in body["problems"][0]["text"]


def test_the_requester_cannot_approve_over_the_api(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    client = _client(world.volunteer)
    swap_id = _ask(client, mine, duty.people[4]).json()["id"]
    assert client.post(f"/api/v1/duty/swaps/{swap_id}/approve").status_code == 403
    assert Swap.objects.get().status == SwapStatus.PENDING


def test_staff_refuse_over_the_api(world, duty, roster):
    mine = put(roster, duty.gate, "D", TUESDAY, duty.volunteer)
    swap_id = _ask(_client(world.volunteer), mine, duty.people[4]).json()["id"]
    response = _client(world.street_officer).post(f"/api/v1/duty/swaps/{swap_id}/refuse")
    assert response.status_code == 200 and response.json()["status"] == "refused"


def test_the_swap_list_is_paginated_and_filtered(world, duty, roster):
    asker = _client(world.volunteer)
    for i in range(3):
        mine = put(roster, duty.gate, "E", TUESDAY + i * DAY, duty.volunteer)
        _ask(asker, mine, duty.people[4 + i])
    staff = _client(world.community_staff)
    page = staff.get("/api/v1/duty/swaps?unit=C1&limit=2").json()
    assert page["count"] == 3 and len(page["items"]) == 2
    rest = staff.get("/api/v1/duty/swaps?unit=C1&limit=2&offset=2").json()
    assert len(rest["items"]) == 1
    assert staff.get("/api/v1/duty/swaps?status=approved").json()["count"] == 0
    assert staff.get("/api/v1/duty/swaps?status=maybe").status_code == 422
    assert _client(world.outsider).get("/api/v1/duty/swaps?unit=C1").status_code == 404
    assert _client(world.outsider).get("/api/v1/duty/swaps").json()["count"] == 0
    assert _client(world.grid_worker).get("/api/v1/duty/swaps").status_code == 403
