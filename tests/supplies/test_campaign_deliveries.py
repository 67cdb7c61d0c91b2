"""Distribution campaigns: a household gets its share once, as an issue from the store in
the same transaction; a replay changes nothing; closed campaigns, households outside the
campaign or the worker's grid, and an empty store are refused with nothing written; and
coverage by grid matches a count by hand."""

import datetime
import uuid

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.audit.models import AuditEvent
from shoumen.registry.household_services import household_create
from shoumen.supplies import campaign_selectors as sel
from shoumen.supplies.campaign_models import CampaignDelivery
from shoumen.supplies.campaign_services import (
    ERR_ALREADY_GIVEN,
    ERR_CLOSED,
    ERR_OUTSIDE,
    ERR_PER_HOUSEHOLD,
    ERR_SOURCE_SCOPE,
    ERR_UUID_REUSED,
    MAX_PER_HOUSEHOLD,
    campaign_close,
    campaign_create,
    delivery_record,
)
from shoumen.supplies.models import Balance, Holder, HolderKind, Movement
from shoumen.supplies.services import ERR_BELOW_ZERO
from tests.supplies.campaign_helpers import NOW, TODAY, campaign, masks, store

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _give(actor, c, household, client_uuid=None):
    return delivery_record(
        actor=actor, campaign=c, household=household, client_uuid=client_uuid or uuid.uuid4()
    )


def _stock(c):
    return Balance.objects.get(holder=c.source, item=c.item).quantity


def test_a_delivery_issues_the_campaign_quantity_from_the_store_to_the_household(world):
    c = campaign(world, stock=100, quantity=10)
    delivery, created = _give(world.grid_worker, c, world.household_a)
    assert created
    movement = delivery.movement
    assert (movement.kind, movement.quantity, movement.delta) == ("issue", 10, -10)
    assert (movement.holder, movement.household) == (c.source, world.household_a)
    assert movement.recorded_by == world.grid_worker
    assert _stock(c) == 90
    assert AuditEvent.objects.filter(action="campaign.deliver").count() == 1


def test_a_household_gets_its_share_once_and_a_second_delivery_is_refused(world):
    c = campaign(world)
    _give(world.grid_worker, c, world.household_a)
    with pytest.raises(ValidationError) as caught:
        _give(world.community_staff, c, world.household_a)
    assert str(ERR_ALREADY_GIVEN % {"day": TODAY}) in str(caught.value)
    assert CampaignDelivery.objects.count() == 1
    assert Movement.objects.filter(kind="issue").count() == 1
    assert _stock(c) == 90


def test_a_replay_with_the_same_client_uuid_returns_the_first_delivery(world):
    c = campaign(world)
    key = uuid.uuid4()
    first, created = _give(world.grid_worker, c, world.household_a, key)
    again, created_again = _give(world.grid_worker, c, world.household_a, key)
    assert created and not created_again and again.pk == first.pk
    assert Movement.objects.filter(kind="issue").count() == 1 and _stock(c) == 90


def test_a_client_uuid_reused_for_another_household_is_refused(world):
    c = campaign(world)
    key = uuid.uuid4()
    _give(world.community_staff, c, world.household_a, key)
    with pytest.raises(ValidationError) as caught:
        _give(world.community_staff, c, world.neighbour.household, key)
    assert str(ERR_UUID_REUSED) in str(caught.value)


def test_a_closed_campaign_gives_nothing(world):
    c = campaign(world)
    campaign_close(actor=world.community_staff, campaign=c)
    c.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _give(world.grid_worker, c, world.household_a)
    assert str(ERR_CLOSED) in str(caught.value)
    assert not CampaignDelivery.objects.exists() and _stock(c) == 100


def test_an_empty_store_refuses_the_delivery_with_the_stock_ledger_s_reason(world):
    c = campaign(world, stock=5, quantity=10)
    with pytest.raises(ValidationError) as caught:
        _give(world.grid_worker, c, world.household_a)
    # Quantities as people write them (5, not 5.00).
    words = {"have": "5", "unit": "个", "item": "医用外科口罩", "want": 10}
    assert str(ERR_BELOW_ZERO % words) in str(caught.value)
    assert not CampaignDelivery.objects.exists()
    assert not Movement.objects.filter(kind="issue").exists() and _stock(c) == 5


def test_a_household_outside_the_campaign_is_refused(world):
    c = campaign(world, scope=world.grid_a)
    with pytest.raises(ValidationError) as caught:
        _give(world.community_staff, c, world.neighbour.household)
    assert str(ERR_OUTSIDE) in str(caught.value)
    assert not CampaignDelivery.objects.exists()


def test_a_grid_worker_cannot_give_in_the_neighbouring_grid(world):
    c = campaign(world)
    with pytest.raises(PermissionDenied):
        _give(world.grid_worker, c, world.neighbour.household)
    assert not CampaignDelivery.objects.exists() and _stock(c) == 100


def test_only_those_who_manage_supplies_over_the_scope_create_and_close(world):
    source = store(world, 0)
    values = {
        "scope": world.community,
        "name": "口罩",
        "item": masks(),
        "quantity": 1,
        "source": source,
        "starts_on": TODAY,
        "ends_on": TODAY,
    }
    for actor in (world.grid_worker, world.outsider):
        with pytest.raises(PermissionDenied):
            campaign_create(actor=actor, **values)
    c = campaign_create(actor=world.community_staff, **values)
    with pytest.raises(PermissionDenied):
        campaign_close(actor=world.grid_worker, campaign=c)


@pytest.mark.parametrize("quantity", [0, -1, MAX_PER_HOUSEHOLD + 1, True, 1.5])
def test_a_campaign_gives_a_whole_number_of_at_least_one(world, quantity):
    with pytest.raises(ValidationError) as caught:
        campaign(world, quantity=quantity)
    assert str(ERR_PER_HOUSEHOLD % {"max": MAX_PER_HOUSEHOLD}) in str(caught.value)


def test_the_store_must_be_of_the_campaign_s_unit_or_above(world):
    gate = Holder.objects.create(org_unit=world.grid_b, kind=HolderKind.CHECKPOINT, name="二网格点")
    with pytest.raises(ValidationError) as caught:
        campaign_create(
            actor=world.community_staff,
            scope=world.community,
            name="口罩",
            item=masks(),
            quantity=1,
            source=gate,
            starts_on=TODAY,
            ends_on=TODAY,
        )
    assert str(ERR_SOURCE_SCOPE) in str(caught.value)


def test_coverage_by_grid_and_in_total_matches_a_count_by_hand(world):
    admin = world.admin_user
    for door in ("401", "402", "403"):
        household_create(
            actor=admin, grid=world.grid_a, building=world.building_a, unit="1", door_number=door
        )
    household_create(actor=admin, grid=world.grid_b, address="光华路8号")
    c = campaign(world, stock=1000)
    grid_a = list(sel.households_in(admin, c).filter(grid=world.grid_a))
    grid_b = list(sel.households_in(admin, c).filter(grid=world.grid_b))
    for h in grid_a[:3]:
        _give(world.grid_worker, c, h)
    _give(world.neighbour_worker, c, grid_b[0])
    expected = {
        world.grid_a.pk: (len(grid_a), 3, round(300 / len(grid_a))),
        world.grid_b.pk: (len(grid_b), 1, round(100 / len(grid_b))),
    }
    rows = sel.coverage_by_grid(world.community_staff, c)
    assert {r["grid_id"]: (r["households"], r["delivered"], r["percent"]) for r in rows} == expected
    total = sel.coverage_total(rows)
    households = len(grid_a) + len(grid_b)
    assert (total["households"], total["delivered"], total["to_give"]) == (
        households,
        4,
        households - 4,
    )
    # A grid worker sees their own grid only.
    mine = sel.coverage_by_grid(world.grid_worker, c)
    assert [r["grid_id"] for r in mine] == [world.grid_a.pk]
    # Households still to give, in the worker's grid.
    left = list(sel.households_to_give(world.grid_worker, c))
    assert left == grid_a[3:]


def test_a_household_given_under_another_campaign_still_counts_as_to_give_here(world):
    first = campaign(world, stock=1000)
    second = campaign(world, stock=0, name="第二轮口罩")
    _give(world.grid_worker, first, world.household_a)
    rows = {r["grid_id"]: r for r in sel.coverage_by_grid(world.grid_worker, second)}
    assert rows[world.grid_a.pk]["delivered"] == 0
    assert world.household_a in list(sel.households_to_give(world.grid_worker, second))


def test_campaigns_before_their_first_day_give_nothing(world):
    c = campaign(world)
    c.starts_on = TODAY + datetime.timedelta(days=1)
    c.save()
    with pytest.raises(ValidationError):
        _give(world.grid_worker, c, world.household_a)


def test_the_daily_figure_counts_households_given_that_day_by_grid(world):
    from shoumen.supplies.campaign_metrics import households_given

    c = campaign(world, stock=1000)
    second = campaign(world, stock=0, name="第二轮口罩")
    _give(world.grid_worker, c, world.household_a)
    _give(world.grid_worker, second, world.household_a)
    _give(world.neighbour_worker, c, world.neighbour.household)
    grids = [world.grid_a.pk, world.grid_b.pk]
    assert households_given(grids, TODAY) == {world.grid_a.pk: 1.0, world.grid_b.pk: 1.0}
    assert households_given(grids, TODAY - datetime.timedelta(days=1)) == {}


def test_the_daily_job_closes_campaigns_whose_last_day_is_over(world):
    from shoumen.supplies.campaign_services import campaigns_close_ended

    c = campaign(world)
    assert campaigns_close_ended(day=c.ends_on) == 0
    assert campaigns_close_ended(day=c.ends_on + datetime.timedelta(days=1)) == 1
    c.refresh_from_db()
    assert c.status == "closed"
    assert campaigns_close_ended(day=c.ends_on + datetime.timedelta(days=2)) == 0
    assert AuditEvent.objects.filter(action="campaign.close").count() == 1
