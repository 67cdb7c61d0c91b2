"""The demo's mask campaign: over the first community, half its households given one
pack each by their grid's worker, from the community's store (an allocation added when
it holds too few); the same every time with the seed, and loading it again adds nothing."""

import datetime
import random

import pytest
import time_machine
from django.db.models import Sum

from shoumen.demo import supplies_campaigns as demo_campaigns
from shoumen.demo.duty import DUTY_COMMUNITY_CODE
from shoumen.demo.load import demo_load
from shoumen.demo.plan import DEMO_DISTRICT_CODE
from shoumen.places.models import OrgUnit
from shoumen.registry.models import Household
from shoumen.supplies import campaign_selectors as sel
from shoumen.supplies.campaign_models import Campaign, CampaignDelivery
from shoumen.supplies.models import Balance, Movement

DAY = datetime.date(2026, 6, 4)
NOW = "2026-06-04 10:30 +0800"


@pytest.fixture
def demo(db):
    with time_machine.travel(NOW, tick=False):
        demo_load(size="small", seed=7, password="demo-password-for-tests", day=DAY)
        district = OrgUnit.objects.get(code=DEMO_DISTRICT_CODE)
        counts = demo_campaigns.demo_supplies_campaigns_load(district, day=DAY, seed=7)
        again = demo_campaigns.demo_supplies_campaigns_load(district, day=DAY, seed=7)
    return district, counts, again


def test_the_demo_campaign_has_given_half_the_community_one_pack_each_as_the_seed_draws(demo):
    district, counts, again = demo
    community = OrgUnit.objects.get(code=DUTY_COMMUNITY_CODE)
    campaign = Campaign.objects.get(scope=community)
    households = Household.objects.filter(grid__path__startswith=community.path).count()
    deliveries = CampaignDelivery.objects.filter(campaign=campaign)
    assert deliveries.count() == households // 2 > 0
    assert counts == again == {"supply_campaigns": 1, "campaign_deliveries": households // 2}
    total = sel.coverage_total(sel.coverage_by_grid(campaign.created_by, campaign))
    assert (total["households"], total["delivered"]) == (households, households // 2)
    # Every delivery is an issue of ten masks from the store, by the grid's worker.
    issued = Movement.objects.filter(delivery__campaign=campaign)
    assert issued.aggregate(s=Sum("quantity"))["s"] == 10 * (households // 2)
    assert {m.holder for m in issued} == {campaign.source}
    store = Balance.objects.get(holder=campaign.source, item=campaign.item)
    moved = Movement.objects.filter(holder=campaign.source, item=campaign.item)
    assert store.quantity == moved.aggregate(s=Sum("delta"))["s"] >= 0
    # The store of the supplies demo, loaded before it.
    assert campaign.source.kind == "store" and campaign.source.org_unit == community
    latest = max(d.delivered_at for d in deliveries)
    assert latest.date() <= DAY

    # The households given are those the seed draws.
    rng = random.Random(7 * 17 + 7)  # noqa: S311
    ordered = list(Household.objects.filter(grid__path__startswith=community.path).order_by("pk"))
    expected = {h.pk for h in rng.sample(ordered, len(ordered) // 2)}
    assert set(deliveries.values_list("household_id", flat=True)) == expected
