"""Eight hand-outs of one holder's masks at the same moment (PostgreSQL): no lost update, no
balance below zero, and the balance equals the sum of the movements."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from shoumen.supplies.models import Balance, Holder, HolderKind, Item, Movement
from shoumen.supplies.services import movement_record
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def _masks() -> Item:
    # Transactional tests empty the tables: the standard list may have gone with them.
    return Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]


def test_eight_hand_outs_at_once_never_take_the_balance_below_zero(world):
    store = Holder.objects.create(org_unit=world.community, kind=HolderKind.STORE, name="库房")
    masks = _masks()
    movement_record(
        actor=world.community_staff,
        client_uuid=uuid.uuid4(),
        kind="receive",
        item=masks,
        holder=store,
        quantity=50,
        source="purchase",
    )

    def send(_i):
        try:
            movement_record(
                actor=world.community_staff,
                client_uuid=uuid.uuid4(),
                kind="issue",
                item=masks,
                holder=store,
                quantity=10,
            )
        except ValidationError:
            return "refused"
        return "issued"

    answers = at_once(send)
    assert sorted(answers) == ["issued"] * 5 + ["refused"] * 3
    assert Balance.objects.get(holder=store, item=masks).quantity == 0
    assert Movement.objects.filter(kind="issue").count() == 5


def test_eight_copies_of_one_movement_at_once_record_it_once(world):
    store = Holder.objects.create(org_unit=world.community, kind=HolderKind.STORE, name="库房")
    masks = _masks()
    key = uuid.uuid4()

    def send(_i):
        return movement_record(
            actor=world.community_staff,
            client_uuid=key,
            kind="receive",
            item=masks,
            holder=store,
            quantity=7,
            source="purchase",
        )[1]

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert Balance.objects.get(holder=store, item=masks).quantity == 7
