"""The demo's supplies: the first community's store and a holder at each checkpoint,
receipts with a named business's donation, hand-outs on each of the last 14 days, reorder
levels with one checkpoint's masks below theirs (its low-stock alert open), the same for
the same seed; and, loaded with them, volunteer1's open service tasks."""

import datetime

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from shoumen.alerts.models import OPEN_STATUSES, Alert, Cause
from shoumen.checkpoints.models import Checkpoint
from shoumen.demo import supplies as demo_supplies
from shoumen.demo.load import demo_load
from shoumen.places.models import OrgUnit
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery
from shoumen.supplies.models import Balance, Holder, HolderKind, Movement
from shoumen.supplies.selectors import expiring_batches

DAY = datetime.date(2026, 6, 4)
NOW = "2026-06-04 10:30 +0800"
PASSWORD = "demo-password-for-tests"


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        result = demo_load(size="small", seed=7, password=PASSWORD, day=DAY)
    return result.district, demo_supplies.demo_supplies_counts(result.district)


def _community():
    return OrgUnit.objects.get(code=demo_supplies.SUPPLIES_COMMUNITY_CODE)


def test_the_demo_stocks_the_first_community_s_store_and_checkpoints(demo):
    district, counts = demo
    community = _community()
    gates = Checkpoint.objects.filter(community=community).count()
    assert gates == 2
    holders = Holder.objects.filter(org_unit=community)
    assert counts["supply_holders"] == holders.count() == 1 + gates
    assert holders.filter(kind=HolderKind.CHECKPOINT).count() == gates
    assert counts["supply_movements"] == Movement.objects.count() > 50
    assert demo_supplies.demo_supplies_counts(district) == counts


def test_the_demo_holds_a_named_business_s_donation_expiring_soon(demo):
    donation = Movement.objects.get(source="donation")
    assert donation.donor == demo_supplies.DONOR
    with time_machine.travel(NOW, tick=False):
        batches = expiring_batches(Holder.objects.filter(org_unit=_community()), day=DAY)
    assert [b.movement.batch for b in batches] == ["HL-0421"]


def test_the_demo_hands_supplies_out_on_each_of_the_last_14_days(demo):
    def local_days(**filters):
        rows = Movement.objects.filter(kind="issue", **filters).values_list("recorded_at")
        return {timezone.localtime(at).date() for (at,) in rows}

    last_15 = {DAY - datetime.timedelta(days=k) for k in range(15)}
    assert local_days() == last_15
    assert local_days(household__isnull=False) == last_15


def test_one_checkpoint_s_masks_are_below_their_level_with_its_alert_open(demo):
    _district, counts = demo
    low = [
        b
        for b in Balance.objects.filter(reorder_level__isnull=False).select_related("holder")
        if b.quantity < b.reorder_level
    ]
    assert len(low) == 1 and low[0].holder.kind == HolderKind.CHECKPOINT
    alert = Alert.objects.get(cause=Cause.SUPPLIES_LOW_STOCK, status__in=OPEN_STATUSES)
    assert alert.grid == _community()
    assert alert.key == f"{low[0].holder_id}:{low[0].item_id}"
    assert alert.owner is not None
    assert counts["supply_low_stock_alerts"] == 1


def test_the_same_seed_gives_the_same_supplies(demo):
    district, _counts = demo
    # The campaign's deliveries, loaded after, are the campaign demo's.
    movements = Movement.objects.filter(delivery__isnull=True).order_by("pk")
    first = list(movements.values_list("kind", "quantity", "recorded_at"))
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        Alert.objects.filter(cause=Cause.SUPPLIES_LOW_STOCK).delete()
        CampaignDelivery.objects.all().delete()
        Campaign.objects.all().delete()
        Movement.objects.all().delete()
        Balance.objects.all().delete()
        Holder.objects.all().delete()
        demo_supplies.demo_supplies_load(district, day=DAY, seed=7)
        again = list(Movement.objects.order_by("pk").values_list("kind", "quantity", "recorded_at"))
        transaction.set_rollback(True)
    assert again == first


def test_volunteer1_has_open_service_tasks_and_a_volunteering_record(demo):
    from shoumen.accounts.models import User
    from shoumen.services.models import RequestStatus, ServiceRequest

    user = User.objects.get(username="volunteer1")
    assert ServiceRequest.objects.filter(
        volunteer__user=user, status=RequestStatus.ASSIGNED
    ).exists()
    assert user.volunteer.status == "approved"
