"""Eight hand-outs at once taking one holder's masks below their reorder level (PostgreSQL):
one low-stock alert opens, never two, and none of the hand-outs fails for it."""

import uuid

import pytest

from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.supplies.models import Balance, Holder, HolderKind, Item
from shoumen.supplies.services import movement_record
from shoumen.supplies.setup_services import reorder_level_set
from tests.concurrency import at_once, postgresql_only

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_hand_outs_below_the_level_at_once_open_one_alert(world):
    store = Holder.objects.create(org_unit=world.community, kind=HolderKind.STORE, name="库房")
    masks = Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]
    staff = world.community_staff
    movement_record(
        actor=staff,
        client_uuid=uuid.uuid4(),
        kind="receive",
        item=masks,
        holder=store,
        quantity=100,
        source="purchase",
    )
    reorder_level_set(actor=staff, holder=store, item=masks, level=95)

    def send(_i):
        movement_record(
            actor=staff,
            client_uuid=uuid.uuid4(),
            kind="issue",
            item=masks,
            holder=store,
            quantity=1,
        )
        return "issued"

    assert at_once(send) == ["issued"] * 8
    assert Balance.objects.get(holder=store, item=masks).quantity == 92
    alerts = Alert.objects.filter(cause=Cause.SUPPLIES_LOW_STOCK, status__in=OPEN_STATUSES)
    assert alerts.count() == 1
    assert alerts.get().details["quantity"] == "92.00"
