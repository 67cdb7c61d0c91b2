"""On a phone: a grid worker opens the mask campaign, goes to the households still to give
in their grid and gives one with a tap; it leaves the list and the coverage counts it."""

import pytest

from shoumen.accounts.models import User
from shoumen.supplies.campaign_models import CampaignDelivery
from tests.browser.test_home_journeys import start_at_home
from tests.personas import World, build_world
from tests.supplies.campaign_helpers import campaign

pytestmark = pytest.mark.browser


@pytest.fixture
def mask_campaign(transactional_db):
    # live_server tests are transactional: the persona world may have been flushed away.
    if not User.objects.filter(username="community_staff").exists():
        build_world()
    return campaign(World(), stock=100, quantity=10)


def test_a_grid_worker_gives_a_household_its_pack_with_one_tap(live_server, phone, mask_campaign):  # noqa: F811
    world = World()
    household = world.household_a
    taps = start_at_home(phone, live_server, "grid_worker")
    phone.goto(f"{live_server.url}/supplies/campaigns/")
    taps.tap("[data-testid=campaign]")
    phone.wait_for_url(f"{live_server.url}/supplies/campaigns/{mask_campaign.pk}/")
    taps.tap("[data-testid=households-link]")
    row = f"[data-testid=household][data-household='{household.pk}']"
    phone.wait_for_selector(row)
    taps.tap(f"{row} [data-testid=give]")
    phone.wait_for_selector("[data-testid=all-given]")
    assert phone.locator(row).count() == 0
    assert CampaignDelivery.objects.filter(campaign=mask_campaign, household=household).exists()
    phone.goto(f"{live_server.url}/supplies/campaigns/{mask_campaign.pk}/")
    given = phone.locator("[data-testid=coverage-total] [data-k=delivered]").inner_text()
    assert given.strip() == "1"
    assert taps.count == 3
