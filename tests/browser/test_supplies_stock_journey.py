"""On a phone: community staff open the community's stock, go to the store, hand masks out
past the reorder level, and see the store's masks flagged low; the low-stock alert is open."""

import uuid

import pytest

from shoumen.accounts.models import User
from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.supplies.models import Balance, Holder, HolderKind, Item
from shoumen.supplies.services import movement_record
from shoumen.supplies.setup_services import reorder_level_set
from tests.browser.test_home_journeys import start_at_home
from tests.personas import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def store(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    world = World()
    holder = Holder.objects.create(org_unit=world.community, kind=HolderKind.STORE, name="社区库房")
    masks = Item.objects.get_or_create(
        name="医用外科口罩", unit="个", org_unit=None, defaults={"kind": "mask"}
    )[0]
    movement_record(
        actor=world.community_staff,
        client_uuid=uuid.uuid4(),
        kind="receive",
        item=masks,
        holder=holder,
        quantity=100,
        source="donation",
        donor="光华超市",
    )
    reorder_level_set(actor=world.community_staff, holder=holder, item=masks, level=50)
    return holder, masks


def test_staff_hand_masks_out_past_the_reorder_level_and_see_them_flagged(
    live_server,
    phone,  # noqa: F811
    store,
):
    holder, masks = store
    world = World()
    taps = start_at_home(phone, live_server, "community_staff")
    phone.goto(f"{live_server.url}/supplies/unit/{world.community.pk}/")
    assert phone.locator("[data-testid=low-stock]").count() == 0
    taps.tap(f"[data-testid=holder-card] a[href='/supplies/holders/{holder.pk}/']")
    taps.tap("[data-testid=move-issue]")
    phone.select_option("#id_item", str(masks.pk))
    phone.fill("#id_quantity", "60")
    phone.fill("#id_note", "北门卡点")
    taps.tap("[data-testid=movement-submit]")
    phone.wait_for_url(f"{live_server.url}/supplies/holders/{holder.pk}/")
    phone.wait_for_selector("[data-testid=balance-row].list-group-item-warning")
    assert Balance.objects.get(holder=holder, item=masks).quantity == 40
    alerts = Alert.objects.filter(cause=Cause.SUPPLIES_LOW_STOCK, status__in=OPEN_STATUSES)
    assert alerts.count() == 1
    phone.goto(f"{live_server.url}/supplies/unit/{world.community.pk}/")
    assert phone.locator("[data-testid=low-stock]").count() == 1
