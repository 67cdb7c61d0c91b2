"""The supplies API: items, holders and stock in the caller's scope; a movement is 201 when
new, 200 when the same client_uuid comes again (nothing changes), 422 with the clear message
when it would take the balance below zero; out-of-scope holders are 404."""

import uuid

import pytest

from shoumen.supplies.models import Balance, Movement
from shoumen.supplies.setup_services import reorder_level_set
from tests.supplies.conftest import move

pytestmark = pytest.mark.django_db


def _body(stock, **more):
    body = {
        "client_uuid": str(uuid.uuid4()),
        "kind": "receive",
        "item": stock.masks.pk,
        "holder": stock.store.pk,
        "quantity": "10",
        "source": "purchase",
        "note": "",
    }
    body.update(more)
    return body


def test_a_movement_is_201_then_200_on_replay_and_recorded_once(world, stock, api):
    client = api(world.community_staff)
    body = _body(stock)
    first = client.post("/supplies/movements", body)
    assert first.status_code == 201, first.content
    assert first.json()["replay"] is False and first.json()["delta"] == "10.00"
    second = client.post("/supplies/movements", body)
    assert second.status_code == 200
    assert second.json()["replay"] is True and second.json()["id"] == first.json()["id"]
    assert Movement.objects.count() == 1
    assert Balance.objects.get(holder=stock.store, item=stock.masks).quantity == 10


def test_an_issue_below_zero_is_422_with_what_is_held(world, stock, api):
    move(world.community_staff, "receive", stock.masks, stock.store, 3)
    response = api(world.community_staff).post(
        "/supplies/movements", _body(stock, kind="issue", quantity="4")
    )
    assert response.status_code == 422
    message = response.json()["errors"]["quantity"][0]
    assert "3" in message and "医用外科口罩" in message
    assert Movement.objects.count() == 1


def test_a_donation_without_a_donor_is_422(world, stock, api):
    response = api(world.community_staff).post(
        "/supplies/movements", _body(stock, source="donation")
    )
    assert response.status_code == 422
    assert "donor" in response.json()["errors"]


def test_a_transfer_and_an_issue_to_a_household(world, stock, api):
    client = api(world.community_staff)
    client.post("/supplies/movements", _body(stock))
    moved = client.post(
        "/supplies/movements",
        _body(stock, kind="transfer", quantity="6", to_holder=stock.kit.pk),
    )
    assert moved.status_code == 201 and moved.json()["to_holder"] == stock.kit.pk
    issued = api(world.grid_worker).post(
        "/supplies/movements",
        _body(
            stock, kind="issue", holder=stock.kit.pk, quantity="2", household=world.household_a.pk
        ),
    )
    assert issued.status_code == 201 and issued.json()["household"] == world.household_a.pk
    assert Balance.objects.get(holder=stock.kit, item=stock.masks).quantity == 4


def test_a_household_outside_the_holder_s_units_is_422(world, stock, api):
    from shoumen.registry.models import Household

    other = Household.objects.exclude(grid=world.grid_a).first()
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    move(world.community_staff, "transfer", stock.masks, stock.store, 5, to_holder=stock.kit)
    response = api(world.grid_worker).post(
        "/supplies/movements",
        _body(stock, kind="issue", holder=stock.kit.pk, quantity="1", household=other.pk),
    )
    assert response.status_code == 422 and "household" in response.json()["errors"]


def test_grid_workers_may_not_receive_and_outsiders_do_not_find_the_holder(world, stock, api):
    assert api(world.grid_worker).post("/supplies/movements", _body(stock)).status_code == 403
    assert api(world.outsider).post("/supplies/movements", _body(stock)).status_code == 404
    assert api(world.volunteer).post("/supplies/movements", _body(stock)).status_code == 403
    assert not Movement.objects.exists()


def test_stock_lists_quantities_and_reorder_levels_of_one_holder(world, stock, api):
    move(world.community_staff, "receive", stock.masks, stock.store, 10)
    reorder_level_set(actor=world.community_staff, holder=stock.store, item=stock.masks, level=20)
    response = api(world.community_staff).get("/supplies/stock", holder=stock.store.pk)
    assert response.status_code == 200
    assert response.json()["items"] == [
        {
            "item": stock.masks.pk,
            "holder": stock.store.pk,
            "quantity": "10.00",
            "reorder_level": "20.00",
            "low": True,
        }
    ]
    assert api(world.outsider).get("/supplies/stock", holder=stock.store.pk).status_code == 404
    assert api(world.grid_worker).get("/supplies/stock", holder=stock.store.pk).status_code == 404


def test_holders_and_items_are_those_in_scope(world, stock, api):
    holders = api(world.grid_worker).get("/supplies/holders").json()["items"]
    assert [h["id"] for h in holders] == [stock.kit.pk]
    staff = api(world.community_staff).get("/supplies/holders", unit="C1").json()
    assert {h["id"] for h in staff["items"]} == {stock.store.pk, stock.gate.pk, stock.kit.pk}
    items = api(world.grid_worker).get("/supplies/items").json()
    assert stock.masks.pk in {i["id"] for i in items["items"]}
    assert api(world.outsider).get("/supplies/holders", unit="C1").status_code == 404
    assert api(world.teacher).get("/supplies/items").status_code == 403
