"""The stock ledger: received, issued, transferred and counted supplies change the balances
with their movements, nothing takes a balance below zero, a replayed movement changes
nothing, and each holder's balance always equals the sum of its movements."""

import importlib
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from shoumen.audit.models import AuditEvent
from shoumen.supplies.models import Balance, Holder, HolderKind, Item, Movement
from shoumen.supplies.services import (
    ERR_DONOR,
    ERR_HOUSEHOLD,
    ERR_QUANTITY,
    ERR_REASON,
    ERR_SAME_HOLDER,
    movement_record,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(world):
    store = Holder.objects.create(org_unit=world.community, kind=HolderKind.STORE, name="社区库房")
    gate = Holder.objects.create(org_unit=world.community, kind=HolderKind.CHECKPOINT, name="北门")
    # Made by a migration; a transactional test run before may have emptied the table.
    masks = Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]
    return store, gate, masks


def _move(actor, kind, item, holder, quantity, **more):
    more.setdefault("client_uuid", uuid.uuid4())
    return movement_record(
        actor=actor, kind=kind, item=item, holder=holder, quantity=quantity, **more
    )[0]


def _balance(holder, item) -> Decimal:
    return Balance.objects.get(holder=holder, item=item).quantity


def _sum_of_movements(holder, item) -> Decimal:
    here = Movement.objects.filter(holder=holder, item=item).aggregate(s=Sum("delta"))["s"]
    arrived = Movement.objects.filter(to_holder=holder, item=item).aggregate(s=Sum("quantity"))
    return (here or 0) + (arrived["s"] or 0)


def test_the_standard_items_are_made_once_whatever_is_there():
    from django.apps import apps

    standard = importlib.import_module("shoumen.supplies.migrations.0002_standard_items")
    standard.add(apps, None)
    standard.add(apps, None)
    names = set(Item.objects.filter(org_unit=None).values_list("name", flat=True))
    assert {name for name, _kind, _unit in standard.STANDARD} <= names
    assert Item.objects.filter(org_unit=None).count() == len(standard.STANDARD)


def test_received_issued_transferred_and_counted_supplies_move_the_balances(world, stock):
    store, gate, masks = stock
    staff = world.community_staff
    _move(staff, "receive", masks, store, 1000, source="donation", donor="光华超市")
    _move(staff, "transfer", masks, store, 300, to_holder=gate)
    _move(staff, "issue", masks, gate, 20, household=world.household_a)
    _move(staff, "count", masks, store, 690, note="盘点少10个，破损")
    assert (_balance(store, masks), _balance(gate, masks)) == (690, 280)
    for holder in (store, gate):
        assert _balance(holder, masks) == _sum_of_movements(holder, masks)
    assert AuditEvent.objects.filter(action="movement.record").count() == 4


def test_an_issue_past_the_balance_is_refused_and_nothing_is_written(world, stock):
    store, _gate, masks = stock
    _move(world.community_staff, "receive", masks, store, 10, source="purchase")
    with pytest.raises(ValidationError) as caught:
        _move(world.community_staff, "issue", masks, store, 11)
    assert "10" in str(caught.value) and masks.name in str(caught.value)
    assert _balance(store, masks) == 10 and Movement.objects.count() == 1


def test_a_replayed_movement_changes_nothing_and_returns_the_first(world, stock):
    store, _gate, masks = stock
    key = uuid.uuid4()
    first, new = movement_record(
        actor=world.community_staff,
        client_uuid=key,
        kind="receive",
        item=masks,
        holder=store,
        quantity=5,
        source="purchase",
    )
    again, new_again = movement_record(
        actor=world.community_staff,
        client_uuid=key,
        kind="receive",
        item=masks,
        holder=store,
        quantity=5,
        source="purchase",
    )
    assert (new, new_again, again.pk) == (True, False, first.pk)
    assert _balance(store, masks) == 5


@pytest.mark.parametrize(
    ("kind", "quantity", "more", "field", "error"),
    [
        ("receive", 0, {"source": "purchase"}, "quantity", ERR_QUANTITY),
        ("receive", "1.234", {"source": "purchase"}, "quantity", ERR_QUANTITY),
        ("receive", 5, {"source": "donation"}, "donor", ERR_DONOR),
        ("count", 3, {}, "note", ERR_REASON),
    ],
)
def test_bad_movements_are_refused_with_their_reason(
    world, stock, kind, quantity, more, field, error
):
    store, _gate, masks = stock
    with pytest.raises(ValidationError) as caught:
        _move(world.community_staff, kind, masks, store, quantity, **more)
    assert caught.value.message_dict[field] == [str(error)]
    assert not Movement.objects.exists()


def test_a_transfer_goes_to_another_holder(world, stock):
    store, _gate, masks = stock
    with pytest.raises(ValidationError) as caught:
        _move(world.community_staff, "transfer", masks, store, 1, to_holder=store)
    assert caught.value.message_dict["to_holder"] == [str(ERR_SAME_HOLDER)]


def test_supplies_go_only_to_households_the_holder_serves(world, stock):
    store, _gate, masks = stock
    _move(world.community_staff, "receive", masks, store, 10, source="purchase")
    other = world.outsider_person.household
    with pytest.raises(ValidationError) as caught:
        _move(world.community_staff, "issue", masks, store, 1, household=other)
    assert caught.value.message_dict["household"] == [str(ERR_HOUSEHOLD)]


def test_a_grid_worker_hands_out_from_their_kit_but_does_not_receive_or_count(world, stock):
    store, _gate, masks = stock
    kit = Holder.objects.create(
        org_unit=world.grid_a,
        kind=HolderKind.WORKER_KIT,
        name="一网格工具包",
        worker=world.grid_worker,
    )
    _move(world.community_staff, "receive", masks, store, 10, source="purchase")
    _move(world.community_staff, "transfer", masks, store, 4, to_holder=kit)
    _move(world.grid_worker, "issue", masks, kit, 2, household=world.household_a)
    assert _balance(kit, masks) == 2
    with pytest.raises(PermissionDenied):
        _move(world.grid_worker, "receive", masks, kit, 5, source="purchase")
    with pytest.raises(PermissionDenied):
        _move(world.grid_worker, "issue", masks, store, 1)


def test_staff_of_another_street_cannot_move_this_communitys_stock(world, stock):
    store, _gate, masks = stock
    with pytest.raises(PermissionDenied):
        _move(world.outsider, "receive", masks, store, 5, source="purchase")
