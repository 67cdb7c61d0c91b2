"""Deliveries at the same moment (PostgreSQL): eight copies of one delivery record it once,
and eight workers giving the same household give it once, never a 500 from a constraint."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from shoumen.supplies.campaign_models import CampaignDelivery
from shoumen.supplies.campaign_services import delivery_record
from shoumen.supplies.models import Balance, Movement
from tests.concurrency import at_once, postgresql_only
from tests.supplies.campaign_helpers import campaign

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]


def test_eight_copies_of_one_delivery_at_once_record_it_once(world):
    c = campaign(world, stock=100, quantity=10)
    key = uuid.uuid4()

    def send(_i):
        return delivery_record(
            actor=world.grid_worker, campaign=c, household=world.household_a, client_uuid=key
        )[1]

    assert sorted(at_once(send)) == [False] * 7 + [True]
    assert CampaignDelivery.objects.count() == 1
    assert Movement.objects.filter(kind="issue").count() == 1
    assert Balance.objects.get(holder=c.source, item=c.item).quantity == 90


def test_eight_taps_for_one_household_at_once_give_it_once(world):
    c = campaign(world, stock=100, quantity=10)

    def send(_i):
        try:
            delivery_record(
                actor=world.grid_worker,
                campaign=c,
                household=world.household_a,
                client_uuid=uuid.uuid4(),
            )
        except ValidationError:
            return "refused"
        return "given"

    assert sorted(at_once(send)) == ["given"] + ["refused"] * 7
    assert CampaignDelivery.objects.count() == 1
    assert Balance.objects.get(holder=c.source, item=c.item).quantity == 90
