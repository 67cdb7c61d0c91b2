"""Distribution campaigns over the API: campaigns listed in scope, a campaign's coverage,
and deliveries recorded idempotently (201 new, 200 replay, 422 refused)."""

import json
import uuid

import pytest
import time_machine
from django.test import Client

from shoumen.accounts.services import api_token_create
from shoumen.supplies.campaign_models import CampaignDelivery
from tests.supplies.campaign_helpers import NOW, campaign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def api(user):
    _token, raw = api_token_create(actor=None, user=user)
    client = Client(headers={"Authorization": f"Bearer {raw}"})

    def call(path, body=None, **params):
        url = "/api/v1" + path
        if body is None:
            return client.get(url, params)
        return client.post(url, json.dumps(body), content_type="application/json")

    return call


def test_campaigns_are_listed_in_scope(world):
    c = campaign(world)
    got = api(world.grid_worker)("/supplies/campaigns").json()
    assert got["count"] == 1 and got["items"][0]["id"] == c.pk
    assert got["items"][0]["quantity"] == 10 and got["items"][0]["unit"] == "个"
    assert api(world.outsider)("/supplies/campaigns").json()["count"] == 0
    assert api(world.volunteer)("/supplies/campaigns").status_code == 403


def test_a_campaign_s_coverage_is_the_caller_s_part(world):
    c = campaign(world)
    got = api(world.grid_worker)(f"/supplies/campaigns/{c.pk}").json()
    assert [g["grid"] for g in got["grids"]] == ["G1"]
    assert got["total"]["delivered"] == 0
    assert api(world.outsider)(f"/supplies/campaigns/{c.pk}").status_code == 404


def test_a_delivery_is_201_then_200_on_replay_then_422_for_a_second_one(world):
    c = campaign(world)
    call = api(world.grid_worker)
    path = f"/supplies/campaigns/{c.pk}/deliveries"
    body = {"client_uuid": str(uuid.uuid4()), "household": world.household_a.pk}
    first = call(path, body)
    assert first.status_code == 201, first.content
    assert first.json()["household"] == world.household_a.pk
    replay = call(path, body)
    assert replay.status_code == 200 and replay.json()["id"] == first.json()["id"]
    second = call(path, {**body, "client_uuid": str(uuid.uuid4())})
    assert second.status_code == 422 and "household" in second.json()["errors"]
    assert CampaignDelivery.objects.count() == 1


def test_a_delivery_outside_the_worker_s_grid_or_from_an_empty_store_is_422(world):
    c = campaign(world, stock=5, quantity=10)
    call = api(world.grid_worker)
    path = f"/supplies/campaigns/{c.pk}/deliveries"
    outside = call(
        path, {"client_uuid": str(uuid.uuid4()), "household": world.neighbour.household.pk}
    )
    assert outside.status_code == 422 and "household" in outside.json()["errors"]
    empty = call(path, {"client_uuid": str(uuid.uuid4()), "household": world.household_a.pk})
    assert empty.status_code == 422 and "quantity" in empty.json()["errors"]
    assert not CampaignDelivery.objects.exists()


def test_a_campaign_out_of_scope_is_404(world):
    c = campaign(world)
    body = {"client_uuid": str(uuid.uuid4()), "household": world.household_a.pk}
    got = api(world.outsider)(f"/supplies/campaigns/{c.pk}/deliveries", body)
    assert got.status_code == 404 and not CampaignDelivery.objects.exists()
